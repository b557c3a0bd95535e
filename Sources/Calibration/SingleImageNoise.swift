import FluoCore
import Foundation

/// The noise-level function of one image, Var[S] = slope·E[S] + intercept, estimated from the
/// image alone (a level-set method after Foi et al., IEEE TIP 17 (2008) 1737, with
/// Immerkær's noise stencil, CVIU 64 (1996) 300):
///
/// 1. At every interior pixel, the 3×3 mean m and the detail
///
///        d = (1/6)·[1 −2 1; −2 4 −2; 1 −2 1] ⊛ S,
///
///    the product of second differences along y and x: for independent noise of variance σ²
///    per pixel Var[d] = σ² (the stencil's squared weights sum to 36), and d vanishes on any
///    image that is linear along y or along x, so smooth structure leaks little into it.
/// 2. Pixels sorted by m form level sets whose variance is that of d, with samples beyond
///    5 MAD-scales dropped (`LevelSets.fromDetails`): the edges and ridges that still leak.
/// 3. A bisquare-weighted line through the level sets (`RobustLine`) is the noise-level
///    function. Its slope is the gain g (ADU/e⁻); its intercept is σ_r² − g·O, so the read
///    noise follows once the offset O is known (a dark frame, the camera's data sheet).
///
/// The image must be recorded as the camera gave it: resampling (bicubic upsampling, a
/// rotation) correlates neighbouring pixels and hides noise from d; `whiteness` tells.
public struct SingleImageNoise: Sendable {
    public var levelSets: [LevelSet]
    public var line: RobustLine
    /// 4·σ²(2×2-binned image)/σ²(image) at the median level: 1 for pixel-independent noise,
    /// well above 1 where neighbouring pixels share noise (a resampled image).
    public var whiteness: Double

    /// Gain g in ADU per electron: the slope of the noise-level function.
    public var gainADUPerE: Double { line.slope }

    /// The camera model with offset `offsetADU`: read variance σ_r² = intercept + g·O.
    public func model(offsetADU: Double) -> CameraNoiseModel {
        CameraNoiseModel(gainADUPerE: gainADUPerE, offsetADU: offsetADU,
                         readNoiseADU: Swift.max(line(offsetADU), 0).squareRoot())
    }

    /// Estimates the noise of `image` (2-D, or each plane of a 3-D stack pooled).
    public init(_ image: Volume, perSet: Int = 1000) throws {
        (levelSets, line) = try SingleImageNoise.fit(image, perSet: perSet)
        let binned = try SingleImageNoise.fit(SingleImageNoise.binned(image), perSet: Swift.max(perSet / 4, 100))
        let level = levelSets[levelSets.count / 2].meanADU
        whiteness = 4 * binned.line(level) / Swift.max(line(level), .leastNormalMagnitude)
    }

    static func fit(_ image: Volume, perSet: Int) throws -> (sets: [LevelSet], line: RobustLine) {
        let samples = NoiseStencil(image)
        guard samples.mean.count >= 4 * perSet else {
            throw CalibrationError.insufficientData("\(image.shape) gives \(samples.mean.count) noise samples; at least \(4 * perSet) are needed")
        }
        let sets = LevelSets.fromDetails(levels: samples.mean, details: samples.detail, perSet: perSet)
        return (sets, try RobustLine(x: sets.map(\.meanADU), y: sets.map(\.variance), weights: sets.map(\.weight)))
    }

    /// 2×2 means of every plane.
    public static func binned(_ image: Volume) -> Volume {
        let ny = image.shape[image.rank - 2], nx = image.shape[image.rank - 1]
        let rows = ny / 2, columns = nx / 2, planes = image.count / (ny * nx)
        var data = [Float]()
        data.reserveCapacity(planes * rows * columns)
        for p in 0..<planes {
            for r in 0..<rows {
                let top = p * ny * nx + 2 * r * nx, bottom = top + nx
                for c in 0..<columns {
                    data.append((image.data[top + 2 * c] + image.data[top + 2 * c + 1] + image.data[bottom + 2 * c] + image.data[bottom + 2 * c + 1]) / 4)
                }
            }
        }
        var shape = image.shape, spacing = image.spacingUm
        shape[shape.count - 1] = columns; shape[shape.count - 2] = rows
        spacing[spacing.count - 1] *= 2; spacing[spacing.count - 2] *= 2
        return Volume(shape: shape, spacingUm: spacing, data: data)
    }
}

/// Immerkær's detail and the 3×3 mean at every interior pixel of every plane.
struct NoiseStencil {
    var mean: [Double] = [], detail: [Double] = []

    init(_ image: Volume) {
        let ny = image.shape[image.rank - 2], nx = image.shape[image.rank - 1], planes = image.count / (ny * nx)
        guard ny >= 3, nx >= 3 else { return }
        mean.reserveCapacity(planes * (ny - 2) * (nx - 2))
        detail.reserveCapacity(planes * (ny - 2) * (nx - 2))
        image.data.withUnsafeBufferPointer { s in
            for p in 0..<planes {
                for y in 1..<(ny - 1) {
                    for x in 1..<(nx - 1) {
                        let c = p * ny * nx + y * nx + x
                        let (a, b, d) = (Double(s[c - nx - 1]), Double(s[c - nx]), Double(s[c - nx + 1]))
                        let (e, f, g) = (Double(s[c - 1]), Double(s[c]), Double(s[c + 1]))
                        let (h, i, j) = (Double(s[c + nx - 1]), Double(s[c + nx]), Double(s[c + nx + 1]))
                        mean.append((a + b + d + e + f + g + h + i + j) / 9)
                        detail.append((a - 2 * b + d - 2 * e + 4 * f - 2 * g + h - 2 * i + j) / 6)
                    }
                }
            }
        }
    }
}

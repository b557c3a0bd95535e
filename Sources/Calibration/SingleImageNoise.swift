import FluoCore
import Foundation

/// The noise-level function of one image, Var[S] = slope·E[S] + intercept, estimated from
/// its smooth regions (after Foi et al., IEEE TIP 17 (2008) 1737, with a Haar wavelet):
///
/// 1. Each 2×2 block gives its mean m = (a + b + c + d)/4 and diagonal detail
///    δ = (a − b − c + d)/2. For independent noise of variance σ² per pixel Var[δ] = σ², and
///    δ ignores any linear intensity gradient across the block.
/// 2. Blocks on edges or ridges are dropped: the Laplacian of the block means,
///    L = Σ₄ neighbours − 4m, has standard deviation √5·σ under noise alone; a block is kept
///    where |L| < 3√5·σ(m) for itself and its four neighbours (σ from the previous pass).
/// 3. Kept blocks, sorted by m, form level sets whose variance is the MAD estimate of δ
///    (`LevelSets.fromDetails`); a bisquare-weighted line through them (`RobustLine`) is the
///    noise-level function. Its slope is the gain g (ADU/e⁻); its intercept is σ_r² − g·O, so
///    the read noise follows once the offset O is known (a dark frame, the camera's data sheet).
///
/// The image must be recorded as the camera gave it: resampling (bicubic upsampling, a
/// rotation) correlates neighbouring pixels and hides noise from δ; `whiteness` tells.
public struct SingleImageNoise: Sendable {
    public var levelSets: [LevelSet]
    public var line: RobustLine
    /// Fraction of the blocks judged smooth and used.
    public var smoothFraction: Double
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
    public init(_ image: Volume, perSet: Int = 400) throws {
        let first = try SingleImageNoise.fit(image, perSet: perSet)
        (levelSets, line, smoothFraction) = (first.sets, first.line, first.smoothFraction)
        let binned = try SingleImageNoise.fit(SingleImageNoise.binned(image), perSet: Swift.max(perSet / 4, 50))
        let level = levelSets[levelSets.count / 2].meanADU
        whiteness = 4 * binned.line(level) / Swift.max(line(level), .leastNormalMagnitude)
    }

    struct Fit { var sets: [LevelSet]; var line: RobustLine; var smoothFraction: Double }

    static func fit(_ image: Volume, perSet: Int) throws -> Fit {
        let blocks = HaarBlocks(image)
        guard blocks.count >= 4 * perSet else {
            throw CalibrationError.insufficientData("\(image.shape) gives \(blocks.count) 2×2 blocks; noise estimation needs at least \(4 * perSet)")
        }
        // First pass: the MAD of all details as a flat σ², then two passes with the fitted line.
        let all = LevelSets.fromDetails(levels: blocks.mean.map(Double.init), details: blocks.detail.map(Double.init), perSet: blocks.count)
        var variance: (Double) -> Double = { _ in all[0].variance }
        var result: Fit?
        for _ in 0..<3 {
            let kept = blocks.smooth(variance: variance)
            let indices = kept.indices.filter { kept[$0] }
            guard indices.count >= 3 * perSet else {
                throw CalibrationError.insufficientData("only \(indices.count) of \(blocks.count) blocks are smooth enough to measure noise")
            }
            let sets = LevelSets.fromDetails(levels: indices.map { Double(blocks.mean[$0]) },
                                             details: indices.map { Double(blocks.detail[$0]) }, perSet: perSet)
            let line = try RobustLine(x: sets.map(\.meanADU), y: sets.map(\.variance), weights: sets.map(\.weight))
            variance = { Swift.max(line($0), 1e-12) }
            result = Fit(sets: sets, line: line, smoothFraction: Double(indices.count) / Double(blocks.count))
        }
        return result!
    }

    /// 2×2 means of every plane.
    static func binned(_ image: Volume) -> Volume {
        let blocks = HaarBlocks(image)
        var shape = image.shape, spacing = image.spacingUm
        shape[shape.count - 1] = blocks.columns; shape[shape.count - 2] = blocks.rows
        spacing[spacing.count - 1] *= 2; spacing[spacing.count - 2] *= 2
        return Volume(shape: shape, spacingUm: spacing, data: blocks.mean)
    }
}

/// The one-level Haar transform of every plane on non-overlapping 2×2 blocks: block means and
/// diagonal details, planes one after another, rows of `columns` blocks.
struct HaarBlocks {
    let rows: Int, columns: Int, planes: Int
    var mean: [Float], detail: [Float]
    var count: Int { mean.count }

    init(_ image: Volume) {
        let ny = image.shape[image.rank - 2], nx = image.shape[image.rank - 1]
        rows = ny / 2; columns = nx / 2; planes = image.count / (ny * nx)
        mean = []; detail = []
        mean.reserveCapacity(planes * rows * columns); detail.reserveCapacity(planes * rows * columns)
        for p in 0..<planes {
            for r in 0..<rows {
                let top = p * ny * nx + 2 * r * nx, bottom = top + nx
                for c in 0..<columns {
                    let a = image.data[top + 2 * c], b = image.data[top + 2 * c + 1]
                    let d = image.data[bottom + 2 * c], e = image.data[bottom + 2 * c + 1]
                    mean.append((a + b + d + e) / 4)
                    detail.append((a - b - d + e) / 2)
                }
            }
        }
    }

    /// Blocks where the Laplacian of the means is within noise, for the block and its four
    /// neighbours; border blocks are dropped.
    func smooth(variance: (Double) -> Double) -> [Bool] {
        let plane = rows * columns
        var flat = [Bool](repeating: false, count: count)
        for p in 0..<planes {
            for r in 1..<(rows - 1) {
                for c in 1..<(columns - 1) {
                    let i = p * plane + r * columns + c
                    let laplacian = Double(mean[i - 1] + mean[i + 1] + mean[i - columns] + mean[i + columns] - 4 * mean[i])
                    flat[i] = laplacian * laplacian < 45 * variance(Double(mean[i]))
                }
            }
        }
        var kept = flat
        for p in 0..<planes {
            for r in 0..<rows {
                for c in 0..<columns {
                    let i = p * plane + r * columns + c
                    guard flat[i] else { continue }
                    kept[i] = flat[i - 1] && flat[i + 1] && flat[i - columns] && flat[i + columns]
                }
            }
        }
        return kept
    }
}

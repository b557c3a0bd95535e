import FluoCore
import Foundation
import Metrics

/// The diffuse part of an image, what lies under its sharp structures: a uniform floor
/// (autofluorescence, stray light) plus out-of-focus haze, which follows the density of the
/// structures.
///
/// The image is cut into tiles about `tileUm` wide; in each, the 10th percentile of the pixels,
/// raised by 1.2816·σ(level) to undo the pull of the noise on a low percentile (σ from the
/// camera's noise model), is the diffuse level between structures. The tile levels,
/// interpolated bilinearly and smoothed by a Gaussian of half a tile, are the diffuse map D.
/// Above the camera's offset O:
///
///     floor = 5th percentile of the tile levels − O
///     haze  = mean(D) − O − floor
///     in-focus = mean(image) − mean(D)
///
/// and (floor + haze)/in-focus is what a simulation's diffuse light must reproduce.
public struct DiffuseBackground: Sendable {
    /// The diffuse map D (ADU, offset included), on the image's grid.
    public var map: Volume
    /// Uniform floor above the offset (ADU).
    public var floorADU: Double
    /// Mean haze above the floor (ADU).
    public var hazeADU: Double
    /// Mean in-focus signal: the image's mean above the diffuse map (ADU).
    public var inFocusADU: Double

    public init(_ image: Volume, noise: CameraNoiseModel, tileUm: Double = 1.0) throws {
        guard image.rank == 2 else { throw CalibrationError.mismatch("the diffuse background needs a 2-D image, got \(image.shape)") }
        let ny = image.shape[0], nx = image.shape[1]
        let tile = Swift.max(8, Int((tileUm / image.spacingUm[1]).rounded()))
        let rows = Swift.max(1, ny / tile), columns = Swift.max(1, nx / tile)
        guard rows * columns >= 4 else {
            throw CalibrationError.insufficientData("\(image.shape) holds fewer than 4 tiles of \(tile) pixels (\(tileUm) µm)")
        }
        var levels = [Double](repeating: 0, count: rows * columns)
        for r in 0..<rows {
            for c in 0..<columns {
                let y0 = r * ny / rows, y1 = (r + 1) * ny / rows, x0 = c * nx / columns, x1 = (c + 1) * nx / columns
                var pixels: [Float] = []
                pixels.reserveCapacity((y1 - y0) * (x1 - x0))
                for y in y0..<y1 { pixels.append(contentsOf: image.data[(y * nx + x0)..<(y * nx + x1)]) }
                let low = Percentile.values(pixels, [10])[0]
                levels[r * columns + c] = low + 1.2816 * noise.variance(atMean: low).squareRoot()
            }
        }
        var map = Volume(shape: image.shape, spacingUm: image.spacingUm)
        for y in 0..<ny {
            let (r0, r1, fy) = DiffuseBackground.interpolation(Double(y), cells: rows, length: ny)
            for x in 0..<nx {
                let (c0, c1, fx) = DiffuseBackground.interpolation(Double(x), cells: columns, length: nx)
                let top = levels[r0 * columns + c0] * (1 - fx) + levels[r0 * columns + c1] * fx
                let bottom = levels[r1 * columns + c0] * (1 - fx) + levels[r1 * columns + c1] * fx
                map.data[y * nx + x] = Float(top * (1 - fy) + bottom * fy)
            }
        }
        let sigmaUm = Double(tile) / 2 * image.spacingUm[1]
        self.map = GaussianFilter.smooth(map, sigmaUm: [sigmaUm, sigmaUm])
        floorADU = Percentile.values(levels.map(Float.init), [5])[0] - noise.offsetADU
        hazeADU = self.map.mean() - noise.offsetADU - floorADU
        inFocusADU = image.mean() - self.map.mean()
    }

    /// The two tile centres around pixel `p` of an axis of `length` cut into `cells`, and the weight of the second.
    static func interpolation(_ p: Double, cells: Int, length: Int) -> (Int, Int, Double) {
        let size = Double(length) / Double(cells)
        let t = Swift.min(Swift.max((p + 0.5) / size - 0.5, 0), Double(cells - 1))
        let i0 = Int(t.rounded(.down)), i1 = Swift.min(i0 + 1, cells - 1)
        return (i0, i1, t - Double(i0))
    }
}

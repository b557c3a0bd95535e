import FluoCore
import Foundation
import Metrics

/// A straight line across the structure, along x or y, on which the page plots every stage.
///
/// It passes through the point that best shows one piece of structure: the ground truth g
/// smoothed by a Gaussian of the PSF's width, times the coherence of its gradient structure
/// tensor J = G_ρ ∗ (∇g ∇gᵀ) (in the y-x plane, integrated over twice that width),
/// c = ((Jₓₓ − J_yy)² + 4Jₓ_y²) / (Jₓₓ + J_yy)², which is 1 along a single straight filament or
/// edge and low at crossings and in isotropic blobs (J. Bigün and G. Granlund, ICCV 1987),
/// at least an eighth of the field from the edges. The line runs along the axis that crosses
/// the structure more steeply: the structure's normal makes θ = ½ atan2(2Jₓ_y, Jₓₓ − J_yy) with
/// x, so along x where Jₓₓ ≥ J_yy. Each stage is read at its own samples nearest the line, so
/// coarser stages show fewer, wider samples.
public struct ProfileLine: Equatable, Sendable {
    /// The point the line passes through (µm per axis of the ground truth, its grid's frame).
    public var centreUm: [Double]
    /// The axis the line runs along (the last, x, or the one before, y).
    public var axis: Int
    /// The line reaches this far each way from the centre (µm).
    public var halfLengthUm: Double
    /// Angle between the line and the structure's local direction (90°: straight across).
    public var crossingAngleDegrees: Double

    public init(centreUm: [Double], axis: Int, halfLengthUm: Double, crossingAngleDegrees: Double) {
        self.centreUm = centreUm
        self.axis = axis
        self.halfLengthUm = halfLengthUm
        self.crossingAngleDegrees = crossingAngleDegrees
    }

    /// The line for `groundTruth` on `grid`, for structure blurred to about `widthUm`.
    public static func choose(groundTruth: Volume, grid: SampleGrid, widthUm: Double) -> ProfileLine {
        let rank = groundTruth.rank, y = rank - 2, x = rank - 1
        let sigma = widthUm / (2 * (2 * log(2.0)).squareRoot())
        let smooth = GaussianFilter.smooth(groundTruth, sigmaUm: Array(repeating: sigma, count: rank))
        let tensor = structureTensor(smooth, integrationUm: 2 * sigma)
        var peak = groundTruth.shape.map { $0 / 2 }, best = -Double.infinity
        let inner = groundTruth.shape.map { n in (n / 8) ..< Swift.max(n - n / 8, n / 8 + 1) }
        for flat in 0..<smooth.count {
            let (jxx, jyy, jxy) = (Double(tensor.xx.data[flat]), Double(tensor.yy.data[flat]), Double(tensor.xy.data[flat]))
            let trace = jxx + jyy
            let coherence = trace > 0 ? ((jxx - jyy) * (jxx - jyy) + 4 * jxy * jxy) / (trace * trace) : 0
            let score = Double(smooth.data[flat]) * coherence
            let index = smooth.unravel(flat)
            if score > best && zip(index, inner).allSatisfy({ $1.contains($0) }) {
                best = score
                peak = index
            }
        }
        let at = smooth.flatIndex(peak)
        let (jxx, jyy, jxy) = (Double(tensor.xx.data[at]), Double(tensor.yy.data[at]), Double(tensor.xy.data[at]))
        let axis = jxx >= jyy ? x : y
        // The line meets the structure at 90° minus the angle between the line and the normal.
        let normal = 0.5 * atan2(2 * jxy, jxx - jyy) * 180 / Double.pi
        let fromLine = axis == x ? abs(normal) : 90 - abs(normal)
        let centre = (0..<rank).map { grid.positionUm(peak[$0], axis: $0) }
        let (start, length) = grid.extentUm(axis: axis)
        let room = Swift.min(centre[axis] - start, start + length - centre[axis])
        let wanted = Swift.max(5 * widthUm, 8 * grid.spacingUm[axis])
        return ProfileLine(centreUm: centre, axis: axis, halfLengthUm: Swift.min(wanted, room),
                           crossingAngleDegrees: 90 - fromLine)
    }

    /// The structure tensor's components (x x, y y, x y) of `image` in its y-x planes:
    /// products of central-difference gradients (per µm), smoothed over `integrationUm`.
    static func structureTensor(_ image: Volume, integrationUm: Double) -> (xx: Volume, yy: Volume, xy: Volume) {
        let rank = image.rank, y = rank - 2, x = rank - 1
        var xx = image, yy = image, xy = image
        for flat in 0..<image.count {
            let index = image.unravel(flat)
            func difference(_ axis: Int) -> Double {
                var before = index, after = index
                before[axis] = Swift.max(index[axis] - 1, 0)
                after[axis] = Swift.min(index[axis] + 1, image.shape[axis] - 1)
                let span = Double(after[axis] - before[axis]) * image.spacingUm[axis]
                return span > 0 ? Double(image.data[image.flatIndex(after)] - image.data[image.flatIndex(before)]) / span : 0
            }
            let gx = difference(x), gy = difference(y)
            xx.data[flat] = Float(gx * gx)
            yy.data[flat] = Float(gy * gy)
            xy.data[flat] = Float(gx * gy)
        }
        let sigma = (0..<rank).map { $0 >= y ? integrationUm : 0 }
        return (GaussianFilter.smooth(xx, sigmaUm: sigma), GaussianFilter.smooth(yy, sigmaUm: sigma), GaussianFilter.smooth(xy, sigmaUm: sigma))
    }

    /// The samples of `image` (on `grid`) along the line: position relative to the centre
    /// (µm) and value, taken in the row (and plane) of `grid` nearest the line.
    public func profile(of image: Volume, grid: SampleGrid) -> [(positionUm: Double, value: Double)] {
        var index = (0..<image.rank).map { grid.nearestIndex(centreUm[$0], axis: $0) }
        return (0..<image.shape[axis]).compactMap { i in
            let offset = grid.positionUm(i, axis: axis) - centreUm[axis]
            guard abs(offset) <= halfLengthUm + 1e-9 else { return nil }
            index[axis] = i
            return (offset, Double(image.data[image.flatIndex(index)]))
        }
    }

    /// The line's two ends (µm per axis).
    public var endsUm: (start: [Double], end: [Double]) {
        var start = centreUm, end = centreUm
        start[axis] -= halfLengthUm
        end[axis] += halfLengthUm
        return (start, end)
    }
}

import FluoCore
import Foundation

/// Separable Gaussian smoothing along every axis of a 2-D or 3-D array in double precision,
/// as `scipy.ndimage.gaussian_filter(x, sigma, truncate=3.5, mode='reflect')`: weights
/// exp(−t²/2σ²) for |t| ≤ r = ⌊3.5σ + 0.5⌋, normalised to sum 1, with half-sample symmetric
/// extension at the borders (… c b a | a b c …).
///
/// Besides SSIM's window it is the smoothing baseline restorations are compared with
/// (`smooth(_:sigmaUm:)`).
public struct GaussianFilter: Sendable {
    let sigma: Double
    let radius: Int
    let weights: [Double]

    init(sigma: Double, truncate: Double = 3.5) {
        self.sigma = sigma
        radius = Int(truncate * sigma + 0.5)
        let raw = (-radius...radius).map { exp(-Double($0 * $0) / (2 * sigma * sigma)) }
        let total = raw.reduce(0, +)
        weights = raw.map { $0 / total }
    }

    /// Index `i` reflected into 0..<n (half-sample symmetric, repeated for short axes).
    static func reflect(_ i: Int, _ n: Int) -> Int {
        let period = 2 * n
        var j = i % period
        if j < 0 { j += period }
        return j < n ? j : period - 1 - j
    }

    /// The smoothed array (same shape), filtered along every axis.
    func apply(_ values: [Double], shape: [Int]) -> [Double] {
        var current = values
        for axis in 0..<shape.count { apply(&current, shape: shape, axis: axis) }
        return current
    }

    /// Filters `values` (row-major, `shape`) along one axis in place.
    func apply(_ current: inout [Double], shape: [Int], axis: Int) {
        let n = shape[axis]
        let stride = shape[(axis + 1)...].reduce(1, *)
        let outer = shape[..<axis].reduce(1, *)
        var line = [Double](repeating: 0, count: n + 2 * radius)
        var smoothed = [Double](repeating: 0, count: n)
        for o in 0..<outer {
            for inner in 0..<stride {
                let base = o * n * stride + inner
                for t in 0..<(n + 2 * radius) { line[t] = current[base + GaussianFilter.reflect(t - radius, n) * stride] }
                for i in 0..<n {
                    var sum = 0.0
                    for k in 0..<weights.count { sum += weights[k] * line[i + k] }
                    smoothed[i] = sum
                }
                for i in 0..<n { current[base + i * stride] = smoothed[i] }
            }
        }
    }

    /// `volume` smoothed with a Gaussian of standard deviation `sigmaUm` per axis (in µm, in the
    /// volume's axis order; 0 leaves an axis alone): σ / spacing pixels along each axis.
    public static func smooth(_ volume: Volume, sigmaUm: [Double]) -> Volume {
        precondition(sigmaUm.count == volume.rank && sigmaUm.allSatisfy { $0 >= 0 && $0.isFinite },
                     "GaussianFilter.smooth: needs one σ ≥ 0 per axis of \(volume.shape), got \(sigmaUm)")
        var values = volume.data.map(Double.init)
        for axis in 0..<volume.rank where sigmaUm[axis] > 0 {
            GaussianFilter(sigma: sigmaUm[axis] / volume.spacingUm[axis]).apply(&values, shape: volume.shape, axis: axis)
        }
        return Volume(shape: volume.shape, spacingUm: volume.spacingUm, data: values.map { Float($0) })
    }
}

import Foundation

/// Separable Gaussian smoothing along every axis of a 2-D or 3-D array in double precision,
/// as `scipy.ndimage.gaussian_filter(x, sigma, truncate=3.5, mode='reflect')`: weights
/// exp(−t²/2σ²) for |t| ≤ r = ⌊3.5σ + 0.5⌋, normalised to sum 1, with half-sample symmetric
/// extension at the borders (… c b a | a b c …).
struct GaussianFilter {
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

    /// The smoothed array (same shape).
    func apply(_ values: [Double], shape: [Int]) -> [Double] {
        var current = values
        var line = [Double](), smoothed = [Double]()
        for axis in 0..<shape.count {
            let n = shape[axis]
            let stride = shape[(axis + 1)...].reduce(1, *)
            let outer = shape[..<axis].reduce(1, *)
            line = [Double](repeating: 0, count: n + 2 * radius)
            smoothed = [Double](repeating: 0, count: n)
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
        return current
    }
}

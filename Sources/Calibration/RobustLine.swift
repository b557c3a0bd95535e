import Foundation

/// A straight line y = intercept + slope·x fitted by weighted least squares with Tukey's
/// bisquare reweighting (iteratively reweighted least squares): a point whose residual is
/// r = (y − ŷ)·√w gets the weight w·(1 − (r / (c·s))²)² for |r| < c·s and 0 beyond, s the
/// median absolute residual / 0.6745 and c = 4.685 (95 % efficiency for Gaussian errors).
/// Outlying level sets (texture mistaken for noise, a saturated bin) lose their say.
public struct RobustLine: Equatable, Sendable {
    public var intercept: Double
    public var slope: Double
    /// Final weights of the points (0 for those rejected).
    public var weights: [Double]

    /// Fits x, y with prior weights `w` (e.g. inverse variances). With `intercept` given, only
    /// the slope is fitted (a line through that value at x = 0).
    public init(x: [Double], y: [Double], weights w: [Double]? = nil, fixedIntercept: Double? = nil,
                iterations: Int = 10) throws {
        let n = x.count
        guard n == y.count, w.map({ $0.count == n }) ?? true else {
            throw CalibrationError.mismatch("RobustLine: \(n) x values, \(y.count) y values")
        }
        let prior = w ?? [Double](repeating: 1, count: n)
        guard n >= (fixedIntercept == nil ? 3 : 2) else {
            throw CalibrationError.insufficientData("a line needs at least 3 points, got \(n)")
        }
        var weights = prior
        var line = try RobustLine.weightedFit(x, y, weights, fixedIntercept)
        for _ in 0..<iterations {
            let residuals = (0..<n).map { (y[$0] - line.intercept - line.slope * x[$0]) * prior[$0].squareRoot() }
            let scale = RobustLine.median(residuals.map(abs)) / 0.6745
            guard scale > 0 else { break }
            weights = (0..<n).map { i in
                let u = residuals[i] / (4.685 * scale)
                return abs(u) < 1 ? prior[i] * (1 - u * u) * (1 - u * u) : 0
            }
            line = try RobustLine.weightedFit(x, y, weights, fixedIntercept)
        }
        intercept = line.intercept
        slope = line.slope
        self.weights = weights
    }

    /// The value of the line at `x`.
    public func callAsFunction(_ x: Double) -> Double { intercept + slope * x }

    static func weightedFit(_ x: [Double], _ y: [Double], _ w: [Double], _ fixedIntercept: Double?) throws -> (intercept: Double, slope: Double) {
        if let a = fixedIntercept {
            let sxx = zip(x, w).reduce(0) { $0 + $1.1 * $1.0 * $1.0 }
            let sxy = (0..<x.count).reduce(0) { $0 + w[$1] * x[$1] * (y[$1] - a) }
            guard sxx > 0 else { throw CalibrationError.insufficientData("no spread in x to fit a slope") }
            return (a, sxy / sxx)
        }
        let sw = w.reduce(0, +)
        guard sw > 0 else { throw CalibrationError.insufficientData("every point was rejected") }
        let mx = zip(x, w).reduce(0) { $0 + $1.0 * $1.1 } / sw, my = zip(y, w).reduce(0) { $0 + $1.0 * $1.1 } / sw
        var sxx = 0.0, sxy = 0.0
        for i in x.indices {
            sxx += w[i] * (x[i] - mx) * (x[i] - mx)
            sxy += w[i] * (x[i] - mx) * (y[i] - my)
        }
        guard sxx > 0 else { throw CalibrationError.insufficientData("the points span a single x value; a line needs a range") }
        let slope = sxy / sxx
        return (my - slope * mx, slope)
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let m = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2
    }
}

import Foundation

/// Non-uniform deviates drawn from a `RandomStream`.
extension RandomStream {
    /// A standard normal deviate by Marsaglia's polar method (G. Marsaglia and T. A. Bray,
    /// SIAM Review 6 (1964)); the second deviate of each pair is kept for the next call.
    @inlinable public mutating func normal() -> Double {
        if let spare = spareNormal {
            spareNormal = nil
            return spare
        }
        while true {
            let u = 2 * uniform() - 1
            let v = 2 * uniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let factor = (-2 * Foundation.log(s) / s).squareRoot()
                spareNormal = v * factor
                return u * factor
            }
        }
    }

    /// A normal deviate with the given mean and standard deviation.
    @inlinable public mutating func normal(mean: Double, sd: Double) -> Double {
        mean + sd * normal()
    }

    /// An exponential deviate with unit mean.
    @inlinable public mutating func exponential() -> Double {
        -Foundation.log1p(-uniform())
    }

    /// A log-normal deviate with the given *arithmetic* mean and standard deviation.
    ///
    /// With σ² = ln(1 + sd²/mean²) and μ = ln(mean) − σ²/2, exp(N(μ, σ²)) has that mean and sd.
    @inlinable public mutating func logNormal(mean: Double, sd: Double) -> Double {
        precondition(mean > 0 && sd >= 0, "logNormal needs mean > 0 and sd ≥ 0")
        let sigma2 = Foundation.log1p(sd * sd / (mean * mean))
        return Foundation.exp(Foundation.log(mean) - sigma2 / 2 + sigma2.squareRoot() * normal())
    }

    /// A log-uniform ("reciprocal") deviate on [low, high): exp(U(ln low, ln high)), equally
    /// likely in each decade (e.g. photon counts spanning several).
    @inlinable public mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        precondition(low > 0 && low <= high, "logUniform needs 0 < low ≤ high")
        return Foundation.exp(uniform(Foundation.log(low), Foundation.log(high)))
    }

    /// A Poisson deviate with real-valued mean `lambda` (never rounded first).
    ///
    /// Sequential-search inversion for λ < 10; for λ ≥ 10 the transformed rejection method
    /// with squeeze, PTRS (W. Hörmann, "The transformed rejection method for generating
    /// Poisson random variables", Insurance: Mathematics and Economics 12 (1993)), the method
    /// numpy uses.
    @inlinable public mutating func poisson(_ lambda: Double) -> Double {
        if !(lambda > 0) { return 0 }
        if lambda < 10 {
            let limit = Foundation.exp(-lambda)
            var count = 0.0
            var product = uniform()
            while product > limit {
                count += 1
                product *= uniform()
            }
            return count
        }
        let b = 0.931 + 2.53 * lambda.squareRoot()
        let a = -0.059 + 0.02483 * b
        let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
        let vr = 0.9277 - 3.6224 / (b - 2)
        while true {
            let u = uniform() - 0.5
            let v = uniform()
            let us = 0.5 - Swift.abs(u)
            let k = ((2 * a / us + b) * u + lambda + 0.43).rounded(.down)
            if us >= 0.07 && v <= vr { return k }
            if k < 0 || (us < 0.013 && v > us) { continue }
            let lhs = Foundation.log(v) + Foundation.log(inverseAlpha) - Foundation.log(a / (us * us) + b)
            let rhs = -lambda + k * Foundation.log(lambda) - Foundation.lgamma(k + 1)
            if lhs <= rhs { return k }
        }
    }

    /// A gamma deviate with shape `k` > 0 and scale θ (mean kθ, variance kθ²), by
    /// Marsaglia and Tsang's method (ACM TOMS 26 (2000)); shape < 1 by the boost
    /// Γ(k) = Γ(k + 1)·U^(1/k).
    @inlinable public mutating func gamma(shape k: Double, scale theta: Double) -> Double {
        precondition(k > 0 && theta > 0, "gamma needs a positive shape and scale")
        if k < 1 {
            let boost = Foundation.pow(uniform(), 1 / k)
            return gamma(shape: k + 1, scale: theta) * boost
        }
        let d = k - 1.0 / 3.0
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double, v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if u < 1 - 0.0331 * x * x * x * x { return d * v * theta }
            if Foundation.log(u) < 0.5 * x * x + d * (1 - v + Foundation.log(v)) { return d * v * theta }
        }
    }
}

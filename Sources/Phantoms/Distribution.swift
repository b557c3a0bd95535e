import FluoCore
import Foundation

/// A number that a spec may give as a constant or as a distribution, drawn per sample or per
/// object (the doc comment of each parameter says which).
///
/// Accepted forms (YAML):
///
///     5                                            constant
///     [1, 3]                                       uniform on [min, max)
///     {distribution: constant, value: 5}
///     {distribution: uniform, min: 1, max: 3}
///     {distribution: loguniform, min: 15, max: 600}   equally likely in each decade
///     {distribution: normal, mean: 5, sd: 1}
///     {distribution: lognormal, mean: 0.15, sd: 0.05}
///     {distribution: poisson, mean: 20}
///
/// `loguniform` draws exp(U(ln min, ln max)) (0 < min ≤ max): its mean is
/// (max − min)/ln(max/min), and it puts as many draws between 15 and 60 as between 150 and 600.
///
/// `lognormal` takes the *arithmetic* mean m and standard deviation s of the values:
/// exp(N(μ, σ²)) with σ² = ln(1 + s²/m²) and μ = ln m − σ²/2 has exactly that mean and sd.
///
/// Every parameter has a `Support` (e.g. radii are positive). Validation requires the
/// distribution to sit in it (a constant or both ends of a uniform inside, a normal's mean
/// inside); a normal draw that falls outside is redrawn (a truncated normal), so its mean
/// moves slightly when the support cuts its tails.
public enum Distribution: Equatable, Sendable {
    case constant(Double)
    case uniform(min: Double, max: Double)
    case logUniform(min: Double, max: Double)
    case normal(mean: Double, sd: Double)
    case logNormal(mean: Double, sd: Double)
    case poisson(mean: Double)

    /// The values a parameter may take.
    public enum Support: Sendable {
        case real, nonNegative, positive, unitInterval

        func contains(_ value: Double) -> Bool {
            guard value.isFinite else { return false }
            switch self {
            case .real: return true
            case .nonNegative: return value >= 0
            case .positive: return value > 0
            case .unitInterval: return value >= 0 && value <= 1
            }
        }

        var phrase: String {
            switch self {
            case .real: return "a finite number"
            case .nonNegative: return "≥ 0"
            case .positive: return "> 0"
            case .unitInterval: return "in [0, 1]"
            }
        }

        /// The nearest value inside the support (for the rare draw that redrawing did not fix).
        func clamp(_ value: Double) -> Double {
            switch self {
            case .real: return value
            case .nonNegative: return Swift.max(value, 0)
            case .positive: return Swift.max(value, Double.leastNormalMagnitude)
            case .unitInterval: return Swift.min(Swift.max(value, 0), 1)
            }
        }
    }

    /// The mean of the distribution (before any truncation by a support).
    public var mean: Double {
        switch self {
        case let .constant(value): return value
        case let .uniform(low, high): return (low + high) / 2
        case let .logUniform(low, high): return low == high ? low : (high - low) / Foundation.log(high / low)
        case let .normal(mean, _), let .logNormal(mean, _), let .poisson(mean): return mean
        }
    }

    /// The standard deviation of the distribution (before any truncation by a support).
    public var standardDeviation: Double {
        switch self {
        case .constant: return 0
        case let .uniform(low, high): return (high - low) / 12.0.squareRoot()
        case let .logUniform(low, high):
            // E[X²] = (max² − min²) / (2 ln(max/min)).
            guard low != high else { return 0 }
            let meanSquare = (high * high - low * low) / (2 * Foundation.log(high / low))
            return Swift.max(0, meanSquare - mean * mean).squareRoot()
        case let .normal(_, sd), let .logNormal(_, sd): return sd
        case let .poisson(mean): return mean.squareRoot()
        }
    }

    /// One draw without regard to a support.
    public func sample(_ stream: inout RandomStream) -> Double {
        switch self {
        case let .constant(value): return value
        case let .uniform(low, high): return stream.uniform(low, high)
        case let .logUniform(low, high): return stream.logUniform(low, high)
        case let .normal(mean, sd): return stream.normal(mean: mean, sd: sd)
        case let .logNormal(mean, sd): return stream.logNormal(mean: mean, sd: sd)
        case let .poisson(mean): return stream.poisson(mean)
        }
    }

    /// One draw inside `support`: draws outside it are redrawn (up to 64 times, then clamped).
    public func sample(_ stream: inout RandomStream, in support: Support) -> Double {
        for _ in 0..<64 {
            let value = sample(&stream)
            if support.contains(value) { return value }
        }
        return support.clamp(sample(&stream))
    }

    /// A draw rounded to the nearest integer ≥ 0 (counts).
    public func sampleCount(_ stream: inout RandomStream) -> Int {
        Int(sample(&stream, in: .nonNegative).rounded())
    }

    /// Throws unless the parameters are finite and the distribution sits in `support`.
    public func validate(_ key: String, _ support: Support) throws {
        switch self {
        case let .constant(value):
            try require(support.contains(value), key, "must be \(support.phrase), got \(value)")
        case let .uniform(low, high):
            try require(low.isFinite && high.isFinite && low <= high, key, "needs min ≤ max, got [\(low), \(high)]")
            try require(support.contains(low) && support.contains(high), key,
                        "must be \(support.phrase), got the range [\(low), \(high)]")
        case let .logUniform(low, high):
            try require(low > 0 && high.isFinite && low <= high, key, "log-uniform needs 0 < min ≤ max, got [\(low), \(high)]")
            try require(support.contains(low) && support.contains(high), key,
                        "must be \(support.phrase), got the range [\(low), \(high)]")
        case let .normal(mean, sd):
            try require(sd >= 0 && sd.isFinite, key, "needs sd ≥ 0, got \(sd)")
            try require(support.contains(mean), key, "needs a mean \(support.phrase), got \(mean)")
        case let .logNormal(mean, sd):
            try require(mean > 0 && mean.isFinite, key, "log-normal needs a positive mean, got \(mean)")
            try require(sd >= 0 && sd.isFinite, key, "needs sd ≥ 0, got \(sd)")
            try require(support.contains(mean), key, "needs a mean \(support.phrase), got \(mean)")
        case let .poisson(mean):
            try require(mean >= 0 && mean.isFinite, key, "poisson needs a mean ≥ 0, got \(mean)")
            try require(support.contains(mean), key, "needs a mean \(support.phrase), got \(mean)")
        }
    }
}

extension Distribution: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    public init(floatLiteral value: Double) { self = .constant(value) }
    public init(integerLiteral value: Int) { self = .constant(Double(value)) }
}

extension Distribution: Codable {
    private enum Kind: String, Codable, CaseIterable {
        case constant, uniform, loguniform, normal, lognormal, poisson

        var keys: [String] {
            switch self {
            case .constant: return ["value"]
            case .uniform, .loguniform: return ["min", "max"]
            case .normal, .lognormal: return ["mean", "sd"]
            case .poisson: return ["mean"]
            }
        }
    }

    private enum CodingKeys: String, CodingKey { case distribution, value, min, max, mean, sd }

    public init(from decoder: Decoder) throws {
        if let mapping = try? decoder.container(keyedBy: CodingKeys.self) {
            let kind = try mapping.decode(Kind.self, forKey: .distribution)
            try decoder.rejectUnknownKeys(allowed: ["distribution"] + kind.keys)
            switch kind {
            case .constant: self = .constant(try mapping.decode(Double.self, forKey: .value))
            case .uniform:
                self = .uniform(min: try mapping.decode(Double.self, forKey: .min), max: try mapping.decode(Double.self, forKey: .max))
            case .loguniform:
                self = .logUniform(min: try mapping.decode(Double.self, forKey: .min), max: try mapping.decode(Double.self, forKey: .max))
            case .normal:
                self = .normal(mean: try mapping.decode(Double.self, forKey: .mean), sd: try mapping.decode(Double.self, forKey: .sd))
            case .lognormal:
                self = .logNormal(mean: try mapping.decode(Double.self, forKey: .mean), sd: try mapping.decode(Double.self, forKey: .sd))
            case .poisson: self = .poisson(mean: try mapping.decode(Double.self, forKey: .mean))
            }
        } else if var list = try? decoder.unkeyedContainer() {
            guard list.count == 2 else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                    debugDescription: "a range is [min, max] (two numbers), got \(list.count ?? 0) values"))
            }
            self = .uniform(min: try list.decode(Double.self), max: try list.decode(Double.self))
        } else {
            let single = try decoder.singleValueContainer()
            guard let value = try? single.decode(Double.self) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription:
                    "expected a number, a range [min, max] or {distribution: \(Kind.allCases.map(\.rawValue).joined(separator: "|")), …}"))
            }
            self = .constant(value)
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .constant(value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case let .uniform(low, high):
            var list = encoder.unkeyedContainer()
            try list.encode(low)
            try list.encode(high)
        case let .logUniform(low, high):
            var mapping = encoder.container(keyedBy: CodingKeys.self)
            try mapping.encode(Kind.loguniform, forKey: .distribution)
            try mapping.encode(low, forKey: .min)
            try mapping.encode(high, forKey: .max)
        case let .normal(mean, sd), let .logNormal(mean, sd):
            var mapping = encoder.container(keyedBy: CodingKeys.self)
            try mapping.encode(isLogNormal ? Kind.lognormal : Kind.normal, forKey: .distribution)
            try mapping.encode(mean, forKey: .mean)
            try mapping.encode(sd, forKey: .sd)
        case let .poisson(mean):
            var mapping = encoder.container(keyedBy: CodingKeys.self)
            try mapping.encode(Kind.poisson, forKey: .distribution)
            try mapping.encode(mean, forKey: .mean)
        }
    }

    private var isLogNormal: Bool { if case .logNormal = self { return true } else { return false } }
}

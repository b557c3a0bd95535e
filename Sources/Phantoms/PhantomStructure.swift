import FluoCore

/// One generator and its parameters, as a spec names it with `kind:`:
/// `{kind: microtubules, count: 20, persistence_length_um: 10}`.
public enum PhantomStructure: Equatable, Sendable {
    case microtubules(MicrotubuleParameters)
    case granules(GranuleParameters)
    /// 3D-RCAN-style spherical phantoms: granules with `sphericalPhantomDefaults`.
    case spheres(GranuleParameters)

    /// The names used for `kind:`.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case microtubules, granules, spheres
    }

    public var kind: Kind {
        switch self {
        case .microtubules: return .microtubules
        case .granules: return .granules
        case .spheres: return .spheres
        }
    }

    /// The keys each kind accepts besides `kind`.
    public static func keys(of kind: Kind) -> [String] {
        kind == .microtubules ? MicrotubuleParameters.keys : GranuleParameters.keys
    }

    /// Decodes the parameters of `kind` from a mapping that also holds the `extra` keys of its
    /// container (`kind`, and `channel`, `weight` or `cell`).
    public init(kind: Kind, from decoder: Decoder, alsoAllowing extra: [String]) throws {
        switch kind {
        case .microtubules:
            self = .microtubules(try MicrotubuleParameters(from: decoder, alsoAllowing: extra))
        case .granules:
            self = .granules(try GranuleParameters(from: decoder, defaults: GranuleParameters(), alsoAllowing: extra))
        case .spheres:
            self = .spheres(try GranuleParameters(from: decoder, defaults: .sphericalPhantomDefaults, alsoAllowing: extra))
        }
    }

    /// Encodes the parameters (without `kind`).
    public func encodeParameters(to encoder: Encoder) throws {
        switch self {
        case let .microtubules(p): try p.encode(to: encoder)
        case let .granules(p), let .spheres(p): try p.encode(to: encoder)
        }
    }

    public func validate(rank: Int) throws {
        switch self {
        case let .microtubules(p): try p.validate(rank: rank)
        case let .granules(p), let .spheres(p): try p.validate(rank: rank)
        }
    }

    /// The structure of one sample in `field`, and what was drawn.
    public func render(in field: PhantomField, stream: RandomStream, threads: Int) throws -> (Volume, StructureSummary) {
        switch self {
        case let .microtubules(p):
            let (volume, summary) = try p.render(in: field, stream: stream, threads: threads)
            return (volume, .microtubules(summary))
        case let .granules(p), let .spheres(p):
            let (volume, summary) = try p.render(in: field, stream: stream, threads: threads)
            return (volume, .granules(summary))
        }
    }
}

/// What one structure of a sample drew.
public enum StructureSummary: Equatable, Sendable {
    case microtubules(MicrotubuleSummary)
    case granules(GranuleSummary)
}

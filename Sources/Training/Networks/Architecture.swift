import FluoCore

/// The network a model folder holds: CARE's U-Net, RCAN or DFCAN, with its hyper-parameters.
///
/// In `config.json` the configuration's fields sit beside `"kind": "care" | "rcan" | "dfcan"`; a folder
/// written before there was a choice has no `kind` and holds a U-Net.
public enum Architecture: Equatable, Sendable {
    case care(UNetConfiguration)
    case rcan(RCANConfiguration)
    case dfcan(DFCANConfiguration)

    /// The kinds `--arch` names.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case care, rcan, dfcan

        /// The name papers and users give the network.
        public var displayName: String { rawValue.uppercased() }
    }

    public var kind: Kind {
        switch self {
        case .care: .care
        case .rcan: .rcan
        case .dfcan: .dfcan
        }
    }

    /// The configuration behind the common questions.
    public var configuration: any NetworkConfiguration {
        switch self {
        case .care(let c): c
        case .rcan(let c): c
        case .dfcan(let c): c
        }
    }

    public var dimensions: Int { configuration.dimensions }
    public var inChannels: Int { configuration.inChannels }
    public var outChannels: Int { configuration.outChannels }
    public var probabilistic: Bool { configuration.probabilistic }
    public var blockSize: Int { configuration.blockSize }
    public var scale: Int { configuration.scale }
    public var receptiveFieldRadius: Int { configuration.receptiveFieldRadius }
    public var featureChannels: Int { configuration.featureChannels }
    public var problems: [String] { configuration.problems }
    public var summary: String { configuration.summary }
    public func makeNetwork(random: RandomStream) -> any Network { configuration.makeNetwork(random: random) }
}

extension Architecture: Codable {
    private enum Key: String, CodingKey { case kind }

    public init(from decoder: Decoder) throws {
        let kind = try decoder.container(keyedBy: Key.self).decodeIfPresent(Kind.self, forKey: .kind) ?? .care
        switch kind {
        case .care: self = .care(try UNetConfiguration(from: decoder))
        case .rcan: self = .rcan(try RCANConfiguration(from: decoder))
        case .dfcan: self = .dfcan(try DFCANConfiguration(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        try configuration.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(kind, forKey: .kind)
    }
}

extension Architecture.Kind {
    /// The papers' losses: MAE (CSBDeep, 3D-RCAN), MSE + 0.1·(1 − SSIM) (DL-SR).
    public var defaultLoss: LossKind { self == .dfcan ? .mseSSIM : .mae }

    /// The papers' Adam learning rates: CSBDeep 4·10⁻⁴, 3D-RCAN and DL-SR 10⁻⁴.
    public var defaultLearningRate: Double { self == .care ? 4e-4 : 1e-4 }

    /// The papers' normalisation of inputs and targets: CSBDeep's 1st/99.8th percentiles,
    /// 3D-RCAN's 2nd/99.9th, DL-SR's minimum and maximum (DFCAN's sigmoid output spans [0, 1]).
    public var defaultNormalization: PercentileNormalization {
        switch self {
        case .care: PercentileNormalization()
        case .rcan: PercentileNormalization(low: 2, high: 99.9)
        case .dfcan: PercentileNormalization(low: 0, high: 100)
        }
    }
}

import FluoCore
import Foundation

/// What `config.json` of a model folder records: architecture, normalisation, how and on what
/// it was trained, and the arrays of the weight files.
public struct ModelConfiguration: Codable, Equatable, Sendable {
    public static let formatName = "fluosynth-care"
    public static let currentFormatVersion = 1

    public var format: String = ModelConfiguration.formatName
    public var formatVersion: Int = ModelConfiguration.currentFormatVersion
    /// The FluoSynth version that wrote it.
    public var createdBy: String
    public var architecture: Architecture
    /// Percentiles used on inputs at prediction (and on TIFF training images).
    public var normalization: PercentileNormalization
    public var loss: LossKind
    /// Training patch size per image axis.
    public var patch: [Int]
    public var trainingData: TrainingDataRecord
    public var weights: WeightsRecord

    public struct TrainingDataRecord: Codable, Equatable, Sendable {
        public var description: String
        /// FNV-1a 64 of the training pairs (`TrainingData.hash`).
        public var hash: String
        /// Whether the pairs were percentile-normalised on loading (TIFF) or used as stored (.npz).
        public var normalizedOnLoading: Bool
        public var pairs: Int

        public init(description: String, hash: String, normalizedOnLoading: Bool, pairs: Int) {
            (self.description, self.hash, self.normalizedOnLoading, self.pairs) = (description, hash, normalizedOnLoading, pairs)
        }
    }

    public struct WeightsRecord: Codable, Equatable, Sendable {
        /// `WeightsFile`'s layout in one line.
        public var layout = "FSWEIGHT v1: magic, u32 version, u32+JSON metadata, u32 count, per array (u32+name, u32 rank, u64 sizes, float32 LE values), u64 FNV-1a-64; all little-endian"
        public var parameterCount: Int
        public var arrays: [ArrayRecord]
    }

    public struct ArrayRecord: Codable, Equatable, Sendable {
        public var name: String
        public var shape: [Int]
    }
}

/// A restoration network (CARE's U-Net or RCAN) with its configuration.
public final class RestorationModel {
    public var configuration: ModelConfiguration
    public let network: any Network

    /// A new model with freshly initialised weights from `seed`.
    public init(architecture: Architecture, normalization: PercentileNormalization, loss: LossKind, patch: [Int],
                trainingData: ModelConfiguration.TrainingDataRecord, seed: UInt64, createdBy: String) {
        network = architecture.makeNetwork(random: RandomStream(seed: seed).substream("init"))
        configuration = ModelConfiguration(
            createdBy: createdBy, architecture: architecture, normalization: normalization, loss: loss, patch: patch,
            trainingData: trainingData,
            weights: .init(parameterCount: network.parameterCount, arrays: network.parameters.map { .init(name: $0.name, shape: $0.shape) }))
    }

    /// A model for a stored configuration (weights still to be loaded).
    init(configuration: ModelConfiguration) {
        self.configuration = configuration
        network = configuration.architecture.makeNetwork(random: RandomStream(seed: 0))
    }

    /// The weights as a file with `metadata`.
    func weightsFile(metadata: String = "{}") -> WeightsFile {
        WeightsFile(metadata: metadata, arrays: network.parameters.map { ($0.name, $0.shape, $0.value) })
    }

    /// Sets the weights from a file, which must hold every parameter with its shape.
    func load(_ file: WeightsFile, path: String) throws {
        let byName = Dictionary(file.arrays.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for parameter in network.parameters {
            guard let array = byName[parameter.name] else {
                throw TrainingError.mismatch(path, "has no array '\(parameter.name)': the weights belong to a different architecture than config.json describes")
            }
            guard array.shape == parameter.shape else {
                throw TrainingError.mismatch(path, "array '\(parameter.name)' has shape \(array.shape), config.json's architecture needs \(parameter.shape)")
            }
            parameter.value = array.values
        }
    }
}

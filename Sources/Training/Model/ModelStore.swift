import DataIO
import Foundation

/// A model folder:
/// - `config.json`: `ModelConfiguration` (architecture, normalisation, training data hash, version);
/// - `weights_best.bin`: the weights with the lowest validation loss (used for prediction);
/// - `weights_last.bin`: the weights after the last epoch;
/// - `checkpoint.bin`: weights, Adam moments and `TrainingState` (metadata), for `--resume`;
/// - `training.csv`, `training.svg`: the training curve (written by the train command).
/// Every file is written under a temporary name and renamed, so an interrupted save leaves the
/// previous version intact.
public struct ModelStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// JSON with sorted keys; infinite losses (no validation yet) written as "inf".
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }

    public var configPath: String { directory + "/config.json" }
    public var bestWeightsPath: String { directory + "/weights_best.bin" }
    public var lastWeightsPath: String { directory + "/weights_last.bin" }
    public var checkpointPath: String { directory + "/checkpoint.bin" }
    public var curvePath: String { directory + "/training.csv" }
    public var plotPath: String { directory + "/training.svg" }

    /// Which weights to load.
    public enum Weights: String, Sendable { case best, last }

    public func saveConfiguration(_ configuration: ModelConfiguration) throws {
        try AtomicFile.write(try ModelStore.encoder.encode(configuration), to: configPath)
    }

    public func loadConfiguration() throws -> ModelConfiguration {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw TrainingError.corruptModel(directory, "no such model folder")
        }
        guard let data = FileManager.default.contents(atPath: configPath) else {
            throw TrainingError.corruptModel(directory, "config.json is missing (not a model folder?)")
        }
        if let other = ModelStore.foreignFormat(data) { throw TrainingError.mismatch(directory, other) }
        let configuration: ModelConfiguration
        do {
            configuration = try ModelStore.decoder.decode(ModelConfiguration.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw TrainingError.corruptModel(configPath, "missing '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context), let DecodingError.dataCorrupted(context) {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw TrainingError.corruptModel(configPath, "\(path.isEmpty ? "" : path + ": ")\(context.debugDescription)")
        }
        guard configuration.format == ModelConfiguration.formatName else {
            throw TrainingError.mismatch(configPath, "format '\(configuration.format)' is not a FluoSynth CARE model ('\(ModelConfiguration.formatName)')")
        }
        guard configuration.formatVersion <= ModelConfiguration.currentFormatVersion else {
            throw TrainingError.mismatch(configPath, "format version \(configuration.formatVersion) is newer than this FluoSynth reads (\(ModelConfiguration.currentFormatVersion))")
        }
        let problems = configuration.architecture.problems
        guard problems.isEmpty else { throw TrainingError.corruptModel(configPath, problems.joined(separator: "; ")) }
        return configuration
    }

    /// What to tell a user whose `config.json` belongs to another tool (CSBDeep's CARE and
    /// N2V models keep Keras weights in HDF5, which FluoSynth does not read), or `nil`.
    static func foreignFormat(_ configJSON: Data) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: configJSON) as? [String: Any], object["format"] == nil else { return nil }
        let csbdeepKeys: Set<String> = ["n_dim", "axes", "unet_n_depth", "unet_kern_size", "train_loss"]
        guard !csbdeepKeys.isDisjoint(with: object.keys) else { return nil }
        return "is a CSBDeep (Keras) model folder (config.json with \(csbdeepKeys.intersection(object.keys).sorted().joined(separator: ", ")), "
            + "weights in .h5); FluoSynth runs its own model folders and does not read Keras weights. Run it in CSBDeep, "
            + "or export it from CSBDeep (model.export_TF) to run it in Fiji; to train here, fluosynth train on the same data"
    }

    /// The model with its `best` (or `last`) weights.
    public func load(_ weights: Weights = .best) throws -> RestorationModel {
        let model = RestorationModel(configuration: try loadConfiguration())
        let path = weights == .best ? bestWeightsPath : lastWeightsPath
        try model.load(try WeightsFile.read(path), path: path)
        return model
    }

    public func saveWeights(_ model: RestorationModel, _ which: Weights, metadata: String = "{}") throws {
        try model.weightsFile(metadata: metadata).write(to: which == .best ? bestWeightsPath : lastWeightsPath)
    }

    /// Weights, optimiser moments and training state in one file.
    func saveCheckpoint(_ model: RestorationModel, optimizer: Adam, state: TrainingState) throws {
        var file = model.weightsFile(metadata: String(decoding: try ModelStore.encoder.encode(state), as: UTF8.self))
        let trainable = model.network.parameters.filter(\.trainable)
        for (index, parameter) in trainable.enumerated() where index < optimizer.firstMoments.count {
            file.arrays.append(("adam.m." + parameter.name, parameter.shape, optimizer.firstMoments[index]))
            file.arrays.append(("adam.v." + parameter.name, parameter.shape, optimizer.secondMoments[index]))
        }
        try file.write(to: checkpointPath)
    }

    /// The model, optimiser and training state of `checkpoint.bin`.
    public func loadCheckpoint() throws -> (model: RestorationModel, optimizer: Adam, state: TrainingState) {
        let model = RestorationModel(configuration: try loadConfiguration())
        let file = try WeightsFile.read(checkpointPath)
        try model.load(file, path: checkpointPath)
        let state: TrainingState
        do {
            state = try ModelStore.decoder.decode(TrainingState.self, from: Data(file.metadata.utf8))
        } catch {
            throw TrainingError.corruptModel(checkpointPath, "training state unreadable (\(error))")
        }
        var optimizer = Adam(learningRate: state.learningRate)
        optimizer.iterations = state.optimizerIterations
        let byName = Dictionary(file.arrays.map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first })
        let trainable = model.network.parameters.filter(\.trainable)
        if state.optimizerIterations > 0 {
            for parameter in trainable {
                guard let m = byName["adam.m." + parameter.name], let v = byName["adam.v." + parameter.name],
                      m.count == parameter.count, v.count == parameter.count else {
                    throw TrainingError.corruptModel(checkpointPath, "optimiser state for '\(parameter.name)' missing")
                }
                optimizer.firstMoments.append(m)
                optimizer.secondMoments.append(v)
            }
        }
        return (model, optimizer, state)
    }
}

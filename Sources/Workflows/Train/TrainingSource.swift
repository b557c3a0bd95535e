import DatasetSpec
import FluoCore
import Foundation
import Training

/// What `fluosynth train` learns from: pairs read from disk (`TrainingDataSet`), or pairs made
/// from a spec while it trains (`StreamedPairs`), with what the model records about them.
struct TrainingSource {
    /// What was read or streamed, and its hash (a resumed run must see the same).
    var description: String
    var hash: String
    var notes: [String]
    /// Fixed pairs whose patches validate (held out from training).
    var validation: TrainingData
    /// Image shapes the patch size must fit.
    var shapes: [[Int]]
    /// Training pairs (images, stored patches or the spec's train samples).
    var pairs: Int
    var wholeImages: Bool
    /// The batches for a patch size and options.
    var batches: (_ patch: [Int], _ options: TrainingOptions) throws -> any BatchSource
    /// Stops what `batches` started (the stream's workers).
    var close: () -> Void = {}

    /// The source of `request.data`: a spec (`.yaml`, `.yml`) streams, anything else is read.
    static func open(_ request: TrainRequest, normalization: PercentileNormalization) throws -> TrainingSource {
        let path = request.data
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else {
            let data = try TrainingDataSet.load(path, source: request.source, normalization: normalization)
            return TrainingSource(description: data.train.description, hash: data.train.hash, notes: data.notes, validation: data.validation,
                                  shapes: (data.train.pairs + data.validation.pairs).map(\.shape), pairs: data.train.pairs.count,
                                  wholeImages: data.train.wholeImages) { patch, options in
                try PatchSampler(data: data.train, patch: patch, augment: options.augment, foregroundThreshold: options.foregroundThreshold)
            }
        }
        return try streamed(request, normalization: normalization)
    }

    /// Training from a spec: the train split streams, the val split (rendered once, at most
    /// `maximumValidationSamples`) validates; a spec without a val split holds out the last
    /// 10 % of its train samples.
    private static func streamed(_ request: TrainRequest, normalization: PercentileNormalization) throws -> TrainingSource {
        guard request.pool >= 1, request.reuse >= 1, request.generatorThreads >= 1 else {
            throw TrainingError.options("--pool, --reuse and --generator-threads must be at least 1")
        }
        var document = try SpecDocument(contentsOf: request.data)
        if let samples = request.samples { document = document.replacing(["samples"], with: String(samples)) }
        let spec = try SpecLoader.load(document, folder: URL(fileURLWithPath: request.data).deletingLastPathComponent().path, presets: .standard())
        let source = try SpecPairs(spec: spec, condition: request.source, normalization: normalization)
        var train = source.indices(of: "train"), held = source.indices(of: "val")
        var notes: [String] = []
        if held.isEmpty {
            guard train.count >= 2 else { throw TrainingError.data(request.data, "needs at least 2 samples in its train and val splits to train") }
            let count = Swift.max(1, train.count / 10)
            held = Array(train.suffix(count))
            train.removeLast(count)
            notes.append("validation: the last \(count) train samples (the spec has no val split)")
        }
        held = Array(held.prefix(maximumValidationSamples))
        let validationPairs = try held.map(source.pair)
        notes.append("validation: samples \(held.first!)…\(held.last!) of the spec, rendered once")
        notes.append("streaming: \(train.count) train samples rendered while training by \(request.generatorThreads) thread(s), "
            + "a pool of \(Swift.min(request.pool, train.count)), each pair giving \(request.reuse) patches on average")
        let description = "\(spec.template.name) (\(spec.hash)), condition \(source.condition), streamed"
        var stream: StreamedPairs?
        return TrainingSource(description: description, hash: "\(spec.hash) \(source.condition)", notes: notes,
                              validation: TrainingData(pairs: validationPairs, wholeImages: true, description: description + " (val)"),
                              shapes: validationPairs.map(\.shape), pairs: train.count, wholeImages: true, batches: { patch, options in
            let pairs = StreamedPairs(source: source, trainIndices: train, poolSize: request.pool, reuse: request.reuse, patch: patch,
                                      augment: options.augment, foregroundThreshold: options.foregroundThreshold, workers: request.generatorThreads)
            stream = pairs
            return pairs
        }, close: { stream?.stop() })
    }

    /// At most this many val samples are rendered for validation.
    static let maximumValidationSamples = 32
}

import DataIO
import DatasetSpec
import FluoCore
import Training

/// Training pairs made from a spec: sample i is rendered exactly as `fluosynth generate`
/// renders it (same seed, same index, same streams), stored as the spec's `output.dtype`
/// stores it, and normalised as `fluosynth train` normalises the TIFF pairs it reads.
struct SpecPairs: Sendable {
    let spec: LoadedSpec
    /// The condition whose images are the inputs.
    let condition: String
    let normalization: PercentileNormalization
    private let renderer: SampleRenderer

    /// Checks that the spec's pairs can train a network (one channel, the condition exists)
    /// before anything is rendered.
    init(spec: LoadedSpec, condition: String?, normalization: PercentileNormalization) throws {
        let template = spec.template, file = spec.document.file
        let names = template.conditions.map(\.name)
        let chosen = condition ?? names[0]
        guard names.contains(chosen) else {
            throw WorkflowError.mismatch("\(file): no condition '\(chosen)' (the spec has \(names.joined(separator: ", ")))")
        }
        guard condition != nil || names.count == 1 else {
            throw WorkflowError.mismatch("\(file): several conditions (\(names.joined(separator: ", "))): choose one with --source")
        }
        guard spec.phantomTemplate.channelCount == 1 else {
            throw WorkflowError.mismatch("\(file): \(spec.phantomTemplate.channelCount) channels; training streams one-channel pairs")
        }
        self.spec = spec
        self.condition = chosen
        self.normalization = normalization
        renderer = SampleRenderer(spec: spec, cache: ImagingCache(folder: spec.folder), samples: template.samples)
    }

    /// Sample indices of a split ("train", "val"), in order.
    func indices(of split: String) -> [Int] {
        let samples = spec.template.samples
        return (0..<samples).filter { spec.template.output.split.name(of: $0, samples: samples) == split }
    }

    /// The pair of sample `index`.
    func pair(_ index: Int) throws -> ImagePair {
        let sample = try renderer.render(index)
        let input = sample.inputs.first { $0.condition == condition }!.channels[0], target = sample.groundTruth[0]
        let dtype = spec.template.output.dtype
        func prepared(_ volume: Volume) -> [Float] {
            let stored = volume.data.map(dtype.stored)
            return normalization.apply(stored, range: normalization.range(of: stored))
        }
        let pair = ImagePair(input: prepared(input), target: prepared(target), shape: input.shape, targetShape: target.shape,
                             inChannels: 1, outChannels: 1, name: "\(spec.document.file) sample \(index)")
        guard pair.scale != nil else {
            throw WorkflowError.mismatch("\(spec.document.file): condition '\(condition)' records \(input.shape) images of a \(target.shape) "
                + "target, not a whole multiple along every axis; set output.input_on_ground_truth_grid: true (or target: {grid: input}) to train on them")
        }
        return pair
    }
}

import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Phantoms

/// What was made for one sample, as the manifest records it.
public struct SampleRecord: Codable, Equatable, Sendable {
    public var index: Int
    public var id: String
    public var split: String
    /// Key of the sample's random stream (hex): `RandomStream(seed:).substream(index).key`.
    public var streamKey: String
    /// Every number drawn from a range in the spec, by key path.
    public var drawn: [String: Double]
    /// What the phantom drew (filament counts, radii, …).
    public var phantom: PhantomSummary
    /// Shape of the ground truth written, (z, y, x) or (y, x), and its channels.
    public var groundTruthShape: [Int]
    public var channels: Int
    /// Shape of each condition's input.
    public var inputShapes: [String: [Int]]

    public enum CodingKeys: String, CodingKey {
        case index, id, split, drawn, phantom, channels
        case streamKey = "stream_key"
        case groundTruthShape = "ground_truth_shape"
        case inputShapes = "input_shapes"
    }
}

/// One sample: the ground truth (per channel) and each condition's input (per channel).
struct RenderedSample {
    var groundTruth: [Volume]
    var inputs: [(condition: String, channels: [Volume])]
    var record: SampleRecord
}

/// Makes sample *i* of a spec: parameters, phantom, each condition's imaging model, target.
///
/// Streams: sample i draws from `RandomStream(seed).substream(i)`; within it `"spec"` and
/// `"phantom-parameters"` resolve ranges, `"phantom"` makes the ground truth,
/// `"out-of-focus"/k` the k-th layer of a thick specimen (shared by the conditions) and
/// `"condition"/<name>/<channel>` runs the imaging model, so every part depends only on
/// (seed, i) and its own name.
struct SampleRenderer: Sendable {
    let spec: LoadedSpec
    let cache: ImagingCache
    let samples: Int

    func render(_ index: Int) throws -> RenderedSample {
        let stream = RandomStream(seed: spec.template.seed).substream(index)
        let parameters = try spec.sample(stream: stream)
        let dataset = parameters.spec
        let shape = dataset.shape, spacing = dataset.pixelSizeUm
        let phantom = try parameters.phantom.generate(shape: shape, spacingUm: spacing, stream: stream.substream("phantom"), threads: 1)

        var inputs: [(String, [Volume])] = []
        var layers = OutOfFocusLayers(phantom: parameters.phantom, shape: shape, spacingUm: spacing, stream: stream.substream("out-of-focus"))
        let conditions = stream.substream("condition")
        for condition in dataset.conditions {
            let acquisition = condition.acquisition
            let convolution = try condition.optics.map {
                try cache.convolution($0, shape: shape, spacingUm: spacing, boundary: acquisition.boundary)
            }
            let camera = try cache.camera(acquisition, groundTruthShape: shape)
            let haze = try acquisition.outOfFocus.map { outOfFocus in
                try layers.haze(outOfFocus, blurredBy: cache.defocusedConvolutions(condition.optics!, outOfFocus, spacingUm: spacing,
                                                                                   boundary: acquisition.boundary))
            }
            let channels = try phantom.channels.enumerated().map { channel, volume -> Volume in
                let model = acquisition.model(convolution: convolution, haze: haze?[channel], camera: camera)
                let input = try model.apply(volume, stream: conditions.substream(condition.name).substream(channel), threads: 1)
                return dataset.output.inputOnGroundTruthGrid ? try acquisition.onGroundTruthGrid(input, groundTruthShape: shape) : input
            }
            inputs.append((condition.name, channels))
        }

        var target = phantom.channels
        if let psf = dataset.target.psf {
            let stage = try cache.convolution(psf, shape: shape, spacingUm: spacing, boundary: dataset.conditions[0].acquisition.boundary)
            target = try target.map { try stage.apply($0, stream: stream, threads: 1) }
        }
        if dataset.target.grid == .input {
            let steps = dataset.conditions[0].acquisition.subsample.map { AxisResampling(axis: $0.axis, factor: $0.factor, mode: .integrate) }
            target = try target.map { volume in try steps.reduce(volume) { try $1.apply($0) } }
        }

        let id = PairLayout.id(index)
        let record = SampleRecord(
            index: index, id: id, split: dataset.output.split.name(of: index, samples: samples),
            streamKey: String(format: "%016llx", stream.key), drawn: parameters.drawn, phantom: phantom.summary,
            groundTruthShape: target[0].shape, channels: target.count,
            inputShapes: Dictionary(uniqueKeysWithValues: inputs.map { ($0.0, $0.1[0].shape) }))
        return RenderedSample(groundTruth: target, inputs: inputs, record: record)
    }
}

import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Phantoms

/// Sample `index` of a spec as `fluosynth generate` draws it: the concrete parameters (every
/// range drawn) and the ground truth of the first channel.
///
/// Streams as `SampleRenderer`: the sample draws from `RandomStream(seed).substream(index)`,
/// its phantom from `"phantom"` and condition c's imaging model for channel 0 from
/// `"condition"/c/0`, so the page shows the very pixels `generate` writes.
public struct Specimen: Sendable {
    public let index: Int
    /// The spec with this sample's numbers drawn.
    public let dataset: DatasetSpec
    /// Every number drawn from a range, by key path.
    public let drawn: [String: Double]
    public let phantom: PhantomSummary
    /// Channel 0 of the ground truth: the amount of dye in each voxel.
    public let groundTruth: Volume
    /// Folder of the spec (relative paths of PSF files and sCMOS maps resolve against it).
    public let folder: String
    let stream: RandomStream
    /// The sample's phantom parameters (ranges drawn), for its out-of-focus layers.
    let phantomParameters: PhantomParameters

    public init(spec: LoadedSpec, index: Int, threads: Int) throws {
        let samples = spec.template.samples
        guard (0..<samples).contains(index) else {
            throw TeachingError.invalidRequest("--sample \(index): the spec makes \(samples) samples, numbered 0…\(samples - 1)")
        }
        stream = RandomStream(seed: spec.template.seed).substream(index)
        let parameters = try spec.sample(stream: stream)
        phantomParameters = parameters.phantom
        let sample = try parameters.phantom.generate(shape: parameters.spec.shape, spacingUm: parameters.spec.pixelSizeUm,
                                                     stream: stream.substream("phantom"), threads: threads)
        self.index = index
        dataset = parameters.spec
        drawn = parameters.drawn
        phantom = sample.summary
        groundTruth = sample.channels[0]
        folder = spec.folder
    }

    /// The stream condition `name`'s imaging model draws from for channel 0.
    func imagingStream(condition name: String) -> RandomStream {
        stream.substream("condition").substream(name).substream(0)
    }

    /// The layers of the thick specimen around this sample, as `generate` draws them.
    func outOfFocusLayers() -> OutOfFocusLayers {
        OutOfFocusLayers(phantom: phantomParameters, shape: groundTruth.shape, spacingUm: groundTruth.spacingUm,
                         stream: stream.substream("out-of-focus"))
    }

    /// The ground truth's sample grid.
    public var grid: SampleGrid { SampleGrid(shape: groundTruth.shape, spacingUm: groundTruth.spacingUm) }
}

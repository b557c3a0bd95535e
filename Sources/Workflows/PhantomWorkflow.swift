import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Phantoms

/// The `phantom` command: one ground truth from a preset or file.
public enum PhantomWorkflow {
    /// Generates sample 0 of `file` on `shape` with `spacingUm` from `seed`, with the streams
    /// `generate` uses for sample 0 of a spec with that seed and phantom.
    public static func generate(_ file: PhantomFile, shape: [Int], spacingUm: [Double], seed: UInt64,
                                threads: Int = Parallel.availableCores) throws -> PhantomSample {
        let stream = RandomStream(seed: seed).substream(0)
        let parameters = try file.parameters(stream: stream.substream("phantom-parameters"))
        return try parameters.generate(shape: shape, spacingUm: spacingUm, stream: stream.substream("phantom"), threads: threads)
    }

    /// Writes the sample's channels as one float32 ImageJ TIFF (a hyperstack with channels
    /// when there are several) with its spacing.
    public static func writeTIFF(_ sample: PhantomSample, to path: String) throws {
        try ImageFile.write(hyperstack: [sample.channels], to: path)
    }

    /// Writes a PNG preview: the image or its z maximum projection, one channel grey or
    /// several as a colour composite, stretched between the 0.1 and 99.9 percentiles.
    public static func writePreview(_ sample: PhantomSample, to path: String) throws {
        try PNGWriter.write(Preview.image(channels: sample.channels), to: path)
    }

    /// Writes what was drawn as JSON.
    public static func writeSummary(_ sample: PhantomSample, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(sample.summary), to: path)
    }
}

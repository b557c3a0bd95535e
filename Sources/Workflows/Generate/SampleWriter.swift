import DataIO
import DatasetSpec
import FluoCore
import Foundation

/// Writes a sample's images in the pair layout, then its record (which marks it finished).
/// When TIFFs are not among the requested formats the images go to `.fluosynth/parts/`
/// (the same layout), from which the npz files and previews are made.
struct SampleWriter: Sendable {
    let layout: PairLayout
    let output: OutputSpec

    /// Where the images are: the dataset itself, or the hidden parts folder.
    var images: PairLayout {
        output.keepsImages ? layout : PairLayout(root: layout.root + "/.fluosynth/parts", imageExtension: layout.imageExtension)
    }

    func write(_ sample: RenderedSample) throws {
        let record = sample.record
        try Self.write(sample.groundTruth, to: images.groundTruth(split: record.split, id: record.id), as: output.dtype, role: "GT")
        for (condition, channels) in sample.inputs {
            try Self.write(channels, to: images.input(split: record.split, condition: condition, id: record.id), as: output.dtype, role: condition)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try AtomicFile.write(encoder.encode(record), to: layout.record(id: record.id))
    }

    /// Channels as one TIFF: a plain image or stack for one channel, a hyperstack (channel
    /// fastest) for several; OME-TIFF channels are named after the `role` (GT or the condition).
    static func write(_ channels: [Volume], to path: String, as type: TIFFSampleType, role: String) throws {
        let names = channels.count == 1 ? [role] : channels.indices.map { "\(role) \($0)" }
        try TIFFWriter.write(hyperstack: [channels], to: path, as: type, channelNames: names)
    }

    /// The channels of an image written by `write(_:to:as:)`.
    static func read(_ path: String) throws -> [Volume] {
        let image = try TIFFReader.read(path)
        return image.channelCount > 1 ? try image.hyperstack()[0] : [try image.volume()]
    }
}

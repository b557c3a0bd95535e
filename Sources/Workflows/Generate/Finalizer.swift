import DataIO
import DatasetSpec
import FluoCore
import Foundation

/// The aggregate files of a dataset (or of one shard): npz per split and condition, PNG
/// previews and the manifest. Made from the per-sample files, in sample order, so they are
/// the same whichever run made which sample.
struct Finalizer {
    let layout: PairLayout
    let spec: LoadedSpec
    let shard: Shard?
    let writer: SampleWriter

    var output: OutputSpec { spec.template.output }

    func finish(records: [SampleRecord]) throws {
        if output.formats.contains(.npz) { try writeNPZ(records) }
        if output.formats.contains(.omeZarr) && shard == nil {
            try DatasetZarr.write(records: records, conditions: spec.template.conditions.map(\.name), images: writer.images, layout: layout)
        }
        // Shards leave previews and the hidden parts to `merge`, which sees all samples.
        guard shard == nil else {
            return try Manifest.write(records: records, resolvedSpec: spec.resolvedJSON, hash: spec.hash, shard: shard,
                                      to: layout.manifest(shard: shard))
        }
        if output.formats.contains(.previews) {
            try Previews.write(records: records, conditions: spec.template.conditions.map(\.name), images: writer.images,
                               layout: layout, count: output.previews)
        }
        try Manifest.write(records: records, resolvedSpec: spec.resolvedJSON, hash: spec.hash, shard: nil, to: layout.manifest(shard: nil))
        if !output.keepsImages { try? FileManager.default.removeItem(atPath: writer.images.root) }
    }

    /// `<split>/<condition>.npz` with X (inputs), Y (targets), axes `SCYX`/`SCZYX`, each image
    /// normalised by its own percentiles when the spec asks (CSBDeep's `create_patches` default).
    private func writeNPZ(_ records: [SampleRecord]) throws {
        for split in Split.names {
            let rows = records.filter { $0.split == split }
            guard let first = rows.first else { continue }
            let targets = try rows.map { try SampleWriter.read(writer.images.groundTruth(split: split, id: $0.id)) }
            for condition in spec.template.conditions.map(\.name) {
                let inputs = try rows.map { try SampleWriter.read(writer.images.input(split: split, condition: condition, id: $0.id)) }
                guard inputs.allSatisfy({ $0[0].shape == inputs[0][0].shape }) else {
                    throw WorkflowError.mismatch("the \(condition) inputs of \(split) differ in shape; npz needs one shape")
                }
                let axes = first.groundTruthShape.count == 3 ? "SCZYX" : "SCYX"
                let file = TrainingPairsFile(x: stack(inputs), y: stack(targets), axes: axes)
                try file.write(to: layout.npz(split: split, condition: condition, shard: shard))
            }
        }
    }

    /// Samples × channels as one (S, C, …) float32 array, each image normalised if asked.
    private func stack(_ samples: [[Volume]]) -> NumpyArray {
        let image = samples[0][0]
        var values = [Float]()
        values.reserveCapacity(samples.count * samples[0].count * image.count)
        for channels in samples {
            for channel in channels { values += output.npzNormalization?.normalized(channel.data) ?? channel.data }
        }
        return NumpyArray(shape: [samples.count, samples[0].count] + image.shape, values: values)
    }
}

/// `manifest.json`: the tool, the resolved spec and its hash, and every sample's record.
enum Manifest {
    struct Header: Codable {
        var tool: String
        var version: String
        var specHash: String
        var shard: Shard?
        enum CodingKeys: String, CodingKey {
            case tool, version, shard
            case specHash = "spec_hash"
        }
    }

    static func write(records: [SampleRecord], resolvedSpec: Data, hash: String, shard: Shard?, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var manifest = try JSONSerialization.jsonObject(with: encoder.encode(
            Header(tool: ToolInfo.name, version: ToolInfo.version, specHash: hash, shard: shard))) as! [String: Any]
        manifest["spec"] = try JSONSerialization.jsonObject(with: resolvedSpec)
        manifest["samples"] = try JSONSerialization.jsonObject(with: encoder.encode(records))
        try AtomicFile.write(JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]), to: path)
    }
}

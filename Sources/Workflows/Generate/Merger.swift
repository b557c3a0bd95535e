import DataIO
import DatasetSpec
import FluoCore
import Foundation

/// `fluosynth merge`: joins the shards of a dataset into the files an unsharded run makes.
///
/// Shards may have written into one shared directory or into several; the per-sample files
/// of other directories are copied into the target. The merged manifest, npz files and
/// previews are made exactly as an unsharded run makes them (same order, same bytes), and
/// the shard manifests and npz files are removed.
///
/// A merge killed at any point is finished by running it again: every file is written under
/// a temporary name and renamed, and the merged manifest, written last, marks the merge done,
/// after which a run only removes the shards' files that are left.
public enum Merger {
    /// Merges the shards found in `target` and `sources` into `target`; returns the sample count.
    @discardableResult
    public static func merge(into target: String, from sources: [String] = []) throws -> Int {
        let folders = [target] + sources.filter { URL(fileURLWithPath: $0).standardized != URL(fileURLWithPath: target).standardized }
        DatasetState.removeStalePartialFiles(under: target)
        var shards: [ShardManifest] = []
        for folder in folders {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasPrefix("manifest.shard-") && $0.hasSuffix(".json") }
            for name in names {
                let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
                let header = try JSONDecoder().decode(Manifest.Header.self, from: data)
                shards.append(ShardManifest(folder: folder, header: header, json: try JSONSerialization.jsonObject(with: data) as! [String: Any]))
            }
        }
        let merged = PairLayout(root: target).manifest(shard: nil)
        guard let first = shards.first, let count = first.header.shard?.count else {
            if let done = try mergedSampleCount(merged, specHash: nil) { return done }
            throw WorkflowError.incomplete("no shard manifests (manifest.shard-I-of-N.json) in \(folders.joined(separator: ", "))")
        }
        guard shards.allSatisfy({ $0.header.specHash == first.header.specHash && $0.header.shard?.count == count }) else {
            throw WorkflowError.mismatch("the shards come from different specs or shard counts: " +
                Set(shards.map { "\($0.header.specHash) ×\($0.header.shard?.count ?? 0)" }).sorted().joined(separator: ", "))
        }
        // Merged before (the merged manifest is written last): only the shards' files are left.
        if let done = try mergedSampleCount(merged, specHash: first.header.specHash) {
            removeShardFiles(shards, in: target)
            return done
        }
        let indices = shards.compactMap { $0.header.shard?.index }
        let missing = Set(0..<count).subtracting(indices)
        guard missing.isEmpty, indices.count == count else {
            throw WorkflowError.incomplete("shards missing or repeated: have \(indices.sorted()) of 0..<\(count)")
        }
        shards.sort { $0.header.shard!.index < $1.header.shard!.index }

        let resolvedSpec = try JSONSerialization.data(withJSONObject: first.json["spec"]!, options: [.sortedKeys])
        let output = try JSONDecoder().decode(OutputSpec.self, from: JSONSerialization.data(withJSONObject: (first.json["spec"] as! [String: Any])["output"]!))
        let layout = PairLayout(root: target, imageExtension: output.imageExtension)
        let writer = SampleWriter(layout: layout, output: output)
        var records: [SampleRecord] = []
        for shard in shards {
            records += try shard.records()
            if shard.folder != target { try copyDataset(from: shard.folder, to: target) }
        }

        if output.formats.contains(.npz) {
            let conditions = Set(records.flatMap { $0.inputShapes.keys }).sorted()
            for split in Split.names {
                for condition in conditions {
                    let parts = try shards.compactMap { shard -> TrainingPairsFile? in
                        let path = PairLayout(root: shard.folder).npz(split: split, condition: condition, shard: shard.header.shard)
                        return FileManager.default.fileExists(atPath: path) ? try TrainingPairsFile.read(path) : nil
                    }
                    guard let head = parts.first else { continue }
                    let file = TrainingPairsFile(x: concatenate(parts.map(\.x)), y: concatenate(parts.map(\.y)), axes: head.axes)
                    try file.write(to: layout.npz(split: split, condition: condition, shard: nil))
                }
            }
        }
        let listed = ((first.json["spec"] as? [String: Any])?["conditions"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        let conditions = listed ?? Set(records.flatMap { $0.inputShapes.keys }).sorted()
        if output.formats.contains(.omeZarr) {
            try DatasetZarr.write(records: records, conditions: conditions, images: writer.images, layout: layout)
        }
        if output.formats.contains(.previews) {
            try Previews.write(records: records, conditions: conditions, images: writer.images, layout: layout, count: output.previews)
        }
        try Manifest.write(records: records, resolvedSpec: resolvedSpec, hash: first.header.specHash, shard: nil,
                           to: layout.manifest(shard: nil))
        if !output.keepsImages { try? FileManager.default.removeItem(atPath: writer.images.root) }
        removeShardFiles(shards, in: target)
        return records.count
    }

    /// The sample count of the merged manifest at `path` where a merge (of the spec with
    /// `specHash`, or any) finished, else `nil`.
    static func mergedSampleCount(_ path: String, specHash: String?) throws -> Int? {
        guard let data = FileManager.default.contents(atPath: path),
              let header = try? JSONDecoder().decode(Manifest.Header.self, from: data), header.shard == nil,
              specHash == nil || header.specHash == specHash,
              let samples = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["samples"] as? [Any] else { return nil }
        return samples.count
    }

    /// Removes the shards' own aggregate files in `target`, superseded by the merged ones: the
    /// npz files first and each manifest last, so a kill in between leaves them findable.
    static func removeShardFiles(_ shards: [ShardManifest], in target: String) {
        let layout = PairLayout(root: target)
        for shard in shards where shard.folder == target {
            let conditions = Set(((try? shard.records()) ?? []).flatMap { $0.inputShapes.keys })
            for split in Split.names {
                for condition in conditions {
                    try? FileManager.default.removeItem(atPath: layout.npz(split: split, condition: condition, shard: shard.header.shard))
                }
            }
            try? FileManager.default.removeItem(atPath: layout.manifest(shard: shard.header.shard))
        }
    }

    /// A shard's manifest, where it was found.
    struct ShardManifest {
        var folder: String
        var header: Manifest.Header
        var json: [String: Any]

        func records() throws -> [SampleRecord] {
            try JSONDecoder().decode([SampleRecord].self, from: JSONSerialization.data(withJSONObject: json["samples"] ?? []))
        }
    }

    /// Arrays of shape (S_k, …) joined along the first axis.
    static func concatenate(_ arrays: [NumpyArray]) -> NumpyArray {
        NumpyArray(shape: [arrays.map { $0.shape[0] }.reduce(0, +)] + arrays[0].shape.dropFirst(), values: arrays.flatMap(\.values))
    }

    /// Copies the per-sample files and records of a shard directory into `target`.
    static func copyDataset(from source: String, to target: String) throws {
        let manager = FileManager.default
        guard let enumerator = manager.enumerator(atPath: source) else { return }
        for case let relative as String in enumerator {
            let isSampleFile = relative.hasSuffix(".tif") || relative.hasPrefix(".fluosynth/samples/") || relative == ".fluosynth/spec.json"
            guard isSampleFile, !relative.hasSuffix("/") else { continue }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: source + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let destination = target + "/" + relative
            if manager.fileExists(atPath: destination) { continue }
            try manager.createDirectory(atPath: URL(fileURLWithPath: destination).deletingLastPathComponent().path,
                                        withIntermediateDirectories: true)
            try AtomicFile.write(to: destination) { try manager.copyItem(atPath: source + "/" + relative, toPath: $0) }
        }
    }
}

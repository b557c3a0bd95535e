import DataIO
import Foundation

/// The bookkeeping of a dataset directory that makes runs resumable and shards safe:
/// `.fluosynth/spec.json` holds the hash of the spec that started it, and a sample is
/// finished exactly when its record `.fluosynth/samples/<id>.json` exists (records are
/// written last and atomically, after the sample's images).
struct DatasetState {
    let layout: PairLayout

    var specFile: String { layout.root + "/.fluosynth/spec.json" }

    /// The run lock of the dataset, or of one shard of it.
    func lockPath(_ shard: Shard?) -> String { layout.root + "/.fluosynth" + (shard.map { "-" + $0.tag } ?? "") + ".lock" }

    private struct Stamp: Codable {
        var hash: String
        var spec: String
    }

    /// Makes the directory ready: a new dataset, or the same spec's dataset to continue
    /// (`resume`, or a `sharded` run, whose shards share the directory). A different
    /// dataset is replaced only with `overwrite`. First it takes the dataset's lock (one per
    /// shard), so a second run of the same dataset or shard is refused while one runs.
    func prepare(hash: String, resolvedSpec: Data, resume: Bool, overwrite: Bool, sharded: Bool, shard: Shard? = nil) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: layout.root, withIntermediateDirectories: true)
        } catch {
            throw WorkflowError.conflict("\(layout.root): cannot create the output folder (\((error as NSError).localizedDescription)); choose another --out")
        }
        try RunLock.acquire(lockPath(shard))
        if manager.fileExists(atPath: specFile) {
            let stamp = try JSONDecoder().decode(Stamp.self, from: Data(contentsOf: URL(fileURLWithPath: specFile)))
            if overwrite {
                try clear()
            } else if stamp.hash != hash {
                throw WorkflowError.conflict("\(layout.root) holds a dataset of another spec (\(stamp.hash), this one is \(hash)); choose another --out or pass --overwrite")
            } else if !resume && !sharded && !finishedIDs().isEmpty {
                throw WorkflowError.conflict("\(layout.root) already holds this dataset (\(finishedIDs().count) samples); pass --resume to finish it or --overwrite to start again")
            }
        } else if let contents = try? manager.contentsOfDirectory(atPath: layout.root),
                  contents.contains(where: { !($0.hasPrefix(".fluosynth") && $0.hasSuffix(".lock")) }), !overwrite, !sharded {
            throw WorkflowError.conflict("\(layout.root) is not empty and holds no FluoSynth dataset; choose an empty --out or pass --overwrite")
        } else if overwrite {
            try clear()
        }
        DatasetState.removeStalePartialFiles(under: layout.root)
        try manager.createDirectory(atPath: layout.records, withIntermediateDirectories: true)
        let stamp = Stamp(hash: hash, spec: String(decoding: resolvedSpec, as: UTF8.self))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        try AtomicFile.write(encoder.encode(stamp), to: specFile)
    }

    /// Removes the temporary files and folders a killed run left under `root` (`AtomicFile`'s
    /// `.<name>.partial-<pid>-…`, an OME-Zarr's `<name>.partial-<pid>-…`) whose process is gone;
    /// a live shard's are left alone.
    static func removeStalePartialFiles(under root: String) {
        guard let entries = FileManager.default.enumerator(atPath: root) else { return }
        for case let relative as String in entries {
            let name = URL(fileURLWithPath: relative).lastPathComponent
            guard let marker = name.range(of: ".partial-"),
                  let pid = Int32(name[marker.upperBound...].prefix(while: \.isNumber)),
                  kill(pid, 0) != 0 else { continue }
            entries.skipDescendants()
            try? FileManager.default.removeItem(atPath: root + "/" + relative)
        }
    }

    /// Removes what a dataset run writes (never other files).
    private func clear() throws {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(atPath: layout.root)) ?? [] {
            if ["train", "val", "test", "previews", ".fluosynth"].contains(entry) || (entry.hasPrefix("manifest") && entry.hasSuffix(".json")) {
                try manager.removeItem(atPath: layout.root + "/" + entry)
            }
        }
    }

    /// Ids of the finished samples.
    func finishedIDs() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: layout.records)) ?? [])
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }
    }

    /// The record of a finished sample.
    func record(id: String) throws -> SampleRecord {
        let path = layout.record(id: id)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkflowError.incomplete("sample \(id) is missing (\(path)); run again with --resume")
        }
        return try JSONDecoder().decode(SampleRecord.self, from: data)
    }
}

/// Errors of the workflows that are about the state of files, not parameters.
public enum WorkflowError: Error, CustomStringConvertible, Equatable {
    /// The output location holds something that must not be overwritten silently.
    case conflict(String)
    /// Expected files are missing.
    case incomplete(String)
    /// Inputs do not fit together.
    case mismatch(String)

    public var description: String {
        switch self {
        case let .conflict(message), let .incomplete(message), let .mismatch(message): return message
        }
    }
}

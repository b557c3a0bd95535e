import Foundation

/// Where a dataset's files go, in CSBDeep's `RawData.from_folder` layout:
///
///     <root>/<split>/GT/<id>.tif            ground truth (`.ome.tif` for OME-TIFF datasets)
///     <root>/<split>/<condition>/<id>.tif   input of one acquisition condition
///     <root>/<split>/<condition>.npz        X (inputs), Y (ground truth), axes
///     <root>/<split>/<role>.zarr            OME-Zarr of every sample of a role (GT or a condition)
///     <root>/manifest.json                  spec, hash and every drawn parameter
///     <root>/previews/…png                  input | ground truth pictures
///     <root>/.fluosynth/samples/<id>.json   per-sample record (marks a finished sample)
///
/// Sharded runs name their aggregate files `manifest.shard-I-of-N.json` and
/// `<condition>.shard-I-of-N.npz` until `fluosynth merge` joins them.
public struct PairLayout: Sendable {
    public let root: String
    /// Extension of the pair images: `tif`, or `ome.tif` for OME-TIFF.
    public let imageExtension: String

    public init(root: String, imageExtension: String = "tif") {
        self.root = root
        self.imageExtension = imageExtension
    }

    /// The id of sample `index`, zero-padded to six digits so files sort in sample order.
    public static func id(_ index: Int) -> String { String(format: "%06d", index) }

    public func groundTruth(split: String, id: String) -> String { "\(root)/\(split)/GT/\(id).\(imageExtension)" }
    public func input(split: String, condition: String, id: String) -> String { "\(root)/\(split)/\(condition)/\(id).\(imageExtension)" }
    public func npz(split: String, condition: String, shard: Shard?) -> String {
        "\(root)/\(split)/\(condition)\(shard.map { "." + $0.tag } ?? "").npz"
    }
    public func zarr(split: String, role: String) -> String { "\(root)/\(split)/\(role).zarr" }
    public func manifest(shard: Shard?) -> String { "\(root)/manifest\(shard.map { "." + $0.tag } ?? "").json" }
    public var previews: String { "\(root)/previews" }
    public var records: String { "\(root)/.fluosynth/samples" }
    public func record(id: String) -> String { "\(records)/\(id).json" }
}

/// One share of a dataset made on several machines: shard `index` of `count` makes the
/// contiguous block of samples [index·n/count, (index+1)·n/count).
public struct Shard: Equatable, Codable, Sendable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` (0 ≤ I < N).
    public init?(_ text: String) {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (0..<n).contains(i) else { return nil }
        self.init(index: i, count: n)
    }

    /// `shard-I-of-N`.
    public var tag: String { "shard-\(index)-of-\(count)" }

    /// The sample indices of this shard among `samples`.
    public func indices(samples: Int) -> Range<Int> {
        (index * samples / count) ..< ((index + 1) * samples / count)
    }
}

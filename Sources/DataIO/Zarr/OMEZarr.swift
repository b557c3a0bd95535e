import FluoCore
import Foundation

/// OME-Zarr images (OME-NGFF 0.4 on Zarr v2): a group with `.zgroup`, `.zattrs` holding
/// `multiscales` (axes with types and µm units, the scale of each level) and `omero` channel
/// labels, and the level-0 array at `0/`. napari (napari-ome-zarr), Fiji (MoBIE, BigDataViewer,
/// Bio-Formats), ome-zarr-py and vizarr open them.
///
/// Axes are `t` (when there are several frames or samples), `c`, then `z` (stacks), `y`, `x`.
/// One level is written: the data are training pairs and restorations, kept at full
/// resolution. Chunks default to one plane group per (t, c) with at most 32 × 128 × 128
/// voxels, a typical training crop.
public enum OMEZarr {
    /// Default chunk extent per spatial axis (z, y, x).
    public static let chunkLimit = [32, 128, 128]

    /// Whether a path names an OME-Zarr image (`.zarr`, `.ome.zarr`, with or without a final `/`).
    public static func isOMEZarr(_ path: String) -> Bool {
        var p = path.lowercased()
        while p.hasSuffix("/") { p.removeLast() }
        return p.hasSuffix(".zarr")
    }

    /// What the image holds.
    public struct Layout: Equatable, Sendable {
        /// Frames (or samples) along `t`; 1 leaves the axis out.
        public var frames: Int
        public var channels: Int
        /// (z, y, x) or (y, x).
        public var shape: [Int]
        public var spacingUm: [Double]
        public var channelNames: [String]
        /// Extra attributes under `fluosynth` in `.zattrs` (e.g. the sample ids of a dataset).
        public var notes: [String: [String]]

        public init(frames: Int, channels: Int, shape: [Int], spacingUm: [Double], channelNames: [String], notes: [String: [String]] = [:]) {
            (self.frames, self.channels, self.shape, self.spacingUm, self.channelNames, self.notes) = (frames, channels, shape, spacingUm, channelNames, notes)
        }

        var hasTime: Bool { frames > 1 }
        var arrayShape: [Int] { (hasTime ? [frames] : []) + [channels] + shape }
        var chunks: [Int] {
            (hasTime ? [1] : []) + [1] + zip(shape, OMEZarr.chunkLimit.suffix(shape.count)).map { Swift.min($0, $1) }
        }
        var axisNames: [String] { (hasTime ? ["t"] : []) + ["c"] + (shape.count == 3 ? ["z", "y", "x"] : ["y", "x"]) }
    }

    /// An image being written: the group and its array, created empty; frames are added one at
    /// a time so a dataset never has to be in memory at once, and `finish` writes `.zattrs`
    /// with each channel's display range.
    public final class Writer {
        public let path: String
        /// The image's name in `.zattrs`.
        public let name: String
        public let layout: Layout
        let array: ZarrArray
        private var ranges: [(min: Float, max: Float)]

        /// Creates the group at `path` (which must not exist yet); `name` (default: the folder's
        /// name) is the image's name, e.g. the final name of a group built under a temporary one.
        public init(path: String, name: String? = nil, layout: Layout, compressor: ZarrArray.Compressor? = .bloscZstd) throws {
            guard layout.frames >= 1, layout.channels >= 1, (2...3).contains(layout.shape.count), layout.spacingUm.count == layout.shape.count else {
                throw DataIOError.writeFailed(path, "an OME-Zarr image needs frames, channels and a 2-D or 3-D shape with its spacing")
            }
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try AtomicFile.write(Data(#"{"zarr_format": 2}"#.utf8), to: path + "/.zgroup")
            array = try ZarrArray.create(at: path + "/0", metadata: .init(shape: layout.arrayShape, chunks: layout.chunks, compressor: compressor))
            (self.path, self.name, self.layout) = (path, name ?? URL(fileURLWithPath: path).lastPathComponent, layout)
            ranges = Array(repeating: (.infinity, -.infinity), count: layout.channels)
        }

        /// Writes `.zattrs`, which makes the group an OME-Zarr image.
        public func finish() throws {
            try AtomicFile.write(try OMEZarr.attributes(layout, name: name, ranges: ranges.map { $0.min <= $0.max ? $0 : (0, 0) }),
                                 to: path + "/.zattrs")
        }

        /// Writes frame `t`: one volume per channel, each of the layout's shape.
        public func write(frame t: Int, channels: [Volume]) throws {
            guard (0..<layout.frames).contains(t), channels.count == layout.channels, channels.allSatisfy({ $0.shape == layout.shape }) else {
                throw DataIOError.writeFailed(path, "frame \(t) needs \(layout.channels) channel(s) of shape \(layout.shape)")
            }
            let origin = (layout.hasTime ? [t] : []) + Array(repeating: 0, count: 1 + layout.shape.count)
            let size = (layout.hasTime ? [1] : []) + [layout.channels] + layout.shape
            try array.write(block: channels.flatMap(\.data), origin: origin, size: size)
            for (c, channel) in channels.enumerated() {
                let (low, high) = channel.extrema()
                ranges[c] = (Swift.min(ranges[c].min, low), Swift.max(ranges[c].max, high))
            }
        }
    }

    /// Writes `frames[t][c]` (all one shape and spacing) as an image at `path`: built under a
    /// temporary name beside it and renamed, so an interrupted write leaves no partial image.
    public static func write(hyperstack frames: [[Volume]], to path: String, channelNames: [String] = []) throws {
        let first = frames[0][0]
        let layout = Layout(frames: frames.count, channels: frames[0].count, shape: first.shape, spacingUm: first.spacingUm,
                            channelNames: channelNames)
        try writeAtomically(to: path) { temporary in
            let writer = try Writer(path: temporary, name: URL(fileURLWithPath: path).lastPathComponent, layout: layout)
            for (t, channels) in frames.enumerated() { try writer.write(frame: t, channels: channels) }
            try writer.finish()
        }
    }

    /// Runs `build` on a temporary folder beside `path`, then puts it in place of `path`.
    public static func writeAtomically(to path: String, _ build: (String) throws -> Void) throws {
        var target = path
        while target.hasSuffix("/") { target.removeLast() }
        let temporary = target + ".partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8))"
        let manager = FileManager.default
        do {
            try build(temporary)
            if manager.fileExists(atPath: target) { try manager.removeItem(atPath: target) }
            try manager.moveItem(atPath: temporary, toPath: target)
        } catch {
            try? manager.removeItem(atPath: temporary)
            throw error
        }
    }

    /// `.zattrs`: NGFF 0.4 `multiscales` with one level, `omero` channel labels and display
    /// windows (each channel's range), notes.
    static func attributes(_ layout: Layout, name: String, ranges: [(min: Float, max: Float)]) throws -> Data {
        let axes: [[String: String]] = layout.axisNames.map { axis in
            switch axis {
            case "t": return ["name": "t", "type": "time"]
            case "c": return ["name": "c", "type": "channel"]
            default: return ["name": axis, "type": "space", "unit": "micrometer"]
            }
        }
        let scale = (layout.hasTime ? [1.0] : []) + [1.0] + layout.spacingUm
        let labels = (0..<layout.channels).map { c in c < layout.channelNames.count ? layout.channelNames[c] : "channel \(c)" }
        var attributes: [String: Any] = [
            "multiscales": [[
                "version": "0.4", "name": name, "axes": axes,
                "datasets": [["path": "0", "coordinateTransformations": [["type": "scale", "scale": scale]]]],
            ] as [String: Any]],
            "omero": ["channels": zip(labels, ranges).map { label, range in
                          ["label": label, "color": "FFFFFF", "active": true,
                           "window": ["min": Double(range.min), "max": Double(range.max), "start": Double(range.min), "end": Double(range.max)]] as [String: Any]
                      },
                      "rdefs": ["model": "greyscale"]] as [String: Any],
        ]
        if !layout.notes.isEmpty { attributes["fluosynth"] = layout.notes }
        return try JSONSerialization.data(withJSONObject: attributes, options: [.prettyPrinted, .sortedKeys])
    }

    /// Reads level 0 of the image at `path`: planes ordered z fastest, then c, then t.
    public static func read(_ path: String) throws -> ImageStack {
        guard let data = FileManager.default.contents(atPath: path + "/.zattrs"),
              let attributes = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let multiscale = (attributes["multiscales"] as? [[String: Any]])?.first,
              let axes = multiscale["axes"] as? [Any],
              let dataset = (multiscale["datasets"] as? [[String: Any]])?.first, let level = dataset["path"] as? String else {
            throw DataIOError.cannotOpen(path, "no OME-Zarr multiscales in .zattrs (is it an OME-Zarr image?)")
        }
        let names = axes.map { ($0 as? [String: Any])?["name"] as? String ?? ($0 as? String) ?? "?" }
        let units = axes.map { ($0 as? [String: Any])?["unit"] as? String }
        guard names.count >= 2, names.suffix(2) == ["y", "x"], Set(names).isSubset(of: ["t", "c", "z", "y", "x"]),
              names == ["t", "c", "z", "y", "x"].filter(names.contains) else {
            throw DataIOError.unsupported(path, "axes \(names.joined(separator: ",")) (FluoSynth reads t, c, z, y, x in that order)")
        }
        var scale = [Double](repeating: 1, count: names.count)
        for transform in (dataset["coordinateTransformations"] as? [[String: Any]]) ?? [] where transform["type"] as? String == "scale" {
            if let values = transform["scale"] as? [Double], values.count == names.count { scale = values }
        }
        let array = try ZarrArray.open(path + "/" + level)
        guard array.metadata.shape.count == names.count else {
            throw DataIOError.corrupt(path, "array \(level) has \(array.metadata.shape.count) axes, .zattrs names \(names.count)")
        }
        func size(_ axis: String) -> Int { names.firstIndex(of: axis).map { array.metadata.shape[$0] } ?? 1 }
        func micrometres(_ axis: String) -> Double? {
            names.firstIndex(of: axis).map { scale[$0] * ImageMetadata.unitScaleToMicrometres(units[$0]) }
        }
        var metadata = ImageMetadata()
        metadata.source = .ngff
        (metadata.channels, metadata.slices, metadata.frames) = (size("c"), size("z"), size("t"))
        metadata.pageOrder = "ZCT"
        metadata.zStepUm = micrometres("z")
        metadata.pixelSizeUm = (micrometres("y")!, micrometres("x")!)
        metadata.channelNames = ((attributes["omero"] as? [String: Any])?["channels"] as? [[String: Any]])?.compactMap { $0["label"] as? String } ?? []
        return ImageStack(path: path, pageCount: size("t") * size("c") * size("z"), samplesPerPixel: 1, height: size("y"), width: size("x"),
                          sampleType: array.metadata.dtype, samples: try array.read(), metadata: metadata)
    }
}

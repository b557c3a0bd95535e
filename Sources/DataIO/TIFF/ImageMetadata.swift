import Foundation

/// What a TIFF's description says about its axes and spacing, from ImageJ's
/// `ImageJ=…\nimages=…\nslices=…` text or from OME-XML.
public struct ImageMetadata: Equatable, Sendable {
    /// Channels per time point and slice (ImageJ `channels=`, OME `SizeC`).
    public var channels: Int = 1
    /// z slices (ImageJ `slices=`, OME `SizeZ`).
    public var slices: Int = 1
    /// Time points (ImageJ `frames=`, OME `SizeT`).
    public var frames: Int = 1
    /// z step in µm (ImageJ `spacing=`, OME `PhysicalSizeZ`).
    public var zStepUm: Double?
    /// Pixel size (y, x) in µm (from the resolution tags or OME `PhysicalSizeY/X`).
    public var pixelSizeUm: (y: Double, x: Double)?
    /// Whether the metadata came from ImageJ's description, OME-XML, OME-Zarr (NGFF) or nothing.
    public var source: Source = .none
    /// The order of the pages, fastest-varying axis first, among channel (C), slice (Z)
    /// and frame (T): ImageJ's is always CZT; OME's `DimensionOrder` XY… gives the rest.
    public var pageOrder = "CZT"
    /// Channel names (OME `Channel Name`), empty when the file has none.
    public var channelNames: [String] = []

    public enum Source: String, Sendable { case imagej, ome, ngff, none }

    public init() {}

    public static func == (a: ImageMetadata, b: ImageMetadata) -> Bool {
        a.channels == b.channels && a.slices == b.slices && a.frames == b.frames && a.zStepUm == b.zStepUm
            && a.pageOrder == b.pageOrder && a.channelNames == b.channelNames
            && a.pixelSizeUm?.y == b.pixelSizeUm?.y && a.pixelSizeUm?.x == b.pixelSizeUm?.x && a.source == b.source
    }

    /// Parses an ImageDescription; unknown text leaves the defaults.
    public static func parse(description: String?) -> ImageMetadata {
        var metadata = ImageMetadata()
        guard let description else { return metadata }
        if description.hasPrefix("ImageJ=") {
            metadata.source = .imagej
            var values: [String: String] = [:]
            for line in description.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { values[String(parts[0])] = String(parts[1]) }
            }
            metadata.channels = values["channels"].flatMap { Int($0) } ?? 1
            metadata.frames = values["frames"].flatMap { Int($0) } ?? 1
            metadata.slices = values["slices"].flatMap { Int($0) }
                ?? (metadata.channels == 1 && metadata.frames == 1 ? values["images"].flatMap { Int($0) } ?? 1 : 1)
            if let spacing = values["spacing"].flatMap(Double.init) {
                metadata.zStepUm = spacing * unitScaleToMicrometres(values["unit"])
            }
        } else if description.contains("<OME") {
            metadata.source = .ome
            func attribute(_ name: String) -> String? {
                guard let range = description.range(of: " \(name)=\"") else { return nil }
                let rest = description[range.upperBound...]
                return rest.firstIndex(of: "\"").map { OMEXML.unescaped(String(rest[..<$0])) }
            }
            metadata.channels = attribute("SizeC").flatMap { Int($0) } ?? 1
            metadata.slices = attribute("SizeZ").flatMap { Int($0) } ?? 1
            metadata.frames = attribute("SizeT").flatMap { Int($0) } ?? 1
            if let order = attribute("DimensionOrder"), order.count == 5, order.hasPrefix("XY"), Set(order.dropFirst(2)) == ["C", "Z", "T"] {
                metadata.pageOrder = String(order.dropFirst(2))
            }
            metadata.channelNames = description.components(separatedBy: "<Channel ").dropFirst().compactMap { element in
                guard let range = element.range(of: " Name=\"") ?? (element.hasPrefix("Name=\"") ? element.range(of: "Name=\"") : nil) else { return nil }
                let rest = element[range.upperBound...]
                return rest.firstIndex(of: "\"").map { OMEXML.unescaped(String(rest[..<$0])) }
            }
            func size(_ axis: String) -> Double? {
                attribute("PhysicalSize\(axis)").flatMap(Double.init).map { $0 * unitScaleToMicrometres(attribute("PhysicalSize\(axis)Unit")) }
            }
            metadata.zStepUm = size("Z")
            if let x = size("X") { metadata.pixelSizeUm = (size("Y") ?? x, x) }
        }
        return metadata
    }

    /// Factor from a unit name to µm (unknown or missing: 1, i.e. already µm).
    static func unitScaleToMicrometres(_ unit: String?) -> Double {
        switch unit?.trimmingCharacters(in: .whitespaces).lowercased() {
        case "nm", "nanometer", "nanometre": return 1e-3
        case "mm", "millimeter", "millimetre": return 1e3
        case "cm", "centimeter", "centimetre": return 1e4
        case "m", "meter", "metre": return 1e6
        default: return 1
        }
    }

    /// ImageJ's description for a stack of `slices` z planes (and `channels` per plane),
    /// with the z step in µm.
    static func imageJDescription(channels: Int, slices: Int, frames: Int, zStepUm: Double?,
                                  range: (min: Float, max: Float)?) -> String {
        var lines = ["ImageJ=1.11a", "images=\(channels * slices * frames)"]
        if channels > 1 { lines.append("channels=\(channels)") }
        if slices > 1 { lines.append("slices=\(slices)") }
        if frames > 1 { lines.append("frames=\(frames)") }
        if channels > 1 || frames > 1 { lines.append("hyperstack=true"); lines.append("mode=grayscale") }
        lines.append("unit=micron")
        if let zStepUm { lines.append("spacing=\(zStepUm)") }
        lines.append("loop=false")
        if let range, range.min.isFinite, range.max.isFinite {
            lines.append("min=\(range.min)")
            lines.append("max=\(range.max)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

import FluoCore
import Foundation

/// Image files by their name: `.tif`/`.tiff` (ImageJ metadata), `.ome.tif`/`.ome.tiff`
/// (OME-XML) and `.zarr` (OME-Zarr). Anything else is refused with the names it could have,
/// so no command writes a TIFF under a `.png` name.
public enum ImageFile {
    /// The kinds of image file.
    public enum Kind: Sendable { case tiff, omeZarr }

    /// The kind a path names, or an error that lists the supported names.
    public static func kind(of path: String) throws -> Kind {
        if OMEZarr.isOMEZarr(path) { return .omeZarr }
        let lower = path.lowercased()
        if lower.hasSuffix(".tif") || lower.hasSuffix(".tiff") { return .tiff }
        let ext = URL(fileURLWithPath: path).pathExtension
        throw DataIOError.unsupported(path, "\(ext.isEmpty ? "no extension" : "'.\(ext)'"): images are .tif, .tiff, .ome.tif or .zarr (OME-Zarr)"
                                      + (lower.hasSuffix(".png") ? "; for a picture, write a .tif and use the command's --preview where it has one" : ""))
    }

    /// `path` with `suffix` before its image extension: `out.ome.tif` → `out-scale.ome.tif`.
    public static func sibling(of path: String, suffix: String) -> String {
        let lower = path.lowercased()
        let ext = [".ome.tiff", ".ome.tif", ".ome.zarr", ".tiff", ".tif", ".zarr"].first { lower.hasSuffix($0) } ?? ""
        return String(path.dropLast(ext.count)) + suffix + (ext.isEmpty ? ".tif" : String(path.suffix(ext.count)))
    }

    /// Reads a TIFF or OME-Zarr image; one with NaN or infinite samples is refused, naming
    /// how many and where the first is, so they never reach an output.
    public static func read(_ path: String) throws -> ImageStack {
        let image: ImageStack
        switch try kind(of: path) {
        case .tiff: image = try TIFFReader.read(path)
        case .omeZarr: image = try OMEZarr.read(path)
        }
        try checkFinite(image.samples, path: path, shape: [image.planeCount, image.height, image.width])
        return image
    }

    /// Throws for NaN or infinite values, naming the count and the first (plane, y, x) index.
    public static func checkFinite(_ values: [Float], path: String, shape: [Int]) throws {
        guard let first = values.firstIndex(where: { !$0.isFinite }) else { return }
        let count = values.lazy.filter { !$0.isFinite }.count
        let strides = shape.indices.map { shape[($0 + 1)...].reduce(1, *) }
        let index = zip(strides, shape).map { first / $0 % $1 }
        throw DataIOError.corrupt(path, "holds \(count) NaN or infinite sample(s), the first at \(index.map(String.init).joined(separator: ", ")) "
            + "(\(shape.count == 3 ? "plane, y, x" : "index")); replace them (Fiji: Process › Math › Remove NaNs) before using the image")
    }

    /// Whether every sample is the same value (a blank or saturated image).
    public static func isConstant(_ values: [Float]) -> Bool {
        guard let first = values.first else { return true }
        return values.allSatisfy { $0 == first }
    }

    /// Writes `frames[t][c]` as a TIFF (ImageJ or OME by the name) or an OME-Zarr image.
    public static func write(hyperstack frames: [[Volume]], to path: String, as type: TIFFSampleType = .float32,
                             channelNames: [String] = []) throws {
        switch try kind(of: path) {
        case .tiff: try TIFFWriter.write(hyperstack: frames, to: path, as: type, channelNames: channelNames)
        case .omeZarr: try OMEZarr.write(hyperstack: frames, to: path, channelNames: channelNames)
        }
    }

    /// Writes one image or stack.
    public static func write(_ volume: Volume, to path: String, as type: TIFFSampleType = .float32) throws {
        try write(hyperstack: [[volume]], to: path, as: type)
    }
}

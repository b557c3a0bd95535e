import CPNG
import Foundation

/// An 8-bit image: grey (1 channel) or RGB (3 channels), rows top to bottom, channels
/// interleaved.
public struct Image8: Equatable, Sendable {
    public var width: Int
    public var height: Int
    /// 1 (grey) or 3 (RGB).
    public var channels: Int
    public var pixels: [UInt8]

    public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) {
        precondition(channels == 1 || channels == 3, "Image8: 1 or 3 channels, got \(channels)")
        precondition(pixels.count == width * height * channels, "Image8: \(pixels.count) bytes do not fill \(width)×\(height)×\(channels)")
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }
}

/// Encodes PNG images with libpng's simplified API (`png_image_write_to_memory`), which
/// reports errors through its return value and `message` rather than longjmp.
public enum PNGWriter {
    /// Writes the PNG file; it appears under its name only when complete (`AtomicFile`).
    public static func write(_ image: Image8, to path: String) throws {
        do {
            try AtomicFile.write(try encode(image), to: path)
        } catch let DataIOError.writeFailed(_, reason) {
            throw DataIOError.writeFailed(path, reason)
        }
    }

    /// The PNG file's bytes.
    public static func encode(_ image: Image8) throws -> Data {
        guard image.width > 0, image.height > 0 else {
            throw DataIOError.writeFailed("PNG", "a PNG needs at least one pixel, got \(image.width)×\(image.height)")
        }
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        png.width = png_uint_32(image.width)
        png.height = png_uint_32(image.height)
        png.format = image.channels == 3 ? png_uint_32(PNG_FORMAT_RGB) : png_uint_32(PNG_FORMAT_GRAY)
        // The first call measures, the second writes.
        var size: png_alloc_size_t = 0
        var data = Data()
        let written = image.pixels.withUnsafeBytes { pixels -> Int32 in
            guard png_image_write_to_memory(&png, nil, &size, 0, pixels.baseAddress, 0, nil) != 0 else { return 0 }
            data = Data(count: Int(size))
            return data.withUnsafeMutableBytes { png_image_write_to_memory(&png, $0.baseAddress, &size, 0, pixels.baseAddress, 0, nil) }
        }
        guard written != 0 else {
            let message = withUnsafeBytes(of: png.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            throw DataIOError.writeFailed("PNG", "libpng: \(message)")
        }
        return data.prefix(Int(size))
    }
}

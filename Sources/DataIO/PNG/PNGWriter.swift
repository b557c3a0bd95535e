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

/// Writes PNG files with libpng's simplified API (`png_image_write_to_file`), which reports
/// errors through its return value and `message` rather than longjmp. The file appears under
/// its name only when complete (`AtomicFile`).
public enum PNGWriter {
    public static func write(_ image: Image8, to path: String) throws {
        guard image.width > 0, image.height > 0 else {
            throw DataIOError.writeFailed(path, "a PNG needs at least one pixel, got \(image.width)×\(image.height)")
        }
        try AtomicFile.write(to: path) { temporary in
            var png = png_image()
            png.version = png_uint_32(PNG_IMAGE_VERSION)
            png.width = png_uint_32(image.width)
            png.height = png_uint_32(image.height)
            png.format = image.channels == 3 ? png_uint_32(PNG_FORMAT_RGB) : png_uint_32(PNG_FORMAT_GRAY)
            let written = image.pixels.withUnsafeBytes { bytes in
                png_image_write_to_file(&png, temporary, 0, bytes.baseAddress, 0, nil)
            }
            guard written != 0 else {
                let message = withUnsafeBytes(of: png.message) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                png_image_free(&png)
                throw DataIOError.writeFailed(path, "libpng: \(message)")
            }
        }
    }
}

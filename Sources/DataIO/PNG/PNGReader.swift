import CPNG
import Foundation

/// Reads PNG files with libpng's simplified API (`png_image_begin_read_from_file` and
/// `png_image_finish_read`), which converts any PNG (grey, palette, 16-bit, with alpha) to
/// 8-bit RGB; alpha is composited over black.
public enum PNGReader {
    public static func read(_ path: String) throws -> Image8 {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        func failure() -> DataIOError {
            let message = withUnsafeBytes(of: png.message) { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            png_image_free(&png)
            return DataIOError.cannotOpen(path, "libpng: \(message)")
        }
        guard png_image_begin_read_from_file(&png, path) != 0 else { throw failure() }
        png.format = png_uint_32(PNG_FORMAT_RGB)
        let width = Int(png.width), height = Int(png.height)
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        let finished = pixels.withUnsafeMutableBytes { bytes in
            png_image_finish_read(&png, nil, bytes.baseAddress, 0, nil)
        }
        guard finished != 0 else { throw failure() }
        return Image8(width: width, height: height, channels: 3, pixels: pixels)
    }
}

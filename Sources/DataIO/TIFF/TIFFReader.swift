import CTIFF
import FluoCore
import Foundation

/// Reads TIFF files with libtiff: multi-page, strips or tiles, any compression libtiff
/// decodes, either byte order, 8/16/32-bit integer and 32/64-bit float samples.
public enum TIFFReader {
    /// Reads every page of the file at `path`.
    public static func read(_ path: String) throws -> ImageStack {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DataIOError.cannotOpen(path, "no such file")
        }
        var errors = ctiff_errors()
        guard let tif = ctiff_open(path, "r", &errors) else {
            throw DataIOError.corrupt(path, errors.hasError != 0 ? message(errors) : "libtiff could not open it")
        }
        defer { TIFFClose(tif) }

        let fileBytes = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        var budget = DecodingBudget(fileBytes: fileBytes)
        var image: ImageStack?
        var page = 0
        repeat {
            let layout = try PageLayout(tif, path: path, page: page)
            try budget.admit(layout, path: path, page: page)
            if image == nil {
                var description: UnsafePointer<CChar>?
                let text = ctiff_get_string(tif, UInt32(TIFFTAG_IMAGEDESCRIPTION), &description) == 1
                    ? description.map { String(cString: $0) } : nil
                var metadata = ImageMetadata.parse(description: text)
                if metadata.pixelSizeUm == nil { metadata.pixelSizeUm = layout.pixelSizeUm(imagej: metadata.source == .imagej) }
                image = ImageStack(path: path, pageCount: 0, samplesPerPixel: layout.samplesPerPixel,
                                  height: layout.height, width: layout.width, sampleType: layout.typeName,
                                  samples: [], metadata: metadata)
                image!.samples.reserveCapacity(layout.height * layout.width * layout.samplesPerPixel)
            } else if layout.height != image!.height || layout.width != image!.width
                        || layout.samplesPerPixel != image!.samplesPerPixel {
                throw DataIOError.unsupported(path, "page \(page) is \(layout.width)×\(layout.height)×\(layout.samplesPerPixel), page 0 is \(image!.width)×\(image!.height)×\(image!.samplesPerPixel)")
            }
            image!.samples += try layout.readPlanes(tif, path: path)
            if errors.hasError != 0 { throw DataIOError.corrupt(path, "page \(page): \(message(errors))") }
            image!.pageCount += 1
            page += 1
        } while TIFFReadDirectory(tif) == 1
        if errors.hasError != 0 { throw DataIOError.corrupt(path, "after page \(page): \(message(errors))") }
        return image!
    }

    static func message(_ errors: ctiff_errors) -> String {
        withUnsafeBytes(of: errors.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }
}

/// What a file's pages may decode to, checked before anything is allocated for them: a
/// damaged or hostile header can declare a 4-billion-pixel page in a few bytes.
///
/// Uncompressed samples lie in the file, so all pages together hold at most the file's size;
/// with PackBits, LZW or Deflate at most `maximumExpansion` times it (a 12-bit LZW code stands
/// for at most 4096 bytes; Deflate expands at most 1032-fold). Codecs without such a bound
/// (Zstd, LZMA, …) are held to the memory available alone, as are the floats every page
/// becomes.
private struct DecodingBudget {
    static let maximumExpansion = 4096
    let fileBytes: Int
    /// The memory available, read once per file (not per page).
    let availableBytes = MemoryBudget.availableBytes
    /// Stored bytes of the pages admitted so far.
    private var storedBytes = 0
    /// Float bytes of the pages admitted so far.
    private var floatBytes = 0

    init(fileBytes: Int) { self.fileBytes = fileBytes }

    mutating func admit(_ layout: PageLayout, path: String, page: Int) throws {
        let samples = [layout.width, layout.height, layout.samplesPerPixel].saturatingProduct
        let size = "\(layout.width)×\(layout.height)×\(layout.samplesPerPixel)"
        guard samples <= Int.max / 16 else { throw DataIOError.corrupt(path, "page \(page) declares \(size) samples, more than any file holds") }
        storedBytes += samples * layout.bytesPerSample
        floatBytes += samples * MemoryLayout<Float>.size
        let bounded: Int?
        switch Int32(layout.compression) {
        case COMPRESSION_NONE: bounded = fileBytes
        case COMPRESSION_PACKBITS, COMPRESSION_LZW, COMPRESSION_ADOBE_DEFLATE, COMPRESSION_DEFLATE:
            bounded = fileBytes.saturatingProduct(with: DecodingBudget.maximumExpansion)
        default: bounded = nil
        }
        if let bounded, storedBytes > bounded {
            throw DataIOError.corrupt(path, "page \(page) declares \(size) samples (\(MemoryBudget.describe(storedBytes)) with the pages before it), "
                                      + "more than its \(fileBytes)-byte file can hold: truncated or damaged")
        }
        if let available = availableBytes, floatBytes > available {
            throw DataIOError.unsupported(path, "its pages take \(MemoryBudget.describe(floatBytes)) as 32-bit floats, "
                                          + "more than the \(MemoryBudget.describe(available)) of memory available")
        }
    }
}

/// The geometry and sample format of one page.
private struct PageLayout {
    var width = 0, height = 0, samplesPerPixel = 1, bitsPerSample = 8
    var format = UInt16(SAMPLEFORMAT_UINT), planar = UInt16(PLANARCONFIG_CONTIG)
    var compression = UInt16(COMPRESSION_NONE)
    var xResolution: Float = 0, resolutionUnit = UInt16(RESUNIT_NONE)
    var tiled = false

    init(_ tif: OpaquePointer, path: String, page: Int) throws {
        var u32: UInt32 = 0, u16: UInt16 = 0
        guard ctiff_get_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), &u32) == 1 else { throw DataIOError.corrupt(path, "page \(page) has no width") }
        width = Int(u32)
        guard ctiff_get_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), &u32) == 1 else { throw DataIOError.corrupt(path, "page \(page) has no height") }
        height = Int(u32)
        if ctiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), &u16) == 1 { samplesPerPixel = Int(u16) }
        if ctiff_get_u16_defaulted(tif, UInt32(TIFFTAG_BITSPERSAMPLE), &u16) == 1 { bitsPerSample = Int(u16) }
        if ctiff_get_u16_defaulted(tif, UInt32(TIFFTAG_SAMPLEFORMAT), &u16) == 1 { format = u16 }
        if ctiff_get_u16_defaulted(tif, UInt32(TIFFTAG_PLANARCONFIG), &u16) == 1 { planar = u16 }
        if ctiff_get_u16_defaulted(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), &u16) == 1 { resolutionUnit = u16 }
        if ctiff_get_u16_defaulted(tif, UInt32(TIFFTAG_COMPRESSION), &u16) == 1 { compression = u16 }
        var resolution: Float = 0
        if ctiff_get_float(tif, UInt32(TIFFTAG_XRESOLUTION), &resolution) == 1 { xResolution = resolution }
        tiled = TIFFIsTiled(tif) != 0
        guard width > 0, height > 0, samplesPerPixel > 0 else {
            throw DataIOError.corrupt(path, "page \(page) has size \(width)×\(height)×\(samplesPerPixel)")
        }
        guard typeName != "" else {
            throw DataIOError.unsupported(path, "page \(page) has \(bitsPerSample)-bit samples of format \(format); FluoSynth reads 8/16/32-bit integers and 32/64-bit floats")
        }
    }

    var bytesPerSample: Int { bitsPerSample / 8 }

    var typeName: String {
        switch (Int32(format), bitsPerSample) {
        case (SAMPLEFORMAT_UINT, 8): return "uint8"
        case (SAMPLEFORMAT_UINT, 16): return "uint16"
        case (SAMPLEFORMAT_UINT, 32): return "uint32"
        case (SAMPLEFORMAT_INT, 8): return "int8"
        case (SAMPLEFORMAT_INT, 16): return "int16"
        case (SAMPLEFORMAT_INT, 32): return "int32"
        case (SAMPLEFORMAT_IEEEFP, 32): return "float32"
        case (SAMPLEFORMAT_IEEEFP, 64): return "float64"
        default: return ""
        }
    }

    /// Pixel size (y, x) in µm from the resolution tags, if they look like a calibration.
    func pixelSizeUm(imagej: Bool) -> (y: Double, x: Double)? {
        guard xResolution > 0 else { return nil }
        let pixel: Double
        switch Int32(resolutionUnit) {
        case RESUNIT_CENTIMETER: pixel = 1e4 / Double(xResolution)
        case RESUNIT_INCH: pixel = 25_400 / Double(xResolution)
        default: pixel = 1 / Double(xResolution)
        }
        // Inch resolutions of 72 or 300 dpi are print settings, not a microscope's calibration.
        if Int32(resolutionUnit) == RESUNIT_INCH && pixel > 100 { return nil }
        if Int32(resolutionUnit) == RESUNIT_NONE && !imagej { return nil }
        return (pixel, pixel)
    }

    /// The page's samples as `[sample][y][x]` floats.
    func readPlanes(_ tif: OpaquePointer, path: String) throws -> [Float] {
        let planeSize = width * height
        var raw = [UInt8](repeating: 0, count: planeSize * samplesPerPixel * bytesPerSample)
        try raw.withUnsafeMutableBytes { buffer in
            tiled ? try readTiles(tif, into: buffer, path: path) : try readStrips(tif, into: buffer, path: path)
        }
        var values = convert(raw)
        if samplesPerPixel > 1 && Int32(planar) == PLANARCONFIG_CONTIG {
            // Interleaved (y, x, sample) → planes (sample, y, x).
            var planes = [Float](repeating: 0, count: values.count)
            for i in 0..<planeSize {
                for s in 0..<samplesPerPixel { planes[s * planeSize + i] = values[i * samplesPerPixel + s] }
            }
            values = planes
        }
        return values
    }

    private func readStrips(_ tif: OpaquePointer, into buffer: UnsafeMutableRawBufferPointer, path: String) throws {
        var offset = 0
        for strip in 0..<TIFFNumberOfStrips(tif) {
            let room = buffer.count - offset
            guard room > 0 else { break }
            let read = TIFFReadEncodedStrip(tif, strip, buffer.baseAddress! + offset, tmsize_t(room))
            guard read >= 0 else { throw DataIOError.corrupt(path, "strip \(strip) cannot be decoded") }
            offset += Int(read)
        }
        guard offset == buffer.count else {
            throw DataIOError.corrupt(path, "strips hold \(offset) bytes, the page needs \(buffer.count)")
        }
    }

    private func readTiles(_ tif: OpaquePointer, into buffer: UnsafeMutableRawBufferPointer, path: String) throws {
        var u32: UInt32 = 0
        guard ctiff_get_u32(tif, UInt32(TIFFTAG_TILEWIDTH), &u32) == 1, u32 > 0 else { throw DataIOError.corrupt(path, "tiled page without tile width") }
        let tileWidth = Int(u32)
        guard ctiff_get_u32(tif, UInt32(TIFFTAG_TILELENGTH), &u32) == 1, u32 > 0 else { throw DataIOError.corrupt(path, "tiled page without tile length") }
        let tileLength = Int(u32)
        let separate = Int32(planar) == PLANARCONFIG_SEPARATE
        let samplesPerTilePixel = separate ? 1 : samplesPerPixel
        let pixelBytes = samplesPerTilePixel * bytesPerSample
        let tileBytes = Int(TIFFTileSize(tif))
        guard tileBytes >= [tileLength, tileWidth, pixelBytes].saturatingProduct,
              tileBytes <= 4 * Swift.max(buffer.count, 1 << 20) else {
            throw DataIOError.corrupt(path, "tiles of \(tileWidth)×\(tileLength) (\(tileBytes) bytes) do not fit a \(width)×\(height) page")
        }
        var tile = [UInt8](repeating: 0, count: tileBytes)
        for sample in 0..<(separate ? samplesPerPixel : 1) {
            let planeBase = separate ? sample * width * height * bytesPerSample : 0
            for y0 in stride(from: 0, to: height, by: tileLength) {
                for x0 in stride(from: 0, to: width, by: tileWidth) {
                    let index = TIFFComputeTile(tif, UInt32(x0), UInt32(y0), 0, UInt16(sample))
                    let read = tile.withUnsafeMutableBytes { TIFFReadEncodedTile(tif, index, $0.baseAddress, tmsize_t($0.count)) }
                    guard read >= 0 else { throw DataIOError.corrupt(path, "tile \(index) cannot be decoded") }
                    let rows = Swift.min(tileLength, height - y0), columns = Swift.min(tileWidth, width - x0)
                    tile.withUnsafeBytes { source in
                        for row in 0..<rows {
                            let from = row * tileWidth * pixelBytes
                            let to = planeBase + ((y0 + row) * width + x0) * pixelBytes
                            (buffer.baseAddress! + to).copyMemory(from: source.baseAddress! + from, byteCount: columns * pixelBytes)
                        }
                    }
                }
            }
        }
    }

    private func convert(_ raw: [UInt8]) -> [Float] {
        raw.withUnsafeBytes { bytes in
            func map<T>(_: T.Type, _ transform: (T) -> Float) -> [Float] {
                Array(bytes.bindMemory(to: T.self)).map(transform)
            }
            switch typeName {
            case "uint8": return map(UInt8.self) { Float($0) }
            case "int8": return map(Int8.self) { Float($0) }
            case "uint16": return map(UInt16.self) { Float($0) }
            case "int16": return map(Int16.self) { Float($0) }
            case "uint32": return map(UInt32.self) { Float($0) }
            case "int32": return map(Int32.self) { Float($0) }
            case "float32": return map(Float.self) { $0 }
            default: return map(Double.self) { Float($0) }
            }
        }
    }
}

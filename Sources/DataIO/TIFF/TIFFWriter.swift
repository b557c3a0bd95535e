import CTIFF
import FluoCore
import Foundation

/// Sample types FluoSynth writes.
public enum TIFFSampleType: String, Codable, CaseIterable, Sendable {
    case float32
    /// Values rounded and clipped to 0…65535.
    case uint16

    var bitsPerSample: UInt16 { self == .float32 ? 32 : 16 }
    var sampleFormat: UInt16 { UInt16(self == .float32 ? SAMPLEFORMAT_IEEEFP : SAMPLEFORMAT_UINT) }
}

/// Writes ImageJ-compatible TIFF stacks with libtiff.
///
/// Layout: one uncompressed strip per page, all page directories first and then the pixel
/// data back to back (libtiff's deferred strile arrays), so the data is contiguous and
/// readers that memory-map ImageJ stacks work. The first page carries ImageJ's description
/// (`images`, `channels`, `slices`, `frames`, `unit=micron`, `spacing`) and every page the
/// pixel size as X/YResolution = 1/µm, which Fiji and tifffile read as the voxel size.
/// Files over 4 GiB are written as BigTIFF. The file appears under its name only when complete.
public enum TIFFWriter {
    /// Writes a 2-D image or a (z, y, x) stack with its spacing.
    public static func write(_ volume: Volume, to path: String, as type: TIFFSampleType = .float32,
                             channelNames: [String] = []) throws {
        try write(planes: volume, channels: 1, frames: 1, to: path, as: type, channelNames: channelNames)
    }

    /// Writes an ImageJ hyperstack: `planes` is (pages, y, x) in ImageJ order (channel
    /// fastest, then slice, then frame), with `channels × slices × frames` pages. A path
    /// ending in `.ome.tif(f)` gets OME-XML instead of ImageJ's description (same page
    /// order, `DimensionOrder="XYCZT"`), with `channelNames`.
    public static func write(planes volume: Volume, channels: Int, frames: Int, to path: String,
                             as type: TIFFSampleType = .float32, channelNames: [String] = []) throws {
        let pages = volume.rank == 3 ? volume.shape[0] : 1
        guard volume.rank >= 2, pages % (channels * frames) == 0 else {
            throw DataIOError.writeFailed(path, "\(pages) pages do not divide into \(channels) channels × \(frames) frames")
        }
        let slices = pages / (channels * frames)
        let height = volume.shape[volume.rank - 2], width = volume.shape[volume.rank - 1]
        let pixelUm = (y: volume.spacingUm[volume.rank - 2], x: volume.spacingUm[volume.rank - 1])
        let zStep = volume.rank == 3 && slices > 1 ? volume.spacingUm[0] : nil
        let description = OMEXML.isOMETIFF(path)
            ? OMEXML(name: OMEXML.imageName(path),
                     sizeX: width, sizeY: height, sizeZ: slices, sizeC: channels, sizeT: frames, pixelSizeUm: pixelUm, zStepUm: zStep,
                     channelNames: channelNames, pixelType: type == .float32 ? "float" : "uint16").text
            : ImageMetadata.imageJDescription(channels: channels, slices: slices, frames: frames, zStepUm: zStep, range: volume.extrema())
        let bytes = encode(volume.data, as: type)
        let pageBytes = height * width * Int(type.bitsPerSample / 8)

        try AtomicFile.write(to: path) { temporary in
            var errors = ctiff_errors()
            let mode = bytes.count > 4_000_000_000 ? "w8" : "w"
            guard let tif = ctiff_open(temporary, mode, &errors) else {
                throw DataIOError.writeFailed(path, errors.hasError != 0 ? TIFFReader.message(errors) : "cannot create the file")
            }
            var closed = false
            defer { if !closed { TIFFClose(tif) } }
            for page in 0..<pages {
                setTags(tif, width: width, height: height, type: type, pixelUm: pixelUm,
                        description: page == 0 ? description : nil, pages: pages)
                TIFFDeferStrileArrayWriting(tif)
                guard TIFFWriteCheck(tif, 0, "FluoSynth") == 1, TIFFWriteDirectory(tif) == 1 else {
                    throw DataIOError.writeFailed(path, TIFFReader.message(errors))
                }
            }
            try bytes.withUnsafeBytes { raw in
                for page in 0..<pages {
                    guard TIFFSetDirectory(tif, tdir_t(page)) == 1 else { throw DataIOError.writeFailed(path, TIFFReader.message(errors)) }
                    let start = UnsafeMutableRawPointer(mutating: raw.baseAddress! + page * pageBytes)
                    guard TIFFWriteEncodedStrip(tif, 0, start, tmsize_t(pageBytes)) == pageBytes,
                          TIFFForceStrileArrayWriting(tif) == 1 else {
                        throw DataIOError.writeFailed(path, TIFFReader.message(errors))
                    }
                }
            }
            closed = true
            TIFFClose(tif)
            if errors.hasError != 0 { throw DataIOError.writeFailed(path, TIFFReader.message(errors)) }
        }
    }

    private static func setTags(_ tif: OpaquePointer, width: Int, height: Int, type: TIFFSampleType,
                                pixelUm: (y: Double, x: Double), description: String?, pages: Int) {
        ctiff_set_u32(tif, UInt32(TIFFTAG_IMAGEWIDTH), UInt32(width))
        ctiff_set_u32(tif, UInt32(TIFFTAG_IMAGELENGTH), UInt32(height))
        ctiff_set_u16(tif, UInt32(TIFFTAG_BITSPERSAMPLE), type.bitsPerSample)
        ctiff_set_u16(tif, UInt32(TIFFTAG_SAMPLEFORMAT), type.sampleFormat)
        ctiff_set_u16(tif, UInt32(TIFFTAG_SAMPLESPERPIXEL), 1)
        ctiff_set_u16(tif, UInt32(TIFFTAG_PHOTOMETRIC), UInt16(PHOTOMETRIC_MINISBLACK))
        ctiff_set_u16(tif, UInt32(TIFFTAG_PLANARCONFIG), UInt16(PLANARCONFIG_CONTIG))
        ctiff_set_u16(tif, UInt32(TIFFTAG_COMPRESSION), UInt16(COMPRESSION_NONE))
        ctiff_set_u32(tif, UInt32(TIFFTAG_ROWSPERSTRIP), UInt32(height))
        ctiff_set_double(tif, UInt32(TIFFTAG_XRESOLUTION), 1 / pixelUm.x)
        ctiff_set_double(tif, UInt32(TIFFTAG_YRESOLUTION), 1 / pixelUm.y)
        ctiff_set_u16(tif, UInt32(TIFFTAG_RESOLUTIONUNIT), UInt16(RESUNIT_NONE))
        ctiff_set_string(tif, UInt32(TIFFTAG_SOFTWARE), "FluoSynth")
        if pages > 1 {
            ctiff_set_u32(tif, UInt32(TIFFTAG_SUBFILETYPE), UInt32(0))
        }
        if let description { ctiff_set_string(tif, UInt32(TIFFTAG_IMAGEDESCRIPTION), description) }
    }

    /// The samples as native-endian bytes of `type`.
    static func encode(_ samples: [Float], as type: TIFFSampleType) -> [UInt8] {
        switch type {
        case .float32:
            return samples.withUnsafeBytes { Array($0) }
        case .uint16:
            let values = samples.map { UInt16(type.stored($0)) }
            return values.withUnsafeBytes { Array($0) }
        }
    }
}

extension TIFFSampleType {
    /// `value` as a file of this type holds it: unchanged in float32; rounded and clamped to
    /// 0…65535 in uint16, NaN as 0.
    public func stored(_ value: Float) -> Float {
        switch self {
        case .float32: value
        case .uint16: value.isNaN ? 0 : Swift.min(Swift.max(value.rounded(), 0), 65535)
        }
    }
}

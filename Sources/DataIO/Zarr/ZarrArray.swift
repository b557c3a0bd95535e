import CBlosc
import CZstd
import Foundation

/// One array of a Zarr store (format version 2): `.zarray` metadata beside chunk files, each
/// chunk the C-order samples of one block of `chunks` (edge chunks padded to full size),
/// raw or Blosc-compressed.
///
/// Written: float32 (`<f4`), Blosc (zstd, level 5, byte shuffle; ome-zarr-py's default) or
/// none, `/` as the dimension separator, one file per chunk under a temporary name then
/// renamed. Read: `|u1 <u2 <i2 <u4 <i4 <f4 <f8`, raw, Blosc (any of its codecs) or zstd
/// (ome-zarr-py's default), either separator; missing chunks hold the fill value.
public struct ZarrArray: Sendable {
    public let path: String
    public let metadata: Metadata

    /// `.zarray`.
    public struct Metadata: Codable, Equatable, Sendable {
        public var zarrFormat = 2
        public var shape: [Int]
        public var chunks: [Int]
        public var dtype: String
        public var compressor: Compressor?
        public var fillValue: Double?
        public var order = "C"
        public var filters: [Compressor]?
        public var dimensionSeparator: String?

        enum CodingKeys: String, CodingKey {
            case zarrFormat = "zarr_format", shape, chunks, dtype, compressor, fillValue = "fill_value", order, filters
            case dimensionSeparator = "dimension_separator"
        }

        public init(shape: [Int], chunks: [Int], dtype: String = "<f4", compressor: Compressor?) {
            (self.shape, self.chunks, self.dtype, self.compressor) = (shape, chunks, dtype, compressor)
            fillValue = 0
            dimensionSeparator = "/"
        }

        /// Every key written, `null` included, as the Zarr spec asks.
        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(zarrFormat, forKey: .zarrFormat)
            try c.encode(shape, forKey: .shape)
            try c.encode(chunks, forKey: .chunks)
            try c.encode(dtype, forKey: .dtype)
            try c.encode(compressor, forKey: .compressor)
            try c.encode(fillValue, forKey: .fillValue)
            try c.encode(order, forKey: .order)
            try c.encode(filters, forKey: .filters)
            try c.encodeIfPresent(dimensionSeparator, forKey: .dimensionSeparator)
        }

        public init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            zarrFormat = try c.decode(Int.self, forKey: .zarrFormat)
            shape = try c.decode([Int].self, forKey: .shape)
            chunks = try c.decode([Int].self, forKey: .chunks)
            dtype = try c.decode(String.self, forKey: .dtype)
            compressor = try c.decodeIfPresent(Compressor.self, forKey: .compressor)
            // "NaN", "Infinity" or a number; only the numeric value matters here.
            fillValue = (try? c.decodeIfPresent(Double.self, forKey: .fillValue)) ?? nil
            order = try c.decodeIfPresent(String.self, forKey: .order) ?? "C"
            filters = try c.decodeIfPresent([Compressor].self, forKey: .filters)
            dimensionSeparator = try c.decodeIfPresent(String.self, forKey: .dimensionSeparator)
        }
    }

    /// A numcodecs codec description; FluoSynth writes `blosc` and reads `blosc` and `zstd`.
    public struct Compressor: Codable, Equatable, Sendable {
        public var id: String
        public var cname: String?
        public var clevel: Int?
        public var shuffle: Int?
        public var blocksize: Int?

        /// Blosc with zstd, level 5, byte shuffle.
        public static let bloscZstd = Compressor(id: "blosc", cname: "zstd", clevel: 5, shuffle: 1, blocksize: 0)
    }

    /// Creates the array's folder and `.zarray` (replacing what was there).
    public static func create(at path: String, metadata: Metadata) throws -> ZarrArray {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(metadata), to: path + "/.zarray")
        return ZarrArray(path: path, metadata: metadata)
    }

    /// Opens an existing array.
    public static func open(_ path: String) throws -> ZarrArray {
        guard let data = FileManager.default.contents(atPath: path + "/.zarray") else {
            throw DataIOError.cannotOpen(path, "no .zarray (not a Zarr v2 array)")
        }
        let metadata: Metadata
        do {
            metadata = try JSONDecoder().decode(Metadata.self, from: data)
        } catch {
            throw DataIOError.corrupt(path + "/.zarray", "\(error)")
        }
        guard metadata.zarrFormat == 2, metadata.shape.count == metadata.chunks.count, metadata.chunks.allSatisfy({ $0 > 0 }) else {
            throw DataIOError.corrupt(path + "/.zarray", "needs zarr_format 2 and one positive chunk size per axis")
        }
        guard metadata.order == "C", metadata.filters?.isEmpty ?? true else {
            throw DataIOError.unsupported(path, "order \(metadata.order) or filters: FluoSynth reads C-order arrays without filters")
        }
        guard sampleSize(metadata.dtype) != nil else {
            throw DataIOError.unsupported(path, "dtype \(metadata.dtype) (FluoSynth reads |u1 <u2 <i2 <u4 <i4 <f4 <f8)")
        }
        if let compressor = metadata.compressor, !["blosc", "zstd"].contains(compressor.id) {
            throw DataIOError.unsupported(path, "compressor '\(compressor.id)' (FluoSynth reads raw, Blosc and zstd chunks)")
        }
        return ZarrArray(path: path, metadata: metadata)
    }

    /// Number of chunks per axis.
    public var chunkGrid: [Int] { zip(metadata.shape, metadata.chunks).map { ($0 + $1 - 1) / $1 } }

    func chunkPath(_ index: [Int]) -> String {
        path + "/" + index.map(String.init).joined(separator: metadata.dimensionSeparator ?? ".")
    }

    /// Writes the block at `origin` with `size` (C order), which must cover whole chunks
    /// (or reach the end of the array on an axis).
    public func write(block values: [Float], origin: [Int], size: [Int]) throws {
        let m = metadata, rank = m.shape.count
        func aligned(_ axis: Int) -> Bool {
            let start = origin[axis], length = size[axis], chunk = m.chunks[axis], end = start + length
            return start % chunk == 0 && end <= m.shape[axis] && (length % chunk == 0 || end == m.shape[axis])
        }
        guard origin.count == rank, size.count == rank, values.count == size.reduce(1, *), (0..<rank).allSatisfy(aligned) else {
            throw DataIOError.writeFailed(path, "block at \(origin) of size \(size) is not aligned to chunks \(m.chunks) of \(m.shape)")
        }
        let first = zip(origin, m.chunks).map { $0 / $1 }
        let count = (0..<rank).map { (size[$0] + m.chunks[$0] - 1) / m.chunks[$0] }
        let blockStrides = Self.strides(size), chunkStrides = Self.strides(m.chunks)
        try Self.forEach(count) { local in
            let start = (0..<rank).map { local[$0] * m.chunks[$0] }
            var chunk = [Float](repeating: Float(m.fillValue ?? 0), count: m.chunks.reduce(1, *))
            let extent = (0..<rank).map { Swift.min(m.chunks[$0], size[$0] - start[$0]) }
            // Copy rows along the last axis.
            try Self.forEach(Array(extent.dropLast())) { row in
                let inBlock = zip(row, start.dropLast()).map(+)
                let from = zip(inBlock, blockStrides).map(*).reduce(0, +) + start[rank - 1]
                let to = zip(row, chunkStrides).map(*).reduce(0, +)
                chunk.replaceSubrange(to ..< to + extent[rank - 1], with: values[from ..< from + extent[rank - 1]])
            }
            let index = zip(first, local).map(+)
            let file = chunkPath(index)
            try FileManager.default.createDirectory(atPath: URL(fileURLWithPath: file).deletingLastPathComponent().path,
                                                    withIntermediateDirectories: true)
            try AtomicFile.write(try encode(chunk), to: file)
        }
    }

    /// The whole array as `Float`, C order.
    public func read() throws -> [Float] {
        let m = metadata, rank = m.shape.count
        var result = [Float](repeating: Float(m.fillValue ?? 0), count: m.shape.reduce(1, *))
        let arrayStrides = Self.strides(m.shape), chunkStrides = Self.strides(m.chunks)
        try Self.forEach(chunkGrid) { index in
            guard let data = FileManager.default.contents(atPath: chunkPath(index)) else { return }
            let chunk = try decode(data, file: chunkPath(index))
            let start = (0..<rank).map { index[$0] * m.chunks[$0] }
            let extent = (0..<rank).map { Swift.min(m.chunks[$0], m.shape[$0] - start[$0]) }
            try Self.forEach(Array(extent.dropLast())) { row in
                let to = zip(zip(row, start.dropLast()).map(+), arrayStrides).map(*).reduce(0, +) + start[rank - 1]
                let from = zip(row, chunkStrides).map(*).reduce(0, +)
                result.replaceSubrange(to ..< to + extent[rank - 1], with: chunk[from ..< from + extent[rank - 1]])
            }
        }
        return result
    }

    /// A chunk's bytes: float32 little-endian, compressed as the metadata says.
    func encode(_ chunk: [Float]) throws -> Data {
        let raw = chunk.withUnsafeBytes { Data($0) }
        guard let compressor = metadata.compressor else { return raw }
        var output = Data(count: raw.count + Int(BLOSC_MAX_OVERHEAD))
        let written = raw.withUnsafeBytes { source in
            output.withUnsafeMutableBytes { destination in
                blosc_compress_ctx(Int32(compressor.clevel ?? 5), Int32(compressor.shuffle ?? 1), 4, raw.count, source.baseAddress,
                                   destination.baseAddress, destination.count, compressor.cname ?? "lz4", compressor.blocksize ?? 0, 1)
            }
        }
        guard written > 0 else { throw DataIOError.writeFailed(path, "Blosc could not compress a chunk (\(compressor.cname ?? "?"))") }
        return output.prefix(Int(written))
    }

    /// A chunk's samples as `Float`.
    func decode(_ data: Data, file: String) throws -> [Float] {
        let m = metadata
        let size = Self.sampleSize(m.dtype)!
        let expected = m.chunks.reduce(1, *) * size
        var raw = data
        if let compressor = m.compressor {
            raw = Data(count: expected)
            let read = data.withUnsafeBytes { source in
                raw.withUnsafeMutableBytes { destination -> Int in
                    if compressor.id == "zstd" {
                        let n = ZSTD_decompress(destination.baseAddress, expected, source.baseAddress, source.count)
                        return ZSTD_isError(n) != 0 ? -1 : n
                    }
                    return Int(blosc_decompress_ctx(source.baseAddress, destination.baseAddress, expected, 1))
                }
            }
            guard read == expected else { throw DataIOError.corrupt(file, "\(compressor.id) chunk decodes to \(read) bytes, expected \(expected)") }
        }
        guard raw.count == expected else { throw DataIOError.corrupt(file, "chunk has \(raw.count) bytes, expected \(expected)") }
        return raw.withUnsafeBytes { bytes in
            (0..<m.chunks.reduce(1, *)).map { i -> Float in
                let o = i * size
                switch m.dtype {
                case "|u1", "<u1": return Float(bytes[o])
                case "<u2": return Float(bytes.loadUnaligned(fromByteOffset: o, as: UInt16.self).littleEndian)
                case "<i2": return Float(bytes.loadUnaligned(fromByteOffset: o, as: Int16.self).littleEndian)
                case "<u4": return Float(bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
                case "<i4": return Float(bytes.loadUnaligned(fromByteOffset: o, as: Int32.self).littleEndian)
                case "<f8": return Float(Double(bitPattern: bytes.loadUnaligned(fromByteOffset: o, as: UInt64.self).littleEndian))
                default: return Float(bitPattern: bytes.loadUnaligned(fromByteOffset: o, as: UInt32.self).littleEndian)
                }
            }
        }
    }

    static func sampleSize(_ dtype: String) -> Int? {
        ["|u1": 1, "<u1": 1, "<u2": 2, "<i2": 2, "<u4": 4, "<i4": 4, "<f4": 4, "<f8": 8][dtype]
    }

    static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in stride(from: shape.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * shape[axis + 1] }
        return strides
    }

    /// Calls `body` with every index of a grid of `counts` (C order); an empty grid has one.
    static func forEach(_ counts: [Int], _ body: ([Int]) throws -> Void) throws {
        guard counts.allSatisfy({ $0 > 0 }) else { return }
        var index = [Int](repeating: 0, count: counts.count)
        while true {
            try body(index)
            var axis = counts.count - 1
            while axis >= 0 {
                index[axis] += 1
                if index[axis] < counts[axis] { break }
                index[axis] = 0
                axis -= 1
            }
            if axis < 0 { return }
        }
    }
}

import DataIO
import FluoCore
import Foundation

/// FluoSynth's binary file of named float32 arrays (model weights, optimiser state).
///
/// Layout, all integers little-endian:
/// ```
/// 8 bytes   magic "FSWEIGHT"
/// u32       format version (1)
/// u32 M     length of the metadata; M bytes of UTF-8 JSON
/// u32 T     number of arrays; then T times:
///             u32 L, L bytes UTF-8 name; u32 rank R; R × u64 sizes; Π sizes × float32 values
/// u64       FNV-1a 64-bit hash of every byte before it
/// ```
/// Arrays are stored in `UNet.parameters` order under their parameter names (e.g.
/// `down0.conv1.weight`, shape (out, in, ky, kx)); optimiser moments as `adam.m.<name>` and
/// `adam.v.<name>`. Files are written under a temporary name and renamed.
public struct WeightsFile: Equatable, Sendable {
    public var metadata: String
    public var arrays: [(name: String, shape: [Int], values: [Float])]

    public static let magic = Array("FSWEIGHT".utf8)
    public static let version: UInt32 = 1

    public init(metadata: String = "{}", arrays: [(name: String, shape: [Int], values: [Float])]) {
        self.metadata = metadata
        self.arrays = arrays
    }

    public static func == (a: WeightsFile, b: WeightsFile) -> Bool {
        a.metadata == b.metadata && a.arrays.count == b.arrays.count
            && zip(a.arrays, b.arrays).allSatisfy { $0.name == $1.name && $0.shape == $1.shape && $0.values == $1.values }
    }

    /// The encoded bytes.
    public func encoded() -> Data {
        var data = Data(WeightsFile.magic)
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { data.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
        u32(Int(WeightsFile.version))
        u32(metadata.utf8.count)
        data.append(contentsOf: Array(metadata.utf8))
        u32(arrays.count)
        for array in arrays {
            u32(array.name.utf8.count)
            data.append(contentsOf: Array(array.name.utf8))
            u32(array.shape.count)
            for size in array.shape { u64(UInt64(size)) }
            array.values.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        u64(WeightsFile.fnv1a(data))
        return data
    }

    /// Writes the file atomically.
    public func write(to path: String) throws {
        try AtomicFile.write(encoded(), to: path)
    }

    /// Reads and verifies a file; damage is reported with the path.
    public static func read(_ path: String) throws -> WeightsFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError.corruptModel(path, "file missing or unreadable")
        }
        return try decode(data, path: path)
    }

    static func decode(_ data: Data, path: String) throws -> WeightsFile {
        let bytes = [UInt8](data)
        func fail(_ reason: String) -> TrainingError { .corruptModel(path, reason) }
        guard bytes.count >= 28, Array(bytes[0..<8]) == magic else { throw fail("not a FluoSynth weights file (bad magic)") }
        let stored = bytes[(bytes.count - 8)...].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard stored == fnv1a(data.prefix(bytes.count - 8)) else { throw fail("checksum mismatch (the file is truncated or damaged)") }
        var offset = 8
        func u32() throws -> Int {
            guard offset + 4 <= bytes.count - 8 else { throw fail("truncated") }
            defer { offset += 4 }
            return (0..<4).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        func u64() throws -> Int {
            guard offset + 8 <= bytes.count - 8 else { throw fail("truncated") }
            defer { offset += 8 }
            return (0..<8).reduce(0) { $0 | Int(bytes[offset + $1]) << (8 * $1) }
        }
        func text(_ length: Int) throws -> String {
            guard length >= 0, offset + length <= bytes.count - 8, let s = String(bytes: bytes[offset ..< offset + length], encoding: .utf8) else {
                throw fail("bad text field")
            }
            offset += length
            return s
        }
        let version = try u32()
        guard version == Int(WeightsFile.version) else { throw fail("format version \(version), this FluoSynth reads \(WeightsFile.version)") }
        let metadata = try text(try u32())
        let count = try u32()
        var arrays: [(name: String, shape: [Int], values: [Float])] = []
        for _ in 0..<count {
            let name = try text(try u32())
            let rank = try u32()
            guard rank <= 8 else { throw fail("array \(name) has rank \(rank)") }
            let shape = try (0..<rank).map { _ in try u64() }
            let elements = shape.saturatingProduct
            guard shape.allSatisfy({ $0 >= 0 }), elements <= (bytes.count - 8 - offset) / 4 else { throw fail("array \(name) runs past the end") }
            let values = [Float](unsafeUninitializedCapacity: elements) { buffer, initialized in
                bytes.withUnsafeBytes { raw in
                    for i in 0..<elements { buffer[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset + 4 * i, as: UInt32.self))) }
                }
                initialized = elements
            }
            offset += elements * 4
            arrays.append((name, shape, values))
        }
        guard offset == bytes.count - 8 else { throw fail("\(bytes.count - 8 - offset) unexpected bytes after the arrays") }
        return WeightsFile(metadata: metadata, arrays: arrays)
    }

    /// The file's checksum: FNV-1a, 64-bit, over everything before it.
    public static func fnv1a<D: DataProtocol>(_ data: D) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for region in data.regions {
            for byte in region {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        return hash
    }
}

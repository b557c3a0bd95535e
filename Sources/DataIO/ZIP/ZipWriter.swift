import Foundation
import ZIPFoundation

/// Writes ZIP archives through ZIPFoundation, atomically (temporary name, then rename).
public enum ZipWriter {
    /// One file of an archive: its name inside the archive and its bytes, given in parts
    /// that are written back to back (so a header and a large body need not be joined).
    public struct Entry: Sendable {
        public var name: String
        public var parts: [Data]
        public var compressed: Bool

        public init(name: String, parts: [Data], compressed: Bool = false) {
            (self.name, self.parts, self.compressed) = (name, parts, compressed)
        }

        public init(name: String, data: Data, compressed: Bool = false) {
            self.init(name: name, parts: [data], compressed: compressed)
        }

        var size: Int { parts.reduce(0) { $0 + $1.count } }

        /// The bytes [start, start + count) across the parts.
        func bytes(from start: Int, count: Int) -> Data {
            var result = Data(capacity: count)
            var offset = 0
            for part in parts {
                let low = max(start, offset), high = min(start + count, offset + part.count)
                if low < high { result.append(part.subdata(in: low - offset ..< high - offset)) }
                offset += part.count
            }
            return result
        }
    }

    /// Writes `entries` in order; every entry is dated 1980-01-01 so equal contents give
    /// equal archives.
    public static func write(_ entries: [Entry], to path: String) throws {
        try AtomicFile.write(to: path) { temporary in
            let archive: Archive
            do {
                archive = try Archive(url: URL(fileURLWithPath: temporary), accessMode: .create)
            } catch {
                throw DataIOError.writeFailed(path, "cannot create the archive (\(error))")
            }
            for entry in entries {
                do {
                    try archive.addEntry(with: entry.name, type: .file, uncompressedSize: Int64(entry.size),
                                         modificationDate: Date(timeIntervalSince1970: 315_532_800),
                                         compressionMethod: entry.compressed ? .deflate : .none, bufferSize: 1 << 20) { position, size in
                        entry.bytes(from: Int(position), count: size)
                    }
                } catch {
                    throw DataIOError.writeFailed(path, "cannot add \(entry.name) (\(error))")
                }
            }
        }
    }
}

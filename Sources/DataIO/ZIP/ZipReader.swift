import FluoCore
import Foundation
import ZIPFoundation

/// Reads the files of ZIP archives through ZIPFoundation.
public enum ZipReader {
    /// The files whose names satisfy `include`, in archive order.
    public static func files(_ path: String, where include: (String) -> Bool = { _ in true }) throws -> [(name: String, data: Data)] {
        guard FileManager.default.fileExists(atPath: path) else { throw DataIOError.cannotOpen(path, "no such file") }
        let archive: Archive
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw DataIOError.corrupt(path, "not a ZIP archive (\(error))")
        }
        var budget = MemoryBudget.availableBytes ?? Int.max
        return try archive.filter { $0.type == .file && include($0.path) }.map { entry in
            // Sizes come from the archive's headers: bounded before anything is allocated, and
            // held to while extracting (a damaged or hostile archive can claim anything).
            let declared = Int(clamping: entry.uncompressedSize)
            guard declared <= Int(clamping: entry.compressedSize).saturatingProduct(with: maximumExpansion) else {
                throw DataIOError.corrupt(path, "entry \(entry.path) claims \(declared) bytes from \(entry.compressedSize) compressed, "
                                          + "more than Deflate can expand (\(maximumExpansion)×)")
            }
            guard declared <= budget else {
                throw DataIOError.unsupported(path, "entry \(entry.path) takes \(MemoryBudget.describe(declared)), "
                                              + "more than the memory available")
            }
            budget -= declared
            var data = Data(capacity: declared)
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 20) { chunk in
                    guard data.count + chunk.count <= declared else { throw DataIOError.corrupt(path, "entry \(entry.path) is longer than its header says") }
                    data.append(chunk)
                }
            } catch {
                throw DataIOError.corrupt(path, "entry \(entry.path) is damaged (\(error))")
            }
            return (entry.path, data)
        }
    }

    /// Deflate's largest expansion (a 258-byte match in under 2 bits, RFC 1951), which bounds
    /// what an entry may claim from its compressed size.
    static let maximumExpansion = 1032
}

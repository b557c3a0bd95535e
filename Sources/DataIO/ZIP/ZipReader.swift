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
        return try archive.filter { $0.type == .file && include($0.path) }.map { entry in
            var data = Data(capacity: Int(entry.uncompressedSize))
            do {
                _ = try archive.extract(entry, bufferSize: 1 << 20) { chunk in data.append(chunk) }
            } catch {
                throw DataIOError.corrupt(path, "entry \(entry.path) is damaged (\(error))")
            }
            return (entry.path, data)
        }
    }
}

import Foundation

/// Writes a file under a temporary name in the same folder and renames it into place, so a
/// crash or a kill never leaves a half-written file under the final name.
public enum AtomicFile {
    /// Calls `write` with a temporary path next to `path`, then renames it to `path`.
    /// The temporary file is removed if `write` throws.
    public static func write(to path: String, _ write: (String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/." + url.lastPathComponent + ".partial-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try write(temporary)
            guard rename(temporary, path) == 0 else {
                throw DataIOError.writeFailed(path, String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            // Libraries (libtiff, libpng) report a full disk as a failed write; say which.
            var stats = statvfs()
            if statvfs(folder, &stats) == 0, UInt64(stats.f_bavail) * UInt64(stats.f_frsize) < 1 << 20 {
                throw DataIOError.writeFailed(path, "the disk is full (\(UInt64(stats.f_bavail) * UInt64(stats.f_frsize)) bytes free in \(folder)); "
                    + "free some space and run again (generate: --resume)")
            }
            throw error
        }
    }

    /// Writes `data` atomically. Plain POSIX writes: Foundation's `Data.write` syncs each
    /// file to disk, which costs milliseconds per file and buys nothing here (the rename is
    /// what makes the file appear whole).
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            guard descriptor >= 0 else { throw DataIOError.writeFailed(path, String(cString: strerror(errno))) }
            defer { close(descriptor) }
            try data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                    guard written > 0 else { throw DataIOError.writeFailed(path, String(cString: strerror(errno))) }
                    offset += written
                }
            }
        }
    }
}

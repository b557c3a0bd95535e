import Foundation

/// Files in memory-backed scratch space for readers that take a path: one folder per process,
/// each name overwritten by the next input.
enum ScratchFile {
    /// The process's scratch folder (under /dev/shm where it exists, so inputs never touch a disk).
    static let folder: String = {
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
        let folder = base + "/fluosynth-fuzz-\(getpid())"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }()

    /// Writes `bytes` to `name` in the scratch folder and returns its path.
    static func write(_ bytes: Data, name: String) -> String {
        let path = folder + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: bytes)
        return path
    }
}

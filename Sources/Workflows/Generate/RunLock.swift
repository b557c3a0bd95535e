import Foundation

/// An exclusive lock on a file (flock), held until the process ends, whose file names the
/// holder's process id. Two `generate` runs of one dataset (or one shard of it) cannot write
/// it at once: the second is refused with the first one's pid.
enum RunLock {
    nonisolated(unsafe) private static var held: [String: Int32] = [:]
    private static let guardLock = NSLock()

    static func acquire(_ path: String) throws {
        guardLock.lock()
        defer { guardLock.unlock() }
        guard held[path] == nil else { return }
        let fd = open(path, O_RDWR | O_CREAT, 0o644)
        guard fd >= 0 else { throw WorkflowError.conflict("\(path): cannot create the run lock (\(String(cString: strerror(errno))))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
            close(fd)
            throw WorkflowError.conflict("\(URL(fileURLWithPath: path).deletingLastPathComponent().path) is being written by another fluosynth generate "
                + "(process \(holder)); wait for it, or give this run another --out (or its own --shard)")
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        held[path] = fd   // kept open: the lock lasts until `release` or the process's end
    }

    /// Removes the lock file and lets go of it (after a finished run; a killed run's file is
    /// left unlocked and taken over by the next run).
    static func release(_ path: String) {
        guardLock.lock()
        defer { guardLock.unlock() }
        guard let fd = held.removeValue(forKey: path) else { return }
        unlink(path)
        close(fd)
    }
}

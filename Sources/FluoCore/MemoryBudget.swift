import Foundation

/// How much memory this process may use: the kernel's estimate of memory available without
/// swapping (`MemAvailable` in /proc/meminfo), capped by a cgroup v2 limit (containers, Slurm
/// jobs) where one is set and by `$FLUOSYNTH_MEMORY_LIMIT` (bytes, or with a K, M or G suffix:
/// `8G`) where a user sets one. `nil` where none can be read (then no limit is enforced).
public enum MemoryBudget {
    public static var availableBytes: Int? {
        var limits: [Int] = []
        if let text = ProcessInfo.processInfo.environment["FLUOSYNTH_MEMORY_LIMIT"], let bytes = parse(text) { limits.append(bytes) }
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemAvailable:") }),
           let kib = Int(line.split(separator: " ").dropFirst().first ?? "") {
            limits.append(kib * 1024)
        }
        if let text = try? String(contentsOfFile: "/sys/fs/cgroup/memory.max", encoding: .utf8),
           let bytes = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            let used = (try? String(contentsOfFile: "/sys/fs/cgroup/memory.current", encoding: .utf8))
                .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
            limits.append(Swift.max(0, bytes - used))
        }
        return limits.min()
    }

    /// "512M" → 536870912: a byte count with an optional binary K, M or G suffix.
    static func parse(_ text: String) -> Int? {
        let shifts: [Character: Int] = ["K": 10, "M": 20, "G": 30]
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard let last = trimmed.last else { return nil }
        let shift = shifts[last] ?? 0
        guard let count = Int(shift == 0 ? trimmed : String(trimmed.dropLast())), count >= 0 else { return nil }
        return count.saturatingProduct(with: 1 << shift)
    }

    /// `bytes` as "1.5 GiB", "320 MiB".
    public static func describe(_ bytes: Int) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}

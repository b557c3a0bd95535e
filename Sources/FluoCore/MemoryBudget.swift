import Foundation

/// How much memory this process may use: the kernel's estimate of memory available without
/// swapping (`MemAvailable` in /proc/meminfo), capped by a cgroup v2 limit (containers, Slurm
/// jobs) where one is set. `nil` where neither can be read (then no limit is enforced).
public enum MemoryBudget {
    public static var availableBytes: Int? {
        var limits: [Int] = []
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

    /// `bytes` as "1.5 GiB", "320 MiB".
    public static func describe(_ bytes: Int) -> String {
        let gib = Double(bytes) / Double(1 << 30)
        return gib >= 1 ? String(format: "%.1f GiB", gib) : String(format: "%.0f MiB", Double(bytes) / Double(1 << 20))
    }
}

import Foundation

/// Progress of long work on standard error: a redrawn bar with rate and ETA on a terminal,
/// plain lines (every 10 % or 10 s) otherwise, so logs of batch jobs stay readable.
/// Safe to advance from several threads.
public final class ProgressDisplay: @unchecked Sendable {
    private let total: Int
    private let label: String
    private let unit: String
    private let terminal: Bool
    private let start = Date()
    private let lock = NSLock()
    private var done = 0
    /// Items done before this display started (a resumed run): counted, not timed.
    private let before: Int
    private var lastDraw = Date.distantPast
    private var lastPlainPercent = -1
    private let quiet: Bool

    /// `total` items of `unit` (e.g. "pairs"), `alreadyDone` of them by an earlier run;
    /// `quiet` suppresses everything.
    public init(total: Int, label: String, unit: String, alreadyDone: Int = 0, quiet: Bool = false) {
        self.total = Swift.max(total, 1)
        before = alreadyDone
        done = alreadyDone
        self.label = label
        self.unit = unit
        self.quiet = quiet
        terminal = isatty(STDERR_FILENO) == 1
    }

    /// Items per second of wall time since the display started (all the work, not only the
    /// items' own: a training run's rate includes its validations and checkpoints).
    public var rate: Double {
        lock.lock()
        defer { lock.unlock() }
        return Double(done - before) / Swift.max(Date().timeIntervalSince(start), 1e-9)
    }

    /// Seconds since the display was made.
    public var elapsed: TimeInterval { Date().timeIntervalSince(start) }

    /// Records `count` more items done; `note` is shown after the counts (e.g. a loss).
    public func advance(by count: Int = 1, note: String = "") {
        lock.lock()
        defer { lock.unlock() }
        done += count
        guard !quiet else { return }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let rate = Double(done - before) / Swift.max(elapsed, 1e-9)
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        if terminal {
            guard now.timeIntervalSince(lastDraw) > 0.1 || done == total else { return }
            lastDraw = now
            let width = 30, filled = width * done / total
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\(label) \(bar) \(done)/\(total) \(unit)  \(String(format: "%.1f", rate)) \(unit)/s  ETA \(ProgressDisplay.duration(remaining))\(note.isEmpty ? "" : "  " + note)"
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + line).utf8))
        } else {
            let percent = 100 * done / total
            guard percent / 10 > lastPlainPercent / 10 || now.timeIntervalSince(lastDraw) > 10 || done == total else { return }
            lastDraw = now
            lastPlainPercent = percent
            let line = "\(label): \(done)/\(total) \(unit) (\(percent) %), \(String(format: "%.1f", rate)) \(unit)/s, ETA \(ProgressDisplay.duration(remaining))\(note.isEmpty ? "" : ", " + note)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Ends the bar's line on a terminal.
    public func finish() {
        if terminal && !quiet { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `1 h 02 min`, `3 min 20 s`, `12 s`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let s = Int(seconds.rounded())
        if s >= 3600 { return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60) }
        if s >= 60 { return String(format: "%d min %02d s", s / 60, s % 60) }
        return "\(s) s"
    }
}

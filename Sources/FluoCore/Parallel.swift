import Dispatch
import Foundation

/// Runs independent pieces of work on several threads.
///
/// Callers keep results independent of the thread count by giving every piece of work its
/// own random substream and its own output slice; the scheduling here only decides *when*
/// a piece runs, never *what* it computes.
public enum Parallel {
    /// The number of cores this process may use.
    public static var availableCores: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// Calls `body(i)` for every `i` in `0..<count` on up to `threads` threads and returns
    /// when all calls have finished. Indices are handed out in increasing order.
    public static func forEach(_ count: Int, threads: Int, _ body: @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let workers = Swift.max(1, Swift.min(threads, count))
        if workers == 1 {
            for index in 0..<count { body(index) }
            return
        }
        let counter = SharedCounter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = counter.next()
                if index >= count { return }
                body(index)
            }
        }
    }

    /// Splits `0..<count` into consecutive ranges of `chunkSize` (the last may be shorter).
    public static func chunks(_ count: Int, size chunkSize: Int) -> [Range<Int>] {
        precondition(chunkSize > 0, "chunk size must be positive")
        return stride(from: 0, to: count, by: chunkSize).map { $0 ..< Swift.min($0 + chunkSize, count) }
    }
}

/// A lock-protected counter shared by worker threads.
private final class SharedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value - 1
    }
}

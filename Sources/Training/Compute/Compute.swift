import Dispatch
import Synchronization

/// What a network pass runs with: the worker threads, their scratch memory, and whether it
/// is a training pass (batch statistics, dropout) or an inference pass.
///
/// Work is split into items (a sample, or a block of image rows of one sample) that are
/// handed to `threads` workers; each item writes only its own part of the output, and sums
/// over samples are taken in sample order, so results are the same for any thread count.
/// Every matrix product runs on one OpenBLAS thread (`OpenBLASRuntime.setThreads(1)`).
public final class Compute: @unchecked Sendable {
    /// Worker threads.
    public let threads: Int
    /// Training pass: batch-norm uses batch statistics and dropout drops.
    public var training: Bool
    /// Seed and step that fix the dropout masks of a pass.
    public var dropoutSeed: UInt64 = 0
    public var step: Int = 0
    /// Floats of unfolded (im2col) or Winograd-transformed data per worker: convolutions work
    /// on blocks of image rows that fit. 2¹⁸ floats (1 MiB) keeps a block in a core's L2 cache.
    public var columnBudget = 1 << 18
    private let scratch: [[ScratchBuffer]]

    /// Scratch slots per worker (a layer may need four buffers at once: a oneDNN convolution's
    /// three reordered arguments and its working memory).
    static let slots = 4

    public init(threads: Int, training: Bool = false) {
        precondition(threads > 0, "Compute: threads must be positive")
        self.threads = threads
        self.training = training
        scratch = ScratchPool.take(workers: threads)
        OpenBLASRuntime.setThreads(1)
    }

    deinit { ScratchPool.give(scratch) }

    /// Floats of scratch memory private to `worker` (contents undefined; valid until the
    /// same worker asks for the same slot again).
    func scratch(worker: Int, slot: Int = 0, count: Int) -> UnsafeMutablePointer<Float> {
        scratch[worker][slot].floats(count)
    }

    /// Calls `body(item, worker)` for every item in `0..<items`, items handed out in
    /// increasing order to up to `threads` workers; returns when all are done.
    func parallel(_ items: Int, _ body: (_ item: Int, _ worker: Int) -> Void) {
        let workers = Swift.min(threads, items)
        if workers <= 1 {
            for item in 0..<items { body(item, 0) }
            return
        }
        withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                while true {
                    let item = next.add(1, ordering: .relaxed).oldValue
                    if item >= items { return }
                    body(item, worker)
                }
            }
        }
    }

    /// Splits `0..<count` into about `threads × 4` ranges and runs `body` on each in parallel.
    func parallelRanges(_ count: Int, minimum: Int = 16_384, _ body: (Range<Int>) -> Void) {
        let pieces = Swift.max(1, Swift.min(threads * 4, count / minimum))
        let size = (count + pieces - 1) / pieces
        parallel(pieces) { piece, _ in
            let start = piece * size
            if start < count { body(start ..< Swift.min(count, start + size)) }
        }
    }
}

/// Scratch buffers that outlive a `Compute`: each returns its workers' buffers here and the
/// next one takes them, so a large block (a oneDNN convolution's reordered copy of a 3-D tile
/// is hundreds of MiB) is not faulted in afresh for every image a command predicts. Computes
/// alive at the same time never share a buffer.
private enum ScratchPool {
    private static let free = Mutex<[[ScratchBuffer]]>([])

    /// Buffers for `workers` workers, `Compute.slots` each: returned ones first, largest first.
    static func take(workers: Int) -> [[ScratchBuffer]] {
        free.withLock { free in
            (0..<workers).map { _ in free.popLast() ?? (0..<Compute.slots).map { _ in ScratchBuffer() } }
        }
    }

    static func give(_ buffers: [[ScratchBuffer]]) {
        free.withLock { free in
            free.append(contentsOf: buffers)
            free.sort { $0.map(\.capacity).reduce(0, +) < $1.map(\.capacity).reduce(0, +) }
        }
    }
}

/// A grow-only, 64-byte aligned float buffer.
private final class ScratchBuffer: @unchecked Sendable {
    private var pointer: UnsafeMutablePointer<Float>?
    private(set) var capacity = 0

    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        if let pointer, count <= capacity { return pointer }
        pointer?.deallocate()
        capacity = Swift.max(count, capacity * 2)
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: capacity * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: capacity)
        pointer = fresh
        return fresh
    }

    deinit { pointer?.deallocate() }
}

import FluoCore
import Foundation
import Training

/// Training batches from pairs rendered while training runs, by background workers: no
/// dataset on disk.
///
/// The train split's samples are taken in order, cycling, as a sequence n = 0, 1, 2, … (n ↦
/// sample `trainIndices[n mod count]`). At step t the pool is the window of `poolSize` pairs
/// starting at s(t) = ⌊t·batch / reuse⌋, so on average every pair gives `reuse` patches before
/// it leaves the pool. Patch i of step t draws its pool slot, origin and augmentation from the
/// stream (seed, "batch", t, i), as `PatchSampler` does: a batch depends only on the seed and
/// the step, never on how fast the workers are, so a run can be resumed and repeated.
///
/// Workers start at the first batch's window, render ahead of the window (up to `poolSize`
/// pairs past its end) and drop pairs behind it; a step whose pairs are not ready waits for them.
final class StreamedPairs: BatchSource, @unchecked Sendable {
    let source: SpecPairs
    let trainIndices: [Int]
    let poolSize: Int
    let reuse: Int
    let patch: [Int]
    let augment: Bool
    let foregroundThreshold: Double

    private let condition = NSCondition()
    /// Samplers of rendered pairs by sequence position (each over its one pair).
    private var ready: [Int: PatchSampler] = [:]
    /// The window's first position, as the trainer last asked (−1 before the first batch, so
    /// that a resumed run renders nothing before its window).
    private var windowStart = -1
    /// The next position a worker will render.
    private var nextToRender = 0
    private var failure: Error?
    private var stopped = false
    private var withoutForeground = 0

    init(source: SpecPairs, trainIndices: [Int], poolSize: Int, reuse: Int, patch: [Int], augment: Bool,
         foregroundThreshold: Double, workers: Int) {
        self.source = source
        self.trainIndices = trainIndices
        self.poolSize = Swift.max(1, Swift.min(poolSize, trainIndices.count))
        self.reuse = Swift.max(1, reuse)
        self.patch = patch
        self.augment = augment
        self.foregroundThreshold = foregroundThreshold
        for _ in 0..<Swift.max(1, workers) {
            let thread = Thread { self.work() }
            thread.name = "fluosynth-stream"
            thread.start()
        }
    }

    /// The first position of the window at `step` for batches of `batchSize`.
    func windowStart(step: Int, batchSize: Int) -> Int { step * batchSize / reuse }

    func batch(step: Int, size: Int, stream: RandomStream, into tensors: (x: Tensor, y: Tensor)) throws {
        let start = windowStart(step: step, batchSize: size)
        moveWindow(to: start)
        let root = stream.substream("batch").substream(step)
        for i in 0..<size {
            var random = root.substream(i)
            let sampler = try pair(at: start + random.integer(below: poolSize))
            sampler.patch(of: 0, random: &random, into: tensors, slot: i)
        }
    }

    var pairsWithoutForeground: Int {
        condition.lock()
        defer { condition.unlock() }
        return withoutForeground
    }

    /// Stops the workers (after the pair each is rendering); they hold the source until then.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// Drops the pairs behind `start` and lets the workers render up to a pool past the window.
    private func moveWindow(to start: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard start > windowStart else { return }
        windowStart = start
        ready = ready.filter { $0.key >= start }
        nextToRender = Swift.max(nextToRender, start)
        condition.broadcast()
    }

    /// The sampler of position `position`, waiting for a worker to render it.
    private func pair(at position: Int) throws -> PatchSampler {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let sampler = ready[position] { return sampler }
            if let failure { throw failure }
            condition.wait()
        }
    }

    /// A worker: renders the next position while it lies within two pools of the window.
    private func work() {
        while true {
            condition.lock()
            while !stopped && failure == nil && (windowStart < 0 || nextToRender >= windowStart + 2 * poolSize) { condition.wait() }
            if stopped || failure != nil {
                condition.unlock()
                return
            }
            let position = nextToRender
            nextToRender += 1
            condition.unlock()

            let rendered = Result { () throws -> PatchSampler in
                let pair = try source.pair(trainIndices[position % trainIndices.count])
                return try PatchSampler(data: TrainingData(pairs: [pair], wholeImages: true, description: pair.name), patch: patch,
                                        augment: augment, foregroundThreshold: foregroundThreshold)
            }
            condition.lock()
            switch rendered {
            case let .success(sampler) where position >= windowStart:
                ready[position] = sampler
                withoutForeground += sampler.pairsWithoutForeground
            case .success:
                break
            case let .failure(error):
                failure = error
            }
            condition.broadcast()
            condition.unlock()
        }
    }
}

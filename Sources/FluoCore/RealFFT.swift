import CFFTW
import Foundation

/// A real-to-complex FFT of one shape (rank 1–3) through FFTW's single-precision planner.
///
/// Plans are made once per (shape, threads, rigor) and cached process-wide; executing a
/// plan is thread-safe, so one plan serves every thread, each with its own `FFTBuffer`s.
/// The spectrum is the non-redundant half along the last axis (`n/2 + 1` entries) stored as
/// interleaved (re, im) `Float` pairs. Neither direction normalises: `inverse(forward(x))`
/// is `x` times `realCount`.
public final class RealFFT: @unchecked Sendable {
    /// How hard FFTW searches for a fast plan.
    public enum Rigor: Sendable, Hashable {
        /// Heuristic plan, made instantly (FFTW_ESTIMATE).
        case estimate
        /// Timed plan (FFTW_MEASURE): seconds for large 3-D shapes, often faster transforms.
        case measure
    }

    /// Real-space shape, row-major, last axis fastest.
    public let shape: [Int]
    /// Number of real samples.
    public let realCount: Int
    /// Number of complex spectrum entries (`realCount / n_last * (n_last / 2 + 1)`).
    public let complexCount: Int
    private let forwardPlan: OpaquePointer
    private let inversePlan: OpaquePointer

    private init(shape: [Int], threads: Int, rigor: Rigor) {
        FFTWSetup.ensure()
        self.shape = shape
        realCount = shape.reduce(1, *)
        complexCount = realCount / shape[shape.count - 1] * (shape[shape.count - 1] / 2 + 1)
        let real = fftwf_alloc_real(realCount)!
        let spectrum = fftwf_alloc_complex(complexCount)!
        defer {
            fftwf_free(real)
            fftwf_free(spectrum)
        }
        let dims = shape.map { Int32($0) }
        let flags = rigor == .measure ? FFTW_MEASURE : FFTW_ESTIMATE
        (forwardPlan, inversePlan) = FFTWSetup.withPlannerLock {
            fftwf_plan_with_nthreads(Int32(Swift.max(1, threads)))
            let forward = fftwf_plan_dft_r2c(Int32(dims.count), dims, real, spectrum, flags)!
            let inverse = fftwf_plan_dft_c2r(Int32(dims.count), dims, spectrum, real, flags)!
            return (forward, inverse)
        }
    }

    deinit {
        FFTWSetup.withPlannerLock {
            fftwf_destroy_plan(forwardPlan)
            fftwf_destroy_plan(inversePlan)
        }
    }

    /// The cached plan for `shape`.
    public static func plan(shape: [Int], threads: Int = 1, rigor: Rigor = .estimate) -> RealFFT {
        precondition((1...3).contains(shape.count) && shape.allSatisfy { $0 > 0 }, "RealFFT: bad shape \(shape)")
        return PlanCache.shared.plan(PlanKey(shape: shape, threads: Swift.max(1, threads), rigor: rigor)) {
            RealFFT(shape: shape, threads: threads, rigor: rigor)
        }
    }

    /// A buffer that can hold either the real data or the spectrum of this shape.
    public func makeBuffer() -> FFTBuffer { FFTBuffer(floats: 2 * complexCount) }

    /// Forward transform of `real` (`realCount` floats) into `spectrum` (`2·complexCount`
    /// floats). Both must come from `FFTBuffer` (FFTW's alignment); `real` is preserved.
    public func forward(_ real: UnsafeMutablePointer<Float>, _ spectrum: UnsafeMutablePointer<Float>) {
        spectrum.withMemoryRebound(to: fftwf_complex.self, capacity: complexCount) {
            fftwf_execute_dft_r2c(forwardPlan, real, $0)
        }
    }

    /// Inverse (unnormalised) transform of `spectrum` into `real`; `spectrum` is overwritten.
    public func inverse(_ spectrum: UnsafeMutablePointer<Float>, _ real: UnsafeMutablePointer<Float>) {
        spectrum.withMemoryRebound(to: fftwf_complex.self, capacity: complexCount) {
            fftwf_execute_dft_c2r(inversePlan, $0, real)
        }
    }

    /// The next length ≥ `n` whose only prime factors are 2, 3 and 5, scipy's `next_fast_len`
    /// for real transforms. Factors of 7 are left out: FFTW's real transforms of 63×192×192
    /// take 1.5–2 times as long as of 64×192×192, and of 175² twice as long as of 180²
    /// (measured on this project's CI machine, FFTW 3.3.10, FFTW_ESTIMATE).
    public static func fastLength(atLeast n: Int) -> Int {
        var candidate = Swift.max(1, n)
        while true {
            var rest = candidate
            for prime in [2, 3, 5] { while rest % prime == 0 { rest /= prime } }
            if rest == 1 { return candidate }
            candidate += 1
        }
    }
}

/// A block of floats allocated with FFTW's SIMD alignment and freed with it.
public final class FFTBuffer: @unchecked Sendable {
    /// Start of the storage.
    public let pointer: UnsafeMutablePointer<Float>
    /// Number of floats.
    public let count: Int

    /// Zero-filled storage for `floats` floats.
    public init(floats: Int) {
        count = Swift.max(1, floats)
        pointer = fftwf_alloc_real(count)!
        pointer.initialize(repeating: 0, count: count)
    }

    deinit { fftwf_free(pointer) }

    /// The storage as a buffer pointer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }
}

/// Process-wide FFTW set-up: threads initialised and the planner made thread-safe before
/// any plan (FFTW's planner is not thread-safe by default; tests run in parallel).
private enum FFTWSetup {
    private static let initialised: Bool = {
        fftwf_init_threads()
        fftwf_make_planner_thread_safe()
        return true
    }()
    private static let lock = NSLock()

    static func ensure() { _ = initialised }

    /// Runs `body` while no other thread is planning (the thread count is planner state).
    static func withPlannerLock<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }
}

private struct PlanKey: Hashable {
    let shape: [Int]
    let threads: Int
    let rigor: RealFFT.Rigor
}

private final class PlanCache: @unchecked Sendable {
    static let shared = PlanCache()
    private let lock = NSLock()
    private var plans: [PlanKey: RealFFT] = [:]

    func plan(_ key: PlanKey, make: () -> RealFFT) -> RealFFT {
        lock.lock()
        defer { lock.unlock() }
        if let plan = plans[key] { return plan }
        let plan = make()
        plans[key] = plan
        return plan
    }
}

import COpenBLAS
import Foundation

/// The OpenBLAS library this process runs its matrix products on: which CPU kernels it
/// uses, how many threads it starts, and the correction for Debian's misdetection.
///
/// Debian's OpenBLAS 0.3.21 (built with DYNAMIC_ARCH) picks its kernels when the library is
/// loaded, from `OPENBLAS_CORETYPE` or from its own CPU detection. On the CPUs of this
/// project's machines that detection falls back to older kernels: "Prescott" (SSE3) on an
/// Emerald Rapids Intel CPU and "Haswell" (AVX2) on an AVX-512 AMD EPYC, losing 2-5× of
/// `sgemm` speed (measured: 67 and 200 GFLOP/s against 230-390 with SkylakeX kernels).
/// Because the choice is made before `main`, correcting it needs a re-exec with the
/// variable set (`RuntimeEnvironment.reexecIfNeeded`).
public enum OpenBLASRuntime {
    /// The kernel family OpenBLAS chose, e.g. "SkylakeX", "Haswell", "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64".
    public static var configuration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config)
    }

    /// Sets the number of threads OpenBLAS uses inside one call.
    ///
    /// The training code runs every matrix product on one OpenBLAS thread and parallelises
    /// over samples and image chunks itself (so the non-product work is parallel too and the
    /// results do not depend on the thread count); `Compute` sets this to 1.
    public static func setThreads(_ count: Int) {
        openblas_set_num_threads(Int32(count))
    }

    /// The best kernel family for a CPU with these `/proc/cpuinfo` flags, or `nil` when
    /// OpenBLAS's own detection cannot be improved on (no AVX2/FMA).
    ///
    /// SkylakeX kernels need AVX-512 F/BW/VL/DQ/CD; Haswell kernels AVX2 and FMA.
    public static func preferredCore(cpuFlags flags: Set<String>) -> String? {
        if ["avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512cd"].allSatisfy(flags.contains) { return "SkylakeX" }
        if flags.contains("avx2") && flags.contains("fma") { return "Haswell" }
        return nil
    }

    /// Whether `detected` is a weaker kernel family than `preferred` (the detection failed).
    public static func isWeaker(_ detected: String, than preferred: String) -> Bool {
        let avx512 = ["skylakex", "cooperlake", "sapphirerapids"]
        let avx2 = avx512 + ["haswell", "zen", "skylake"]
        let good = preferred == "SkylakeX" ? avx512 : avx2
        return !good.contains(detected.lowercased())
    }

    /// The best kernel family for the CPU this runs on (from `/proc/cpuinfo`), if known.
    static var preferredCoreForThisCPU: String? {
        guard let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) else { return nil }
        return preferredCore(cpuFlags: Set(line.split(separator: " ").map(String.init)))
    }

    /// The `OPENBLAS_CORETYPE` this process should run with when OpenBLAS runs weaker kernels
    /// than this CPU's best — because its own detection failed, or because the environment asks
    /// for them (`OPENBLAS_CORETYPE=Haswell`, set globally on some machines, costs an AVX-512
    /// CPU about a third of training speed) — with a line for standard error when a setting is
    /// replaced. A program cannot tell a deliberate setting from an inherited one, so a weaker
    /// setting is replaced; `FLUOSYNTH_KEEP_OPENBLAS_CORETYPE=1` keeps it. `nil` when the kernels
    /// are the best already, or when OpenBLAS ignored the variable on a previous re-exec (it then
    /// equals the preferred family). Applied by `RuntimeEnvironment.reexecIfNeeded`.
    static func coreTypeCorrection() -> (value: String, notice: String?)? {
        let requested = getenv("OPENBLAS_CORETYPE").map { String(cString: $0) }
        guard getenv("FLUOSYNTH_KEEP_OPENBLAS_CORETYPE") == nil,
              let preferred = preferredCoreForThisCPU, requested != preferred,
              isWeaker(coreName, than: preferred) else { return nil }
        return (preferred, requested.map {
            "OPENBLAS_CORETYPE=\($0) selects weaker kernels than this CPU runs: using \(preferred) (FLUOSYNTH_KEEP_OPENBLAS_CORETYPE=1 keeps the setting)"
        })
    }
}

/// Single-precision matrix products through OpenBLAS (row-major `cblas_sgemm`).
enum BLAS {
    /// C ← α·op(A)·op(B) + β·C with op(A) m×k and op(B) k×n, all row-major with leading
    /// dimensions `lda`, `ldb`, `ldc`.
    @inline(__always)
    static func gemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

extension OpenBLASRuntime {
    /// C (m×n) = A (m×k) · B (k×n), row-major, on the threads set with `setThreads` (for benchmarks).
    public static func sgemm(m: Int, n: Int, k: Int, a: [Float], b: [Float], c: inout [Float]) {
        precondition(a.count >= m * k && b.count >= k * n && c.count >= m * n, "sgemm: arrays too small")
        BLAS.gemm(m: m, n: n, k: k, a: a, lda: k, b: b, ldb: n, beta: 0, c: &c, ldc: n)
    }
}

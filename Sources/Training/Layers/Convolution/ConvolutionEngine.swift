extension Convolution {
    /// The code a convolution's products run on.
    public enum Engine: String, CaseIterable, Sendable {
        /// Winograd's F(2×2, 3×3) on OpenBLAS (2-D 3×3 and 5×5 kernels only).
        case winograd
        /// oneDNN's direct convolution on channel-blocked layouts.
        case oneDNN = "onednn"
        /// im2col (or row shifts) and OpenBLAS's sgemm.
        case unfolded

        /// The fastest engine for a kernel, by `fluobench layers` and `fluobench training`
        /// (BENCHMARKS.md, "Convolution engines"): 1×1 kernels unfolded (a plain matrix
        /// product); 2-D 3×3 kernels Winograd; every other kernel oneDNN (2-D 5×5 and 3-D
        /// included).
        public static func preferred(kernelSize: [Int]) -> Engine {
            if kernelSize.reduce(1, *) == 1 { return .unfolded }
            return kernelSize == [3, 3] ? .winograd : .oneDNN
        }

        /// Whether a kernel of this size can run on this engine.
        public func supports(kernelSize: [Int]) -> Bool {
            self != .winograd || WinogradKernel(kernelSize: kernelSize) != nil
        }
    }
}

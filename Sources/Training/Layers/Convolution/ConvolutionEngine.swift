extension Convolution {
    /// The code a convolution's products run on.
    public enum Engine: String, CaseIterable, Sendable {
        /// Winograd's F(2×2, 3×3) on OpenBLAS (2-D 3×3 and 5×5 kernels only).
        case winograd
        /// oneDNN's direct convolution on channel-blocked layouts.
        case oneDNN = "onednn"
        /// im2col (or row shifts) and OpenBLAS's sgemm.
        case unfolded

        /// The fastest engine for a layer, by `fluobench layers` (BENCHMARKS.md, "Convolution
        /// engines"): 1×1 kernels unfolded (a plain matrix product); 2-D 3×3 kernels Winograd,
        /// except a first layer (one input channel, no input gradient); every other kernel oneDNN.
        public static func preferred(kernelSize: [Int], inChannels: Int) -> Engine {
            if kernelSize.reduce(1, *) == 1 { return .unfolded }
            if kernelSize == [3, 3] && inChannels > 1 { return .winograd }
            return .oneDNN
        }

        /// Whether a kernel of this size can run on this engine.
        public func supports(kernelSize: [Int]) -> Bool {
            self != .winograd || WinogradKernel(kernelSize: kernelSize) != nil
        }
    }
}

extension Convolution {
    /// The code a convolution's products run on.
    public enum Engine: String, CaseIterable, Sendable {
        /// Winograd's F(2×2, 3×3) on OpenBLAS (2-D 3×3 and 5×5 kernels only).
        case winograd
        /// oneDNN's direct convolution on channel-blocked layouts.
        case oneDNN = "onednn"
        /// im2col (or row shifts) and OpenBLAS's sgemm.
        case unfolded

        /// The fastest engine for a layer, by measurement (BENCHMARKS.md, "Convolution engines"):
        /// 1×1 kernels unfolded (a plain matrix product); other 3-D kernels oneDNN (about twice
        /// the unfolded rate, per layer and in whole networks); 2-D 3×3 and 5×5 kernels Winograd
        /// (oneDNN matches it layer by layer at 5×5 but is slower in the whole network, most of
        /// all in prediction of large images); other 2-D kernels unfolded.
        public static func preferred(kernelSize: [Int]) -> Engine {
            if kernelSize.reduce(1, *) == 1 { return .unfolded }
            if kernelSize.count == 3 { return .oneDNN }
            return WinogradKernel(kernelSize: kernelSize) != nil ? .winograd : .unfolded
        }

        /// Whether a kernel of this size can run on this engine.
        public func supports(kernelSize: [Int]) -> Bool {
            self != .winograd || WinogradKernel(kernelSize: kernelSize) != nil
        }
    }
}

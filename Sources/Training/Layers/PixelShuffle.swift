/// Sub-pixel upsampling by r (W. Shi et al., CVPR 2016; TensorFlow's `depth_to_space`, ONNX's
/// DepthToSpace in DCR mode), 2-D: (n, C·r², H, W) → (n, C, r·H, r·W) with
///
///     y[c, r·h + i, r·w + j] = x[(i·r + j)·C + c, h, w],
///
/// the channel order TensorFlow uses, so Keras weights map one to one. Backward is the inverse
/// permutation.
public final class PixelShuffle: Layer {
    public let factor: Int
    private var output: Tensor?
    private var inputGradient: Tensor?

    public init(factor: Int) {
        precondition(factor >= 1, "PixelShuffle: factor must be positive")
        self.factor = factor
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let r = factor
        precondition(x.spatialRank == 2 && x.channels % (r * r) == 0, "PixelShuffle: input \(x.shape) is not 2-D with a multiple of \(r * r) channels")
        let y = Tensor.reusing(output, shape: [x.batch, x.channels / (r * r), x.shape[2] * r, x.shape[3] * r])
        output = y
        permute(x, y, compute, shuffle: true)
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        let r = factor
        let dx = Tensor.reusing(inputGradient, shape: [dy.batch, dy.channels * r * r, dy.shape[2] / r, dy.shape[3] / r])
        inputGradient = dx
        permute(dx, dy, compute, shuffle: false)
        return dx
    }

    /// Copies between the deep tensor `deep` (n, C·r², H, W) and the wide one `wide` (n, C, r·H, r·W):
    /// deep → wide when `shuffle`, else back.
    private func permute(_ deep: Tensor, _ wide: Tensor, _ compute: Compute, shuffle: Bool) {
        let r = factor, channels = wide.channels, height = deep.shape[2], width = deep.shape[3]
        compute.parallel(wide.batch * channels) { item, _ in
            let n = item / channels, c = item % channels
            let target = wide.sample(n) + c * height * r * width * r
            for i in 0..<r {
                for j in 0..<r {
                    let source = deep.sample(n) + ((i * r + j) * channels + c) * height * width
                    for h in 0..<height {
                        let row = target + (r * h + i) * width * r + j
                        let line = source + h * width
                        if shuffle {
                            for w in 0..<width { row[r * w] = line[w] }
                        } else {
                            for w in 0..<width { line[w] = row[r * w] }
                        }
                    }
                }
            }
        }
    }
}

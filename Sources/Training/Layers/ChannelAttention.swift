import FluoCore
import Foundation

/// RCAN's channel attention (Y. Zhang et al., ECCV 2018; 3D-RCAN, J. Chen et al., Nature
/// Methods 18, 678 (2021)): each channel scaled by a weight computed from all channels' means,
///
///     p_c = mean over the image of x_c,
///     z = ReLU(W₁ p + b₁)   (C/r values),   s = σ(W₂ z + b₂)   (C values),
///     y_c = s_c · x_c.
///
/// W₁ and W₂ are 1×1 convolutions on the pooled values (kept in the convolution layout
/// (out, in, 1, 1[, 1]) so Keras and ONNX weights map one to one). Backward, with P pixels:
/// ∂s_c = Σ ∂y_c·x_c, ∂a₂ = ∂s·s(1 − s), ∂z = W₂ᵀ∂a₂, ∂a₁ = ∂z·[z > 0], ∂p = W₁ᵀ∂a₁,
/// ∂x_c = ∂y_c·s_c + ∂p_c / P.
///
/// DFCAN pools another tensor d, the descriptor (features of x's spectrum), instead of x:
/// p_c = mean of d_c, and ∂d_c = ∂p_c / P is kept in `descriptorGradient`.
public final class ChannelAttention: Layer {
    public let channels: Int
    public let reducedChannels: Int
    /// (C/r, C, 1, 1[, 1]) and (C/r).
    public let squeezeWeight: Parameter, squeezeBias: Parameter
    /// (C, C/r, 1, 1[, 1]) and (C).
    public let exciteWeight: Parameter, exciteBias: Parameter

    private var input: Tensor?
    private var descriptor: Tensor?
    private var output: Tensor?
    private var inputGradient: Tensor?
    /// ∂L/∂d after `backward` when the descriptor was not the input.
    public private(set) var descriptorGradient: Tensor?
    /// Per sample: pooled means p (C), hidden z (C/r), weights s (C).
    private var pooled: [Float] = [], hidden: [Float] = [], weights: [Float] = []

    /// Glorot-uniform 1×1 kernels (Keras's default) drawn from `random`, zero biases.
    public init(name: String, channels: Int, reduction: Int, dimensions: Int, random: RandomStream) {
        precondition(channels >= reduction && reduction >= 1, "ChannelAttention: \(channels) channels cannot be reduced by \(reduction)")
        self.channels = channels
        reducedChannels = channels / reduction
        let ones = [Int](repeating: 1, count: dimensions)
        func glorot(_ out: Int, _ inp: Int, _ stream: String) -> [Float] {
            var random = random.substream(stream)
            let limit = (6.0 / Double(out + inp)).squareRoot()
            return (0..<(out * inp)).map { _ in Float(random.uniform(-limit, limit)) }
        }
        squeezeWeight = Parameter(name: name + ".squeeze.weight", shape: [reducedChannels, channels] + ones,
                                  value: glorot(reducedChannels, channels, "squeeze"))
        squeezeBias = Parameter(name: name + ".squeeze.bias", shape: [reducedChannels], value: Array(repeating: 0, count: reducedChannels))
        exciteWeight = Parameter(name: name + ".excite.weight", shape: [channels, reducedChannels] + ones,
                                 value: glorot(channels, reducedChannels, "excite"))
        exciteBias = Parameter(name: name + ".excite.bias", shape: [channels], value: Array(repeating: 0, count: channels))
    }

    public var parameters: [Parameter] { [squeezeWeight, squeezeBias, exciteWeight, exciteBias] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor { forward(x, descriptor: x, compute) }

    /// y = s ⊙ x with s from the channel means of `d` (same batch and channels as x).
    public func forward(_ x: Tensor, descriptor d: Tensor, _ compute: Compute) -> Tensor {
        precondition(x.channels == channels && d.channels == channels && d.batch == x.batch,
                     "ChannelAttention: input \(x.shape) or descriptor \(d.shape) does not have \(channels) channels")
        input = x
        descriptor = d
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        let n = x.batch, c = channels, r = reducedChannels, plane = x.spatialCount, descriptorPlane = d.spatialCount
        pooled = [Float](repeating: 0, count: n * c)
        pooled.withUnsafeMutableBufferPointer { pooled in
            nonisolated(unsafe) let pooled = pooled
            compute.parallel(n * c) { item, _ in
                pooled[item] = SIMDSum.sum(d.pointer + item * descriptorPlane, count: descriptorPlane) / Float(descriptorPlane)
            }
        }
        hidden = [Float](repeating: 0, count: n * r)
        weights = [Float](repeating: 0, count: n * c)
        for sample in 0..<n {
            for k in 0..<r {
                var a = squeezeBias.value[k]
                for i in 0..<c { a += squeezeWeight.value[k * c + i] * pooled[sample * c + i] }
                hidden[sample * r + k] = Swift.max(0, a)
            }
            for i in 0..<c {
                var a = exciteBias.value[i]
                for k in 0..<r { a += exciteWeight.value[i * r + k] * hidden[sample * r + k] }
                weights[sample * c + i] = 1 / (1 + expf(-a))
            }
        }
        weights.withUnsafeBufferPointer { weights in
            nonisolated(unsafe) let weights = weights
            compute.parallel(n * c) { item, _ in
                let source = x.pointer + item * plane, target = y.pointer + item * plane, s = weights[item]
                for p in 0..<plane { target[p] = source[p] * s }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let x = input, let d = descriptor else { preconditionFailure("ChannelAttention.backward before forward") }
        let n = x.batch, c = channels, r = reducedChannels, plane = x.spatialCount, descriptorPlane = d.spatialCount
        let separate = d !== x
        var weightGradient = [Float](repeating: 0, count: n * c)
        weightGradient.withUnsafeMutableBufferPointer { ds in
            nonisolated(unsafe) let ds = ds
            compute.parallel(n * c) { item, _ in
                ds[item] = SIMDSum.dot(dy.pointer + item * plane, x.pointer + item * plane, count: plane)
            }
        }
        var dW1 = [Float](repeating: 0, count: r * c), db1 = [Float](repeating: 0, count: r)
        var dW2 = [Float](repeating: 0, count: c * r), db2 = [Float](repeating: 0, count: c)
        var poolGradient = [Float](repeating: 0, count: n * c)
        for sample in 0..<n {
            let da2 = (0..<c).map { i in
                let s = weights[sample * c + i]
                return weightGradient[sample * c + i] * s * (1 - s)
            }
            var da1 = [Float](repeating: 0, count: r)
            for i in 0..<c {
                db2[i] += da2[i]
                for k in 0..<r {
                    dW2[i * r + k] += da2[i] * hidden[sample * r + k]
                    da1[k] += exciteWeight.value[i * r + k] * da2[i]
                }
            }
            for k in 0..<r {
                if hidden[sample * r + k] <= 0 { da1[k] = 0 }
                db1[k] += da1[k]
                for i in 0..<c {
                    dW1[k * c + i] += da1[k] * pooled[sample * c + i]
                    poolGradient[sample * c + i] += squeezeWeight.value[k * c + i] * da1[k]
                }
            }
        }
        squeezeWeight.gradient = dW1
        squeezeBias.gradient = db1
        exciteWeight.gradient = dW2
        exciteBias.gradient = db2
        let dx = Tensor.reusing(inputGradient, shape: x.shape)
        inputGradient = dx
        weights.withUnsafeBufferPointer { weights in
            poolGradient.withUnsafeBufferPointer { poolGradient in
                nonisolated(unsafe) let (weights, poolGradient) = (weights, poolGradient)
                compute.parallel(n * c) { item, _ in
                    let gradient = dy.pointer + item * plane, target = dx.pointer + item * plane
                    let s = weights[item], shift = separate ? 0 : poolGradient[item] / Float(plane)
                    for p in 0..<plane { target[p] = gradient[p] * s + shift }
                }
            }
        }
        if separate {
            let dd = Tensor.reusing(descriptorGradient, shape: d.shape)
            descriptorGradient = dd
            for item in 0..<(n * c) {
                (dd.pointer + item * descriptorPlane).update(repeating: poolGradient[item] / Float(descriptorPlane), count: descriptorPlane)
            }
        }
        return dx
    }
}

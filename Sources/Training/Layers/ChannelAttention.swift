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
///
/// With `layout` channels-last (RCAN between oneDNN's convolutions) the sums over pixels run
/// per chunk of `chunkPixels` pixels, all channels at once, and the chunks are added in order,
/// so the result does not depend on the thread count either.
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
    /// How x (and y, ∂y, ∂x) hold their channels; channels-last needs the descriptor to be x.
    public var layout = ChannelLayout.channelsFirst
    /// Pixels per partial sum in channels-last layout.
    static let chunkPixels = 4096

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

    /// y = s ⊙ x + r: the attention and a residual r of x's shape and layout in one pass (an
    /// RCAN block's skip). r's gradient is ∂y itself, so `backward` is unchanged.
    public func forward(_ x: Tensor, adding residual: Tensor, _ compute: Compute) -> Tensor {
        forward(x, descriptor: x, adding: residual, compute)
    }

    /// y = s ⊙ x (+ `residual`) with s from the channel means of `d` (same batch and channels as x).
    public func forward(_ x: Tensor, descriptor d: Tensor, adding residual: Tensor? = nil, _ compute: Compute) -> Tensor {
        precondition(residual.map { $0.shape == x.shape } ?? true, "ChannelAttention: residual \(residual!.shape) is not \(x.shape)")
        precondition(x.channels == channels && d.channels == channels && d.batch == x.batch,
                     "ChannelAttention: input \(x.shape) or descriptor \(d.shape) does not have \(channels) channels")
        precondition(layout == .channelsFirst || d === x, "ChannelAttention: a separate descriptor must be channels-first")
        input = x
        descriptor = d
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        let n = x.batch, c = channels, r = reducedChannels, plane = x.spatialCount, descriptorPlane = d.spatialCount
        if layout == .channelsLast {
            pooled = Self.channelSums(x.pointer, nil, batch: n, channels: c, plane: plane, compute).map { $0 / Float(plane) }
        } else {
            pooled = [Float](repeating: 0, count: n * c)
            pooled.withUnsafeMutableBufferPointer { pooled in
                nonisolated(unsafe) let pooled = pooled
                compute.parallel(n * c) { item, _ in
                    pooled[item] = SIMDSum.sum(d.pointer + item * descriptorPlane, count: descriptorPlane) / Float(descriptorPlane)
                }
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
        scale(x, by: weights, shift: nil, adding: residual, into: y, compute)
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let x = input, let d = descriptor else { preconditionFailure("ChannelAttention.backward before forward") }
        let n = x.batch, c = channels, r = reducedChannels, plane = x.spatialCount, descriptorPlane = d.spatialCount
        let separate = d !== x
        var weightGradient = [Float](repeating: 0, count: n * c)
        if layout == .channelsLast {
            weightGradient = Self.channelSums(dy.pointer, x.pointer, batch: n, channels: c, plane: plane, compute)
        } else {
            weightGradient.withUnsafeMutableBufferPointer { ds in
                nonisolated(unsafe) let ds = ds
                compute.parallel(n * c) { item, _ in
                    ds[item] = SIMDSum.dot(dy.pointer + item * plane, x.pointer + item * plane, count: plane)
                }
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
        scale(dy, by: weights, shift: separate ? nil : poolGradient.map { $0 / Float(plane) }, adding: nil, into: dx, compute)
        if separate {
            let dd = Tensor.reusing(descriptorGradient, shape: d.shape)
            descriptorGradient = dd
            for item in 0..<(n * c) {
                (dd.pointer + item * descriptorPlane).update(repeating: poolGradient[item] / Float(descriptorPlane), count: descriptorPlane)
            }
        }
        return dx
    }

    /// target[n, c, p] = source[n, c, p] · factor[n, c] (+ shift[n, c]) (+ residual[n, c, p]),
    /// in `layout`.
    private func scale(_ source: Tensor, by factor: [Float], shift: [Float]?, adding residual: Tensor?, into target: Tensor,
                       _ compute: Compute) {
        precondition(shift == nil || residual == nil, "ChannelAttention.scale: a shift or a residual, not both")
        let n = source.batch, c = channels, plane = source.spatialCount
        let shift = shift ?? [Float](repeating: 0, count: n * c)
        factor.withUnsafeBufferPointer { factor in
            shift.withUnsafeBufferPointer { shift in
                nonisolated(unsafe) let (factor, shift) = (factor.baseAddress!, shift.baseAddress!)
                if layout == .channelsLast {
                    let chunks = (plane + Self.chunkPixels - 1) / Self.chunkPixels, vectorEnd = c - c % 8
                    compute.parallel(n * chunks) { item, _ in
                        let sample = item / chunks, start = (item % chunks) * Self.chunkPixels
                        let f = factor + sample * c, b = shift + sample * c
                        for p in start..<Swift.min(plane, start + Self.chunkPixels) {
                            let offset = (sample * plane + p) * c
                            let from = UnsafePointer(source.pointer + offset), to = target.pointer + offset
                            // The addend: the residual's pixel, or the shift (the same for every pixel).
                            let a = residual.map { UnsafePointer($0.pointer + offset) } ?? b
                            for g in stride(from: 0, to: vectorEnd, by: 8) {
                                to.store(from.load(SIMD8<Float>.self, at: g) * f.load(SIMD8<Float>.self, at: g) + a.load(SIMD8<Float>.self, at: g), at: g)
                            }
                            for channel in vectorEnd..<c { to[channel] = from[channel] * f[channel] + a[channel] }
                        }
                    }
                } else {
                    compute.parallel(n * c) { item, _ in
                        let from = source.pointer + item * plane, to = target.pointer + item * plane
                        let f = factor[item], b = shift[item]
                        if let residual {
                            let r = residual.pointer + item * plane
                            for p in 0..<plane { to[p] = from[p] * f + r[p] }
                        } else {
                            for p in 0..<plane { to[p] = from[p] * f + b }
                        }
                    }
                }
            }
        }
    }

    /// Σ_p a[n, p, c] (· b[n, p, c]) per (n, c) of channels-last tensors: per chunk of
    /// `chunkPixels` pixels a partial sum (eight channels at a time in one register), then the
    /// chunks added in order.
    static func channelSums(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, batch n: Int, channels c: Int, plane: Int,
                            _ compute: Compute) -> [Float] {
        let chunks = (plane + chunkPixels - 1) / chunkPixels, vectorEnd = c - c % 8
        var partial = [Float](repeating: 0, count: n * chunks * c)
        partial.withUnsafeMutableBufferPointer { partial in
            nonisolated(unsafe) let partial = partial.baseAddress!
            compute.parallel(n * chunks) { item, _ in
                let sample = item / chunks, start = (item % chunks) * chunkPixels, sum = partial + item * c
                let pixels = start..<Swift.min(plane, start + chunkPixels)
                for g in stride(from: 0, to: vectorEnd, by: 8) {
                    var lanes = SIMD8<Float>.zero
                    for p in pixels {
                        let offset = (sample * plane + p) * c + g
                        if let b { lanes += a.load(SIMD8<Float>.self, at: offset) * b.load(SIMD8<Float>.self, at: offset) } else {
                            lanes += a.load(SIMD8<Float>.self, at: offset)
                        }
                    }
                    sum.store(lanes, at: g)
                }
                for channel in vectorEnd..<c {
                    var total: Float = 0
                    for p in pixels {
                        let offset = (sample * plane + p) * c + channel
                        total += a[offset] * (b?[offset] ?? 1)
                    }
                    sum[channel] = total
                }
            }
        }
        var total = [Float](repeating: 0, count: n * c)
        for sample in 0..<n {
            for chunk in 0..<chunks {
                for channel in 0..<c { total[sample * c + channel] += partial[(sample * chunks + chunk) * c + channel] }
            }
        }
        return total
    }
}

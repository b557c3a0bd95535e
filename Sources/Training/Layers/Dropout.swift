import FluoCore

/// Inverted dropout: in training, y = x·m/(1 − rate) with m ~ Bernoulli(1 − rate) per
/// element; identity at inference. ∂x = ∂y·m/(1 − rate).
///
/// The mask of sample n, channel c is drawn from the stream (`Compute.dropoutSeed`,
/// layer name, `Compute.step`, n·C + c), so it depends on neither thread count nor order.
public final class Dropout: Layer {
    public let rate: Double
    private let name: String
    private var mask: [Float] = []
    private var output: Tensor?
    private var inputGradient: Tensor?

    public init(name: String, rate: Double) {
        precondition((0..<1).contains(rate), "Dropout: rate must be in [0, 1), got \(rate)")
        self.rate = rate
        self.name = name
    }

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        guard compute.training, rate > 0 else {
            mask = []
            return x
        }
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        if mask.count != x.count { mask = [Float](repeating: 0, count: x.count) }
        let plane = x.spatialCount, keep = 1 - rate, scale = Float(1 / keep)
        let stream = RandomStream(seed: compute.dropoutSeed).substream(name).substream(compute.step)
        mask.withUnsafeMutableBufferPointer { mask in
            nonisolated(unsafe) let mask = mask
            compute.parallel(x.batch * x.channels) { planeIndex, _ in
                var random = stream.substream(planeIndex)
                for p in planeIndex * plane ..< (planeIndex + 1) * plane {
                    let m: Float = random.uniform() < keep ? scale : 0
                    mask[p] = m
                    y.pointer[p] = x.pointer[p] * m
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard !mask.isEmpty else { return dy }
        let dx = Tensor.reusing(inputGradient, shape: dy.shape)
        inputGradient = dx
        mask.withUnsafeBufferPointer { mask in
            nonisolated(unsafe) let mask = mask
            compute.parallelRanges(dy.count) { range in
                for p in range { dx.pointer[p] = dy.pointer[p] * mask[p] }
            }
        }
        return dx
    }
}

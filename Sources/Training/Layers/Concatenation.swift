/// Joins two tensors of equal batch and image size along the channel axis, `first` then
/// `second` (CARE's U-Net: the upsampled path, then the skip connection). The gradient is
/// split back into the two parts.
public final class Concatenation {
    private var output: Tensor?
    private var firstGradient: Tensor?
    private var secondGradient: Tensor?

    public init() {}

    public func forward(_ first: Tensor, _ second: Tensor, _ compute: Compute) -> Tensor {
        precondition(first.batch == second.batch && first.spatialShape == second.spatialShape,
                     "Concatenation: \(first.shape) and \(second.shape) differ outside the channel axis")
        let y = Tensor.reusing(output, shape: [first.batch, first.channels + second.channels] + first.spatialShape)
        output = y
        let a = first.sampleCount, b = second.sampleCount
        compute.parallel(first.batch * 2) { item, _ in
            let n = item / 2
            if item % 2 == 0 { y.sample(n).update(from: first.sample(n), count: a) }
            else { (y.sample(n) + a).update(from: second.sample(n), count: b) }
        }
        return y
    }

    /// ∂first and ∂second from ∂output.
    public func backward(_ dy: Tensor, firstChannels: Int, _ compute: Compute) -> (Tensor, Tensor) {
        let plane = dy.spatialCount
        let da = Tensor.reusing(firstGradient, shape: [dy.batch, firstChannels] + dy.spatialShape)
        let db = Tensor.reusing(secondGradient, shape: [dy.batch, dy.channels - firstChannels] + dy.spatialShape)
        firstGradient = da
        secondGradient = db
        let a = da.sampleCount, b = db.sampleCount
        precondition(a + b == dy.sampleCount && a == firstChannels * plane)
        compute.parallel(dy.batch * 2) { item, _ in
            let n = item / 2
            if item % 2 == 0 { da.sample(n).update(from: dy.sample(n), count: a) }
            else { db.sample(n).update(from: dy.sample(n) + a, count: b) }
        }
        return (da, db)
    }
}

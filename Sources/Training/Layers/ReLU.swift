/// Rectified linear unit, y = max(0, x), computed in place on its input; ∂x = ∂y · [y > 0],
/// also in place on the gradient it is given.
public final class ReLU: Layer {
    private var output: Tensor?

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let values = x.pointer
        compute.parallelRanges(x.count) { range in
            for i in range { values[i] = Swift.max(0, values[i]) }
        }
        output = x
        return x
    }

    /// Takes `y`, already rectified (by a convolution with `fusedReLU`), as this layer's output.
    public func adopt(_ y: Tensor) -> Tensor {
        output = y
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let y = output else { preconditionFailure("ReLU.backward before forward") }
        let gradient = dy.pointer, values = UnsafePointer(y.pointer)
        compute.parallelRanges(dy.count) { range in
            // SIMD selects: about half the signs are random, which defeats branch prediction.
            var i = range.lowerBound
            while i + 4 <= range.upperBound {
                let cut = values.load(at: i) .<= 0
                gradient.store(gradient.load(at: i).replacing(with: 0, where: cut), at: i)
                i += 4
            }
            while i < range.upperBound {
                if values[i] <= 0 { gradient[i] = 0 }
                i += 1
            }
        }
        return dy
    }
}

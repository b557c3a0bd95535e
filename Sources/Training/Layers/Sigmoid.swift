import Foundation

/// The logistic function y = 1 / (1 + e⁻ˣ), DFCAN's output activation; ∂x = ∂y · y(1 − y).
public final class Sigmoid: Layer {
    private var output: Tensor?
    private var inputGradient: Tensor?

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        compute.parallelRanges(x.count) { range in
            for i in range { y.pointer[i] = 1 / (1 + expf(-x.pointer[i])) }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let y = output else { preconditionFailure("Sigmoid.backward before forward") }
        let dx = Tensor.reusing(inputGradient, shape: y.shape)
        inputGradient = dx
        compute.parallelRanges(y.count) { range in
            for i in range { dx.pointer[i] = dy.pointer[i] * y.pointer[i] * (1 - y.pointer[i]) }
        }
        return dx
    }
}

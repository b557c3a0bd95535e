import Foundation

/// The scale activation of CARE's probabilistic head: y = softplus(x) + ε = log(1 + eˣ) + ε
/// with ε = 10⁻³ (so the Laplace scale is always positive); ∂x = ∂y · σ(x), σ the logistic
/// function. Computed as max(x, 0) + log1p(e^−|x|) to avoid overflow.
public final class Softplus: Layer {
    public static let epsilon: Float = 1e-3
    private var input: Tensor?
    private var output: Tensor?
    private var inputGradient: Tensor?

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        input = x
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        compute.parallelRanges(x.count) { range in
            for i in range {
                let v = x.pointer[i]
                y.pointer[i] = Swift.max(v, 0) + log1pf(expf(-abs(v))) + Self.epsilon
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let x = input else { preconditionFailure("Softplus.backward before forward") }
        let dx = Tensor.reusing(inputGradient, shape: dy.shape)
        inputGradient = dx
        compute.parallelRanges(dy.count) { range in
            for i in range { dx.pointer[i] = dy.pointer[i] / (1 + expf(-x.pointer[i])) }
        }
        return dx
    }
}

import Foundation

/// The Gaussian error linear unit in the tanh form DFCAN uses (D. Hendrycks and K. Gimpel,
/// arXiv:1606.08415; DL-SR's `gelu`):
///
///     y = ½x(1 + tanh u),   u = √(2/π)(x + 0.044715x³),
///     ∂y/∂x = ½(1 + tanh u) + ½x(1 − tanh²u)·√(2/π)(1 + 3·0.044715x²).
public final class GELU: Layer {
    private var input: Tensor?
    private var output: Tensor?
    private var inputGradient: Tensor?
    static let c = Float((2 / Double.pi).squareRoot()), cubic: Float = 0.044715

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        input = x
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        compute.parallelRanges(x.count) { range in
            for i in range {
                let v = x.pointer[i]
                y.pointer[i] = 0.5 * v * (1 + tanhf(GELU.c * (v + GELU.cubic * v * v * v)))
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let x = input else { preconditionFailure("GELU.backward before forward") }
        let dx = Tensor.reusing(inputGradient, shape: x.shape)
        inputGradient = dx
        compute.parallelRanges(x.count) { range in
            for i in range {
                let v = x.pointer[i]
                let t = tanhf(GELU.c * (v + GELU.cubic * v * v * v))
                let slope = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU.c * (1 + 3 * GELU.cubic * v * v)
                dx.pointer[i] = dy.pointer[i] * slope
            }
        }
        return dx
    }
}

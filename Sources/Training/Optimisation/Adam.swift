import Foundation

/// Adam (D. P. Kingma, J. Ba, ICLR 2015) as Keras implements it, CSBDeep's optimiser:
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², α_t = α·√(1 − β₂ᵗ)/(1 − β₁ᵗ),
/// θ ← θ − α_t·m/(√v + ε̂), with β₁ = 0.9, β₂ = 0.999, ε̂ = 10⁻⁷.
public struct Adam: Sendable {
    public var learningRate: Double
    public static let beta1: Float = 0.9
    public static let beta2: Float = 0.999
    public static let epsilon: Float = 1e-7
    /// Updates made so far (t).
    public var iterations: Int = 0
    /// First and second moments per trainable parameter, in `UNet.parameters` order.
    public var firstMoments: [[Float]] = []
    public var secondMoments: [[Float]] = []

    public init(learningRate: Double) { self.learningRate = learningRate }

    /// One update of every trainable parameter from its gradient.
    public mutating func step(_ parameters: [Parameter]) {
        let trainable = parameters.filter(\.trainable)
        if firstMoments.count != trainable.count {
            firstMoments = trainable.map { [Float](repeating: 0, count: $0.count) }
            secondMoments = firstMoments
        }
        iterations += 1
        let t = Double(iterations)
        let rate = Float(learningRate * (1 - Double(Adam.beta2).power(t)).squareRoot() / (1 - Double(Adam.beta1).power(t)))
        for (index, parameter) in trainable.enumerated() {
            let g = parameter.gradient
            firstMoments[index].withUnsafeMutableBufferPointer { m in
                secondMoments[index].withUnsafeMutableBufferPointer { v in
                    parameter.value.withUnsafeMutableBufferPointer { theta in
                        for i in 0..<theta.count {
                            m[i] = Adam.beta1 * m[i] + (1 - Adam.beta1) * g[i]
                            v[i] = Adam.beta2 * v[i] + (1 - Adam.beta2) * g[i] * g[i]
                            theta[i] -= rate * m[i] / (v[i].squareRoot() + Adam.epsilon)
                        }
                    }
                }
            }
        }
    }
}

private extension Double {
    func power(_ exponent: Double) -> Double { Foundation.pow(self, exponent) }
}

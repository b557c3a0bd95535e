import FluoCore
import Testing
@testable import Training

/// Central finite differences against the backward passes.
///
/// The scalar checked is L = Σ wᵢ·yᵢ with fixed random weights w (so ∂L/∂y = w), computed
/// in double precision; each sampled coordinate θ gets (L(θ + h) − L(θ − h)) / 2h. The error
/// reported is ‖numeric − analytic‖ / max(‖numeric‖, ‖analytic‖) over the sampled coordinates.
struct GradientCheck {
    var step: Float = 1e-2
    /// Coordinates sampled per checked array.
    var samples = 40
    var random = RandomStream(seed: 99)

    /// Random values in [low, high).
    static func values(_ count: Int, seed: UInt64, low: Float = -1, high: Float = 1) -> [Float] {
        var random = RandomStream(seed: seed)
        return (0..<count).map { _ in low + (high - low) * Float(random.uniform()) }
    }

    /// Distinct values ±(0.05 … 1) spaced 0.9/count apart in random order: no ties, nothing
    /// near 0 (for max-pooling and ReLU, whose gradients jump there).
    static func spacedValues(_ count: Int, seed: UInt64) -> [Float] {
        var random = RandomStream(seed: seed)
        var values: [Float] = (0..<count).map { i in
            let magnitude = 0.05 + 0.95 * Double(i) / Double(count)
            return Float(i % 2 == 0 ? magnitude : -magnitude)
        }
        for i in stride(from: count - 1, to: 0, by: -1) { values.swapAt(i, random.integer(below: i + 1)) }
        return values
    }

    /// Relative errors of ∂L/∂input and of each parameter's gradient for a layer.
    mutating func check(_ layer: Layer, input: [Float], shape: [Int], compute: Compute, checkInput: Bool = true) -> [String: Double] {
        let evaluate: ([Float]) -> (Tensor) = { values in layer.forward(Tensor(shape: shape, values: values), compute) }
        let output = evaluate(input)
        let weights = GradientCheck.values(output.count, seed: 7)
        func lossValue(_ values: [Float]) -> Double {
            let y = evaluate(values)
            var total = 0.0
            for i in 0..<y.count { total += Double(weights[i]) * Double(y.pointer[i]) }
            return total
        }
        _ = evaluate(input)
        let dx = layer.backward(Tensor(shape: output.shape, values: weights), compute).values
        let analytic = layer.parameters.filter(\.trainable).map { ($0, $0.gradient) }
        var errors: [String: Double] = [:]
        if checkInput {
            errors["input"] = compare(count: input.count, analytic: dx) { index, delta in
                var perturbed = input
                perturbed[index] += delta
                return lossValue(perturbed)
            }
        }
        for (parameter, gradient) in analytic {
            errors[parameter.name] = compare(count: parameter.count, analytic: gradient) { index, delta in
                let saved = parameter.value[index]
                parameter.value[index] = saved + delta
                defer { parameter.value[index] = saved }
                return lossValue(input)
            }
        }
        return errors
    }

    /// The relative error over `samples` random coordinates of a gradient.
    mutating func compare(count: Int, analytic: [Float], _ loss: (Int, Float) -> Double) -> Double {
        let indices = count <= samples ? Array(0..<count) : (0..<samples).map { _ in random.integer(below: count) }
        var difference = 0.0, numericNorm = 0.0, analyticNorm = 0.0
        for index in indices {
            let numeric = (loss(index, step) - loss(index, -step)) / Double(2 * step)
            let exact = Double(analytic[index])
            difference += (numeric - exact) * (numeric - exact)
            numericNorm += numeric * numeric
            analyticNorm += exact * exact
        }
        let scale = Swift.max(numericNorm, analyticNorm).squareRoot()
        return scale == 0 ? 0 : difference.squareRoot() / scale
    }

    /// The relative error of the derivative along the gradient's own direction v = g/‖g‖:
    /// numeric (L(θ + hv) − L(θ − hv))/2h against the analytic g·v = ‖g‖. By Cauchy–Schwarz the
    /// two agree only when the analytic gradient equals the true one, and the step moves L by
    /// h‖g‖, far above float32 rounding. `loss(v, h)` evaluates at θ + h·v.
    func directional(analytic: [Float], step: Float, _ loss: ([Float], Float) -> Double) -> Double {
        let norm = analytic.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        guard norm > 0 else { return 0 }
        let direction = analytic.map { Float(Double($0) / norm) }
        let numeric = (loss(direction, step) - loss(direction, -step)) / Double(2 * step)
        return abs(numeric - norm) / norm
    }

    /// Expects every parameter's gradient to match a central difference of `loss` along it
    /// (`directional`), with a step that moves the loss by about 3·10⁻⁵, far above float32
    /// rounding of the outputs, for small gradients (the attention's) too. Gradients below
    /// ~10⁻⁵ move the loss less than rounding resolves: for those the absolute error is bounded.
    func expectEveryParameter(_ parameters: [Parameter], loss: () -> Double) {
        for parameter in parameters {
            let analytic = parameter.gradient, saved = parameter.value
            let norm = analytic.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            let step = Float(Swift.min(1e-2, Swift.max(3e-4, 3e-5 / norm)))
            let error = directional(analytic: analytic, step: step) { direction, step in
                parameter.value = zip(saved, direction).map { $0 + step * $1 }
                defer { parameter.value = saved }
                return loss()
            }
            #expect(error < 1e-2 || error * norm < 1e-7, "\(parameter.name): relative error \(error) (gradient norm \(norm))")
        }
    }
}

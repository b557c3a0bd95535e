/// Batch normalisation per channel (S. Ioffe, C. Szegedy, ICML 2015), with Keras's
/// defaults (ε = 10⁻³, moving-average momentum 0.99).
///
/// Training: μ_c and σ²_c (biased) over batch and pixels, x̂ = (x − μ_c)/√(σ²_c + ε),
/// y = γ_c·x̂ + β_c, and the moving averages m ← 0.99·m + 0.01·μ, v ← 0.99·v + 0.01·σ²
/// (Keras uses the biased variance there too). Inference: μ, σ² are the moving averages.
/// Backward (training): ∂β = Σ∂y, ∂γ = Σ∂y·x̂, ∂x = γ/(N·√(σ²+ε)) · (N·∂y − ∂β − x̂·∂γ),
/// N = batch × pixels.
public final class BatchNormalization: Layer {
    public let gamma: Parameter
    public let beta: Parameter
    public let movingMean: Parameter
    public let movingVariance: Parameter
    public static let epsilon: Float = 1e-3
    public static let momentum: Float = 0.99

    private var normalized: Tensor?
    private var output: Tensor?
    private var inputGradient: Tensor?
    private var inverseDeviation: [Float] = []

    public init(name: String, channels: Int) {
        gamma = Parameter(name: name + ".gamma", shape: [channels], value: Array(repeating: 1, count: channels))
        beta = Parameter(name: name + ".beta", shape: [channels], value: Array(repeating: 0, count: channels))
        movingMean = Parameter(name: name + ".moving_mean", shape: [channels], value: Array(repeating: 0, count: channels), trainable: false)
        movingVariance = Parameter(name: name + ".moving_variance", shape: [channels], value: Array(repeating: 1, count: channels), trainable: false)
    }

    public var parameters: [Parameter] { [gamma, beta, movingMean, movingVariance] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let channels = x.channels, plane = x.spatialCount, batch = x.batch
        let xHat = Tensor.reusing(normalized, shape: x.shape), y = Tensor.reusing(output, shape: x.shape)
        normalized = xHat
        output = y
        var mean = movingMean.value, variance = movingVariance.value
        if compute.training {
            // Per channel: sums over samples in order, in double precision.
            var sums = [Double](repeating: 0, count: 2 * channels)
            sums.withUnsafeMutableBufferPointer { sums in
                nonisolated(unsafe) let sums = sums
                compute.parallel(channels) { c, _ in
                    var total = 0.0
                    for n in 0..<batch {
                        let line = x.sample(n) + c * plane
                        for p in 0..<plane { total += Double(line[p]) }
                    }
                    let mu = total / Double(batch * plane)
                    var squares = 0.0
                    for n in 0..<batch {
                        let line = x.sample(n) + c * plane
                        for p in 0..<plane { let d = Double(line[p]) - mu; squares += d * d }
                    }
                    sums[2 * c] = mu
                    sums[2 * c + 1] = squares / Double(batch * plane)
                }
            }
            for c in 0..<channels {
                mean[c] = Float(sums[2 * c])
                variance[c] = Float(sums[2 * c + 1])
                movingMean.value[c] = Self.momentum * movingMean.value[c] + (1 - Self.momentum) * mean[c]
                movingVariance.value[c] = Self.momentum * movingVariance.value[c] + (1 - Self.momentum) * variance[c]
            }
        }
        inverseDeviation = variance.map { 1 / ($0 + Self.epsilon).squareRoot() }
        let inverse = inverseDeviation, scale = gamma.value, shift = beta.value
        compute.parallel(batch * channels) { item, _ in
            let c = item % channels, offset = item * plane
            let mu = mean[c], s = inverse[c], g = scale[c], b = shift[c]
            for p in offset ..< offset + plane {
                let h = (x.pointer[p] - mu) * s
                xHat.pointer[p] = h
                y.pointer[p] = g * h + b
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let xHat = normalized else { preconditionFailure("BatchNormalization.backward before forward") }
        let channels = dy.channels, plane = dy.spatialCount, batch = dy.batch
        var sums = [Double](repeating: 0, count: 2 * channels)
        sums.withUnsafeMutableBufferPointer { sums in
            nonisolated(unsafe) let sums = sums
            compute.parallel(channels) { c, _ in
                var sumDy = 0.0, sumDyXHat = 0.0
                for n in 0..<batch {
                    let offset = (n * channels + c) * plane
                    for p in offset ..< offset + plane {
                        sumDy += Double(dy.pointer[p])
                        sumDyXHat += Double(dy.pointer[p] * xHat.pointer[p])
                    }
                }
                sums[2 * c] = sumDy
                sums[2 * c + 1] = sumDyXHat
            }
        }
        for c in 0..<channels {
            beta.gradient[c] = Float(sums[2 * c])
            gamma.gradient[c] = Float(sums[2 * c + 1])
        }
        let dx = Tensor.reusing(inputGradient, shape: dy.shape)
        inputGradient = dx
        let count = Float(batch * plane), inverse = inverseDeviation, scale = gamma.value
        let dBeta = beta.gradient, dGamma = gamma.gradient
        let training = compute.training
        compute.parallel(batch * channels) { item, _ in
            let c = item % channels, offset = item * plane
            let factor = scale[c] * inverse[c]
            if training {
                let k = factor / count
                for p in offset ..< offset + plane {
                    dx.pointer[p] = k * (count * dy.pointer[p] - dBeta[c] - xHat.pointer[p] * dGamma[c])
                }
            } else {
                for p in offset ..< offset + plane { dx.pointer[p] = factor * dy.pointer[p] }
            }
        }
        return dx
    }
}

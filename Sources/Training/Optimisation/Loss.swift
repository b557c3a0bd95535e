import Foundation

/// The training losses of CARE (CSBDeep `internals/losses.py`), averaged over all elements
/// (batch, channels, pixels), N of them:
/// - MAE: (1/N) Σ |μ − y|;  ∂μ = sign(μ − y)/N
/// - MSE: (1/N) Σ (μ − y)²;  ∂μ = 2(μ − y)/N
/// - Laplace negative log-likelihood, for probabilistic models with scale σ > 0:
///   (1/N) Σ |μ − y|/σ + log σ + log 2;  ∂μ = sign(μ − y)/(σN),  ∂σ = (1/σ − |μ − y|/σ²)/N
/// - MSE + 0.1·(1 − SSIM), DL-SR's loss for DFCAN: SSIM (`StructuralSimilarity`) averaged over
///   every 2-D plane (sample, channel, z), of prediction and target each min–max normalised over
///   the batch as DL-SR's `loss_mse_ssim` does, p̂ = (p − m)/(M − m). So the loss ignores the
///   output's offset and scale (a constant output scores badly, which keeps a sigmoid output
///   from settling on the dark background of sparse targets); the chain rule adds
///   −Σⱼ gⱼp̂ⱼ/(M − m) at the maximum and Σⱼ gⱼ(p̂ⱼ − 1)/(M − m) at the minimum to gⱼ/(M − m).
public enum LossKind: String, Codable, CaseIterable, Sendable {
    case mae, mse, laplace
    case mseSSIM = "mse-ssim"

    /// The weight of 1 − SSIM in `mseSSIM`.
    static let ssimWeight = 0.1

    /// Whether the loss needs the scale output.
    public var isProbabilistic: Bool { self == .laplace }
}

/// A loss with its gradient buffers (reused between steps).
public final class Loss {
    public let kind: LossKind
    private var meanGradient: Tensor?
    private var scaleGradient: Tensor?

    public init(_ kind: LossKind) { self.kind = kind }

    /// The loss of `mean` (and `scale`) against `target`, and its gradients.
    public func evaluate(mean: Tensor, scale: Tensor?, target: Tensor, _ compute: Compute) -> (value: Double, mean: Tensor, scale: Tensor?) {
        precondition(mean.shape == target.shape, "Loss: prediction \(mean.shape) and target \(target.shape) differ")
        precondition(kind.isProbabilistic == (scale != nil), "Loss: \(kind.rawValue) with\(scale == nil ? "out" : "") a scale output")
        if kind == .mseSSIM, let (normalized, low, high, lowIndex, highIndex) = Loss.minMaxNormalized(mean) {
            let (normalizedTarget, _, _, _, _) = Loss.minMaxNormalized(target) ?? (target, 0, 1, 0, 0)
            let (value, gradient, _) = pointwise(mean: normalized, scale: nil, target: normalizedTarget, compute)
            let width = high - low
            var atHigh = 0.0, atLow = 0.0
            for j in 0..<gradient.count {
                let g = Double(gradient.pointer[j]), q = Double(normalized.pointer[j])
                atHigh -= g * q
                atLow += g * (q - 1)
            }
            for j in 0..<gradient.count { gradient.pointer[j] /= width }
            gradient.pointer[highIndex] += Float(atHigh / Double(width))
            gradient.pointer[lowIndex] += Float(atLow / Double(width))
            return (value, gradient, nil)
        }
        return pointwise(mean: mean, scale: scale, target: target, compute)
    }

    /// (x − min)/(max − min) over the whole tensor with where the extremes are, or nil for a constant tensor.
    static func minMaxNormalized(_ x: Tensor) -> (Tensor, low: Float, high: Float, lowIndex: Int, highIndex: Int)? {
        var (low, high, lowIndex, highIndex) = (x.pointer[0], x.pointer[0], 0, 0)
        for i in 1..<x.count {
            if x.pointer[i] < low { (low, lowIndex) = (x.pointer[i], i) }
            if x.pointer[i] > high { (high, highIndex) = (x.pointer[i], i) }
        }
        guard high > low else { return nil }
        let result = Tensor(shape: x.shape)
        for i in 0..<x.count { result.pointer[i] = (x.pointer[i] - low) / (high - low) }
        return (result, low, high, lowIndex, highIndex)
    }

    /// The loss as a sum over elements (and SSIM over planes) and its gradients.
    private func pointwise(mean: Tensor, scale: Tensor?, target: Tensor, _ compute: Compute) -> (value: Double, mean: Tensor, scale: Tensor?) {
        let dMean = Tensor.reusing(meanGradient, shape: mean.shape)
        meanGradient = dMean
        let dScale = scale.map { Tensor.reusing(scaleGradient, shape: $0.shape) }
        scaleGradient = dScale
        let batch = mean.batch, perSample = mean.sampleCount
        let inverseCount = 1 / Float(mean.count)
        let kind = self.kind
        var sums = [Double](repeating: 0, count: batch)
        sums.withUnsafeMutableBufferPointer { sums in
            nonisolated(unsafe) let sums = sums
            compute.parallel(batch) { n, _ in
                let offset = n * perSample
                var total = 0.0
                for i in offset ..< offset + perSample {
                    let r = mean.pointer[i] - target.pointer[i]
                    switch kind {
                    case .mae:
                        total += Double(abs(r))
                        dMean.pointer[i] = r > 0 ? inverseCount : (r < 0 ? -inverseCount : 0)
                    case .mse, .mseSSIM:
                        total += Double(r * r)
                        dMean.pointer[i] = 2 * r * inverseCount
                    case .laplace:
                        let s = scale!.pointer[i], a = abs(r)
                        total += Double(a / s) + log(Double(s)) + M_LN2
                        dMean.pointer[i] = (r > 0 ? 1 : (r < 0 ? -1 : 0)) / s * inverseCount
                        dScale!.pointer[i] = (1 / s - a / (s * s)) * inverseCount
                    }
                }
                sums[n] = total
            }
        }
        var value = sums.reduce(0, +) / Double(mean.count)
        if kind == .mseSSIM { value += LossKind.ssimWeight * (1 - addStructuralSimilarity(mean, target, into: dMean, compute)) }
        return (value, dMean, dScale)
    }

    /// The mean SSIM over every 2-D plane of `mean` against `target`; adds
    /// −0.1·∂SSIM/∂mean to `gradient`.
    private func addStructuralSimilarity(_ mean: Tensor, _ target: Tensor, into gradient: Tensor, _ compute: Compute) -> Double {
        let height = mean.shape[mean.shape.count - 2], width = mean.shape[mean.shape.count - 1]
        let plane = height * width, planes = mean.count / plane
        let ssim = StructuralSimilarity(height: height, width: width)
        var values = [Double](repeating: 0, count: planes)
        let weight = LossKind.ssimWeight / Double(planes)
        values.withUnsafeMutableBufferPointer { values in
            nonisolated(unsafe) let values = values
            compute.parallel(planes) { index, _ in
                let offset = index * plane
                let (value, planeGradient) = ssim.evaluate(mean.pointer + offset, target.pointer + offset)
                values[index] = value
                for i in 0..<plane { gradient.pointer[offset + i] -= Float(weight * planeGradient[i]) }
            }
        }
        return values.reduce(0, +) / Double(planes)
    }
}

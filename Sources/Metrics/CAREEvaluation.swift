import FluoCore
import Foundation

/// Full-reference scores of a restoration the way CARE reports them (Weigert et al., Nat.
/// Methods 15, 1090 (2018); the protocol of the evaluation helper circulated with CSBDeep):
///
/// 1. the ground truth y is percentile-normalised, ŷ = (y − p₀.₁) / (p₉₉.₉ − p₀.₁ + 10⁻²⁰)
///    (CSBDeep `normalize(y, 0.1, 99.9, clip=False)`, NumPy's linear percentile interpolation);
/// 2. the prediction x is mapped onto ŷ by the least-squares affine map x̂ = αx + β,
///    α = cov(x, ŷ) / (var(x) + 10⁻¹⁰), β = mean(ŷ) − α·mean(x)
///    (CSBDeep `normalize_minmse`; of the two variants in circulation this one keeps the
///    intensity offset of ŷ, so SSIM's luminance term sees the ground truth's own mean; the
///    other, mean-subtracted variant gives the same MSE but a slightly different SSIM);
/// 3. on (ŷ, x̂), with the data range L = 1:
///    - NRMSE = √(mean (ŷ − x̂)²) (ŷ is already in units of its dynamic range, so the RMSE is
///      the normalised error; no further division),
///    - PSNR = 10·log₁₀(1 / MSE) dB,
///    - SSIM with a Gaussian window σ = 1.5 (Wang et al. 2004; `ImageMetrics.ssim`), in 3-D
///      for stacks of at least 11 planes and otherwise the mean over the z planes,
///    - MS-SSIM (`MultiScaleSSIM`, plane-wise for stacks).
///
/// Because x̂ depends on x only through the fit, every score is invariant to any affine change
/// a·x + b (a > 0) of the prediction: a network's arbitrary output scale does not matter.
public struct CAREEvaluation: Codable, Equatable, Sendable {
    /// Ground-truth percentiles (0–100) mapped to 0 and 1.
    public var lowPercentile: Double
    public var highPercentile: Double

    public init(lowPercentile: Double = 0.1, highPercentile: Double = 99.9) {
        self.lowPercentile = lowPercentile
        self.highPercentile = highPercentile
    }

    /// The four scores of one prediction.
    public struct Scores: Codable, Equatable, Sendable {
        public var nrmse: Double
        public var ssim: Double
        public var psnr: Double
        public var msSSIM: Double

        public init(nrmse: Double, ssim: Double, psnr: Double, msSSIM: Double) {
            self.nrmse = nrmse
            self.ssim = ssim
            self.psnr = psnr
            self.msSSIM = msSSIM
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case nrmse, ssim, psnr
            case msSSIM = "ms_ssim"
        }
    }

    /// Scores with what was fitted to get them.
    public struct Result: Codable, Equatable, Sendable {
        public var scores: Scores
        /// The affine map x̂ = αx + β of the prediction onto the normalised ground truth.
        public var alpha: Double
        public var beta: Double
        /// Number of MS-SSIM scales the image size allowed (5 from 161 pixels per side).
        public var msSSIMScales: Int
        /// 3 when SSIM used a 3-D window, 2 when it was computed plane by plane (or on an image).
        public var ssimDimensions: Int

        public enum CodingKeys: String, CodingKey {
            case scores, alpha, beta
            case msSSIMScales = "ms_ssim_scales"
            case ssimDimensions = "ssim_dimensions"
        }
    }

    /// The protocol's scores of `prediction` against `groundTruth` (same shape, 2-D or 3-D).
    public func evaluate(prediction: Volume, groundTruth: Volume) throws -> Result {
        guard prediction.shape == groundTruth.shape else {
            throw MetricsError.mismatch("prediction shape \(prediction.shape) differs from ground-truth shape \(groundTruth.shape)")
        }
        guard groundTruth.rank >= 2,
              groundTruth.shape.suffix(2).allSatisfy({ $0 >= MultiScaleSSIM.minimumSide }) else {
            throw MetricsError.tooSmall("SSIM needs images of at least \(MultiScaleSSIM.minimumSide) × \(MultiScaleSSIM.minimumSide) pixels, got shape \(groundTruth.shape)")
        }
        let target = try normalizedGroundTruth(groundTruth)
        let fit = CAREEvaluation.affineFit(prediction, to: target)
        let fitted = prediction.map { Float(fit.alpha * Double($0) + fit.beta) }
        let mse = ImageMetrics.mse(target.data, fitted.data)
        let ssim = CAREEvaluation.ssim(target, fitted)
        let msSSIM = try MultiScaleSSIM.compute(target, fitted, dataRange: 1)
        return Result(scores: Scores(nrmse: mse.squareRoot(), ssim: ssim.value, psnr: 10 * log10(1 / mse), msSSIM: msSSIM.value),
                      alpha: fit.alpha, beta: fit.beta, msSSIMScales: msSSIM.scales, ssimDimensions: ssim.dimensions)
    }

    /// Step 1: (y − p_low) / (p_high − p_low + 10⁻²⁰), unclipped. Throws for a ground truth
    /// whose percentiles coincide (no contrast to normalise).
    public func normalizedGroundTruth(_ groundTruth: Volume) throws -> Volume {
        let p = Percentile.values(groundTruth.data, [lowPercentile, highPercentile])
        guard p[1] > p[0] else {
            throw MetricsError.degenerate("the ground truth has no contrast: its \(lowPercentile) and \(highPercentile) percentiles are both \(p[0])")
        }
        let scale = 1 / (p[1] - p[0] + 1e-20)
        return groundTruth.map { Float((Double($0) - p[0]) * scale) }
    }

    /// Step 2: α = cov(x, t)/(var(x) + 10⁻¹⁰), β = mean(t) − α·mean(x), the least-squares
    /// affine map of `prediction` x onto `target` t (unbiased (co)variances, as `np.cov`).
    public static func affineFit(_ prediction: Volume, to target: Volume) -> (alpha: Double, beta: Double) {
        precondition(prediction.count == target.count && prediction.count > 1, "affineFit: sizes \(prediction.count) and \(target.count)")
        let meanX = prediction.mean(), meanT = target.mean()
        var sxx = 0.0, sxt = 0.0
        for i in 0..<prediction.count {
            let dx = Double(prediction.data[i]) - meanX
            sxx += dx * dx
            sxt += dx * (Double(target.data[i]) - meanT)
        }
        let n1 = Double(prediction.count - 1)
        let alpha = (sxt / n1) / (sxx / n1 + 1e-10)
        return (alpha, meanT - alpha * meanX)
    }

    /// SSIM (L = 1): 3-D window when the stack has the 11 planes it needs, else the plane mean.
    static func ssim(_ reference: Volume, _ test: Volume) -> (value: Double, dimensions: Int) {
        if reference.rank == 2 || reference.shape[0] >= MultiScaleSSIM.minimumSide {
            return (ImageMetrics.ssim(reference, test, dataRange: 1), reference.rank)
        }
        let total = (0..<reference.shape[0]).reduce(0.0) { sum, z in
            sum + ImageMetrics.ssim(reference.plane(z), test.plane(z), dataRange: 1)
        }
        return (total / Double(reference.shape[0]), 2)
    }
}

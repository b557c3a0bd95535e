import FluoCore
import Foundation

/// Full-reference image quality measures between a reference (ground truth) and a test
/// image of the same shape, 2-D or 3-D, computed in double precision.
///
/// `dataRange` L is the value range the images are measured on (1 for images normalised to
/// [0, 1]), as scikit-image's `data_range`.
public enum ImageMetrics {
    /// Mean squared error (1/N) Σ (t − r)².
    public static func mse(_ reference: [Float], _ test: [Float]) -> Double {
        precondition(reference.count == test.count && !reference.isEmpty, "mse: sizes \(reference.count) and \(test.count) differ")
        var total = 0.0
        for i in reference.indices { let d = Double(test[i]) - Double(reference[i]); total += d * d }
        return total / Double(reference.count)
    }

    /// Mean absolute error (1/N) Σ |t − r|.
    public static func mae(_ reference: [Float], _ test: [Float]) -> Double {
        precondition(reference.count == test.count && !reference.isEmpty, "mae: sizes \(reference.count) and \(test.count) differ")
        var total = 0.0
        for i in reference.indices { total += abs(Double(test[i]) - Double(reference[i])) }
        return total / Double(reference.count)
    }

    /// Peak signal-to-noise ratio in dB, 10·log₁₀(L² / MSE) (scikit-image `peak_signal_noise_ratio`).
    public static func psnr(_ reference: [Float], _ test: [Float], dataRange: Double) -> Double {
        10 * log10(dataRange * dataRange / mse(reference, test))
    }

    /// Normalised root-mean-square error √MSE / (max r − min r) (scikit-image
    /// `normalized_root_mse(..., normalization='min-max')`).
    public static func nrmse(_ reference: [Float], _ test: [Float]) -> Double {
        let low = reference.min()!, high = reference.max()!
        return mse(reference, test).squareRoot() / Double(high - low)
    }

    /// Mean structural similarity (Z. Wang, A. C. Bovik, H. R. Sheikh, E. P. Simoncelli, IEEE
    /// TIP 13, 600 (2004)) with a Gaussian window, σ = 1.5 (truncated at 3.5σ: radius 5):
    ///
    /// SSIM(p) = (2μᵣμₜ + C₁)(2σᵣₜ + C₂) / ((μᵣ² + μₜ² + C₁)(σᵣ² + σₜ² + C₂)),
    /// C₁ = (0.01 L)², C₂ = (0.03 L)², with μ, σ², σᵣₜ the Gaussian-weighted local means,
    /// (population) variances and covariance, averaged over all pixels at least the window
    /// radius from the border. Equal to scikit-image's `structural_similarity(r, t,
    /// data_range=L, gaussian_weights=True, sigma=1.5, use_sample_covariance=False)`; the image
    /// must be at least 11 pixels along every axis.
    public static func ssim(_ reference: [Float], _ test: [Float], shape: [Int], dataRange: Double) -> Double {
        precondition(reference.count == test.count && reference.count == shape.reduce(1, *), "ssim: sizes do not match shape \(shape)")
        return ssimStatistics(reference.map(Double.init), test.map(Double.init), shape: shape, dataRange: dataRange).ssim
    }

    /// The mean SSIM and the mean contrast–structure term
    /// cs(p) = (2σᵣₜ + C₂) / (σᵣ² + σₜ² + C₂) over the same pixels (the factor multi-scale SSIM
    /// uses at every scale but the coarsest), in double precision.
    static func ssimStatistics(_ r: [Double], _ t: [Double], shape: [Int], dataRange: Double) -> (ssim: Double, contrastStructure: Double) {
        let filter = GaussianFilter(sigma: 1.5)
        precondition(shape.allSatisfy { $0 >= 2 * filter.radius + 1 }, "ssim: every axis needs at least \(2 * filter.radius + 1) pixels, got \(shape)")
        let muR = filter.apply(r, shape: shape), muT = filter.apply(t, shape: shape)
        let rr = filter.apply(r.map { $0 * $0 }, shape: shape)
        let tt = filter.apply(t.map { $0 * $0 }, shape: shape)
        let rt = filter.apply(zip(r, t).map { $0 * $1 }, shape: shape)
        let c1 = (0.01 * dataRange) * (0.01 * dataRange), c2 = (0.03 * dataRange) * (0.03 * dataRange)
        let strides = Volume.strides(of: shape)
        var total = 0.0, totalCS = 0.0, count = 0
        for index in 0..<r.count {
            var inside = true
            for axis in 0..<shape.count {
                let coordinate = index / strides[axis] % shape[axis]
                if coordinate < filter.radius || coordinate >= shape[axis] - filter.radius { inside = false; break }
            }
            guard inside else { continue }
            let varR = rr[index] - muR[index] * muR[index], varT = tt[index] - muT[index] * muT[index]
            let cov = rt[index] - muR[index] * muT[index]
            let cs = (2 * cov + c2) / (varR + varT + c2)
            total += (2 * muR[index] * muT[index] + c1) / (muR[index] * muR[index] + muT[index] * muT[index] + c1) * cs
            totalCS += cs
            count += 1
        }
        return (total / Double(count), totalCS / Double(count))
    }

    /// SSIM of two volumes of the same shape.
    public static func ssim(_ reference: Volume, _ test: Volume, dataRange: Double) -> Double {
        precondition(reference.shape == test.shape, "ssim: shapes \(reference.shape) and \(test.shape) differ")
        return ssim(reference.data, test.data, shape: reference.shape, dataRange: dataRange)
    }

    /// PSNR of two volumes of the same shape.
    public static func psnr(_ reference: Volume, _ test: Volume, dataRange: Double) -> Double {
        precondition(reference.shape == test.shape, "psnr: shapes \(reference.shape) and \(test.shape) differ")
        return psnr(reference.data, test.data, dataRange: dataRange)
    }
}

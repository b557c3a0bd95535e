import FluoCore
import Foundation

/// Multi-scale structural similarity (Z. Wang, E. P. Simoncelli, A. C. Bovik, "Multiscale
/// structural similarity for image quality assessment", Proc. 37th Asilomar Conf. (2003),
/// following the authors' reference script `msssim.m`):
///
///     MS-SSIM = [l_M]^{w_M} · Π_{j=1…M} [cs_j]^{w_j}  =  SSIM_M^{w_M} · Π_{j<M} cs_j^{w_j},
///
/// w = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333) for M = 5 scales. Scale 1 is the image; scale
/// j + 1 is scale j averaged over 2×2 blocks and subsampled by 2 (an odd last row or column is
/// averaged with its mirror image, i.e. kept, so a side of n becomes ⌈n/2⌉). At each scale,
/// SSIM and cs = (2σᵣₜ + C₂)/(σᵣ² + σₜ² + C₂) are the means over the interior of Gaussian
/// windows (σ = 1.5, 11 × 11) as in `ImageMetrics.ssim`, so scale 1 alone is scikit-image's SSIM.
///
/// Conventions where the paper leaves a choice:
/// - **Small images**: every scale needs at least 11 pixels per side (the SSIM window). When an
///   image is too small for 5 scales, the first M that fit are used with their weights scaled
///   to sum to 1 (with all 5 the published weights are used unchanged); `Result.scales` says
///   how many. Values computed on different numbers of scales are not comparable.
/// - **Negative terms**: a cs or SSIM below zero (anti-correlated structure) is clamped to 0
///   before the fractional power, as TensorFlow's `ssim_multiscale` and pytorch-msssim do, so
///   MS-SSIM lies in [0, 1].
/// - **Stacks**: a 3-D volume is evaluated plane by plane (z planes are often few and coarser
///   than the lateral pixels, so halving z is not meaningful) and the plane values averaged.
public enum MultiScaleSSIM {
    /// Wang et al.'s weights for scales 1 (finest) to 5.
    public static let weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    /// The smallest side a scale may have: the SSIM window, 2·5 + 1.
    public static let minimumSide = 11

    /// MS-SSIM and the number of scales it used.
    public struct Result: Codable, Equatable, Sendable {
        public var value: Double
        public var scales: Int
    }

    /// Number of scales (at most 5) that an image of `height` × `width` allows; 0 when it is
    /// smaller than one SSIM window.
    public static func scaleCount(height: Int, width: Int) -> Int {
        var side = Swift.min(height, width), count = 0
        while side >= minimumSide && count < weights.count {
            count += 1
            side = (side + 1) / 2
        }
        return count
    }

    /// MS-SSIM of a 2-D image or (plane-wise) a 3-D stack; `dataRange` as in `ImageMetrics`.
    /// Throws when the planes are smaller than 11 × 11.
    public static func compute(_ reference: Volume, _ test: Volume, dataRange: Double) throws -> Result {
        guard reference.shape == test.shape else {
            throw MetricsError.mismatch("MS-SSIM needs images of one shape, got \(reference.shape) and \(test.shape)")
        }
        guard reference.rank >= 2 else { throw MetricsError.tooSmall("MS-SSIM needs a 2-D image or a 3-D stack, got shape \(reference.shape)") }
        let height = reference.shape[reference.rank - 2], width = reference.shape[reference.rank - 1]
        let scales = scaleCount(height: height, width: width)
        guard scales > 0 else {
            throw MetricsError.tooSmall("MS-SSIM needs planes of at least \(minimumSide) × \(minimumSide) pixels, got \(height) × \(width)")
        }
        let planeSize = height * width, planes = reference.count / planeSize
        var total = 0.0
        for plane in 0..<planes {
            let range = plane * planeSize ..< (plane + 1) * planeSize
            total += value(reference.data[range].map(Double.init), test.data[range].map(Double.init),
                           height: height, width: width, scales: scales, dataRange: dataRange)
        }
        return Result(value: total / Double(planes), scales: scales)
    }

    /// MS-SSIM of one plane over `scales` scales.
    static func value(_ reference: [Double], _ test: [Double], height: Int, width: Int, scales: Int, dataRange: Double) -> Double {
        // Fewer scales than five: their weights rescaled to sum to 1. All five: the published
        // weights as they are (they sum to 1.0001).
        let used = weights.prefix(scales), weightSum = scales < weights.count ? used.reduce(0, +) : 1
        var r = reference, t = test, shape = [height, width]
        var product = 1.0
        for (scale, weight) in used.enumerated() {
            let statistics = ImageMetrics.ssimStatistics(r, t, shape: shape, dataRange: dataRange)
            let term = scale == scales - 1 ? statistics.ssim : statistics.contrastStructure
            product *= pow(Swift.max(term, 0), weight / weightSum)
            if scale < scales - 1 {
                (r, _) = halve(r, shape: shape)
                (t, shape) = halve(t, shape: shape)
            }
        }
        return product
    }

    /// The 2×2 block average, subsampled by 2: out[i, j] = mean of in[2i + a, 2j + b], a, b ∈ {0, 1},
    /// with indices past the end mirrored (an odd last row or column is kept as is).
    static func halve(_ values: [Double], shape: [Int]) -> ([Double], [Int]) {
        let height = shape[0], width = shape[1]
        let outHeight = (height + 1) / 2, outWidth = (width + 1) / 2
        var out = [Double](repeating: 0, count: outHeight * outWidth)
        for i in 0..<outHeight {
            let y0 = 2 * i, y1 = Swift.min(2 * i + 1, height - 1)
            for j in 0..<outWidth {
                let x0 = 2 * j, x1 = Swift.min(2 * j + 1, width - 1)
                out[i * outWidth + j] = 0.25 * (values[y0 * width + x0] + values[y0 * width + x1]
                    + values[y1 * width + x0] + values[y1 * width + x1])
            }
        }
        return (out, [outHeight, outWidth])
    }
}

import FluoCore
import Foundation

/// Recorrupted-to-recorrupted pairs (Pang et al., CVPR 2021; as ZS-DeconvNet uses them): from
/// one noisy image y (ADU, on the camera's own pixels) two images whose noises are independent
/// of each other,
///
///     ŷ = y + α·σ·z,   ỹ = y − σ·z/α,   z ~ N(0, 1) per pixel,
///     σ² = slope·max(H₅(y) − O, 0) + σ_r²
///
/// with H₅ a 5×5 mean and (slope, O, σ_r²) the image's noise-level function from calibration.
/// The input ŷ carries (1 + α²)σ² of noise, the target ỹ (1 + 1/α²)σ², and their noises are
/// uncorrelated exactly when σ² is the true noise variance: a network trained to map ŷ onto
/// ỹ cannot learn to copy noise.
public struct Recorruption: Sendable {
    /// Noise-level function: variance = slope·(mean − offset) + readVariance (ADU, ADU²).
    public var slope: Double, offsetADU: Double, readVarianceADU: Double
    /// Range of α, drawn per pair (ZS-DeconvNet: [1, 2]).
    public var alpha: ClosedRange<Double>

    public init(slope: Double, offsetADU: Double, readVarianceADU: Double, alpha: ClosedRange<Double> = 1...2) {
        self.slope = slope
        self.offsetADU = offsetADU
        self.readVarianceADU = readVarianceADU
        self.alpha = alpha
    }

    /// The pair (ŷ, ỹ) for `image` (2-D).
    public func pair(_ image: Volume, stream: RandomStream) -> (input: Volume, target: Volume) {
        var random = stream
        let a = alpha.lowerBound + (alpha.upperBound - alpha.lowerBound) * random.uniform()
        let local = Recorruption.boxMean(image, radius: 2)
        var input = image, target = image
        for i in 0..<image.count {
            let variance = slope * Swift.max(Double(local[i]) - offsetADU, 0) + readVarianceADU
            let noise = Swift.max(variance, 0).squareRoot() * random.normal()
            input.data[i] += Float(a * noise)
            target.data[i] -= Float(noise / a)
        }
        return (input, target)
    }

    /// The (2r + 1)² box mean of a 2-D image (clamped at the borders).
    static func boxMean(_ image: Volume, radius r: Int) -> [Float] {
        let ny = image.shape[0], nx = image.shape[1]
        var out = [Float](repeating: 0, count: image.count)
        for y in 0..<ny {
            for x in 0..<nx {
                var sum: Float = 0, n: Float = 0
                for dy in -r...r {
                    let yy = Swift.min(Swift.max(y + dy, 0), ny - 1)
                    for dx in -r...r {
                        sum += image.data[yy * nx + Swift.min(Swift.max(x + dx, 0), nx - 1)]
                        n += 1
                    }
                }
                out[y * nx + x] = sum / n
            }
        }
        return out
    }
}

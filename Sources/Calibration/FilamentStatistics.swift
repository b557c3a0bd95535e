import FluoCore
import Foundation
import Metrics

/// Filaments in an image, found as ridges of its in-focus part (image − diffuse map) after
/// Gaussian smoothing with σ_s pixels:
///
/// - the Hessian's most negative eigenvalue λ at each pixel is the ridge strength −λ, kept
///   where it exceeds 4 standard deviations of the same filter applied to noise of the local
///   variance σ²(level) (the filter's noise gain measured on white noise);
/// - of those, a pixel is on the ridge line where the smoothed image S is above S one pixel
///   away along the eigenvector of λ on one side (bilinearly interpolated) and no lower on the
///   other (non-maximum suppression that keeps one of two equal pixels);
/// - the suppression leaves 4-connected ridge lines, |tₓ| + |t_y| pixels per pixel of length
///   (t the ridge's direction), so each ridge pixel stands for 1/(|tₓ| + |t_y|) of length.
///
/// Per ridge pixel, S and λ also give the width of the filament's profile: a Gaussian line of
/// standard deviation σ has S″/S = −1/σ² at its centre, so σ_t² = −S/λ and the line's own
/// σ² = σ_t² − σ_s². Widths are taken from the strongest quarter of the ridge pixels.
public struct FilamentStatistics: Sendable {
    /// Filament length per area (µm/µm²).
    public var densityPerUm: Double
    /// Total ridge length (µm).
    public var lengthUm: Double
    /// Quartiles of the in-focus signal at ridge centres (ADU above the diffuse map).
    public var peakQuartilesADU: [Double]
    /// Median Gaussian-equivalent σ of the filaments' cross-section (µm), from curvature.
    public var profileSigmaUm: Double
    /// Fraction of pixels whose in-focus signal exceeds 3 noise standard deviations.
    public var foregroundFraction: Double

    /// `smoothingPixels`: σ_s of the ridge filter.
    public init(_ image: Volume, diffuse: Volume, noise: CameraNoiseModel, smoothingPixels: Double = 1.5) throws {
        guard image.rank == 2, image.shape == diffuse.shape else {
            throw CalibrationError.mismatch("filament statistics need a 2-D image and a diffuse map of its shape, got \(image.shape) and \(diffuse.shape)")
        }
        let ny = image.shape[0], nx = image.shape[1], pixelUm = image.spacingUm[1]
        let sigmaUm = smoothingPixels * pixelUm
        let residual = Volume(shape: image.shape, spacingUm: image.spacingUm,
                              data: zip(image.data, diffuse.data).map { $0 - $1 })
        let smooth = GaussianFilter.smooth(residual, sigmaUm: [sigmaUm, sigmaUm])
        let hessian = Hessian(smooth)
        let noiseGain = FilamentStatistics.noiseGain(shape: image.shape, spacingUm: image.spacingUm, sigmaUm: sigmaUm)

        var length = 0.0, peaks: [Float] = [], widths: [(strength: Double, sigma2: Double)] = []
        var foreground = 0
        for i in 0..<image.count {
            let sd = noise.variance(atMean: Double(diffuse.data[i]) + Swift.max(Double(smooth.data[i]), 0)).squareRoot()
            if Double(residual.data[i]) > 3 * sd { foreground += 1 }
        }
        for y in 1..<(ny - 1) {
            for x in 1..<(nx - 1) {
                let i = y * nx + x
                let (lambda, normal) = hessian.ridge(i)
                let s = Double(smooth.data[i])
                let sd = noise.variance(atMean: Double(diffuse.data[i]) + Swift.max(s, 0)).squareRoot()
                guard -lambda > 4 * noiseGain * sd, s > 0 else { continue }
                let ahead = hessian.sample(y: Double(y) + normal.y, x: Double(x) + normal.x)
                let behind = hessian.sample(y: Double(y) - normal.y, x: Double(x) - normal.x)
                guard s > ahead, s >= behind else { continue }
                length += 1 / (abs(normal.x) + abs(normal.y))
                peaks.append(Float(s))
                widths.append((-lambda / sd, s / -lambda))
            }
        }
        guard peaks.count >= 20 else {
            throw CalibrationError.insufficientData("found \(peaks.count) ridge pixels; too few to measure filaments")
        }
        lengthUm = length * pixelUm
        densityPerUm = lengthUm / (Double(ny * nx) * pixelUm * pixelUm)
        peakQuartilesADU = Percentile.values(peaks, [25, 50, 75])
        let strongest = widths.sorted { $0.strength > $1.strength }.prefix(Swift.max(widths.count / 4, 10))
        let totalSigma2Px = RobustLine.median(strongest.map(\.sigma2))
        profileSigmaUm = Swift.max(totalSigma2Px - smoothingPixels * smoothingPixels, 0).squareRoot() * pixelUm
        foregroundFraction = Double(foreground) / Double(image.count)
    }

    /// Standard deviation of the most negative Hessian eigenvalue's filter (second derivative
    /// across the ridge) on unit white noise, measured on a noise image of the same grid.
    static func noiseGain(shape: [Int], spacingUm: [Double], sigmaUm: Double) -> Double {
        var random = RandomStream(seed: 0x5eed)
        let noise = Volume(shape: shape, spacingUm: spacingUm, data: (0..<shape.reduce(1, *)).map { _ in Float(random.normal()) })
        let hessian = Hessian(GaussianFilter.smooth(noise, sigmaUm: [sigmaUm, sigmaUm]))
        let nx = shape[1]
        var sum = 0.0, n = 0
        for y in stride(from: 4, to: shape[0] - 4, by: 1) {
            for x in 4..<(nx - 4) { sum += hessian.xx(y * nx + x) * hessian.xx(y * nx + x); n += 1 }
        }
        return (sum / Double(n)).squareRoot()
    }
}

/// Second differences of a 2-D image in pixel units, and the eigen-decomposition of the Hessian.
struct Hessian {
    let image: Volume
    let nx: Int

    init(_ image: Volume) {
        self.image = image
        nx = image.shape[1]
    }

    func xx(_ i: Int) -> Double { Double(image.data[i - 1] - 2 * image.data[i] + image.data[i + 1]) }
    func yy(_ i: Int) -> Double { Double(image.data[i - nx] - 2 * image.data[i] + image.data[i + nx]) }
    func xy(_ i: Int) -> Double {
        Double(image.data[i + nx + 1] - image.data[i + nx - 1] - image.data[i - nx + 1] + image.data[i - nx - 1]) / 4
    }

    /// The image at (y, x), bilinearly interpolated (clamped to the grid).
    func sample(y: Double, x: Double) -> Double {
        let ny = image.shape[0]
        let yc = Swift.min(Swift.max(y, 0), Double(ny - 1)), xc = Swift.min(Swift.max(x, 0), Double(nx - 1))
        let y0 = Swift.min(Int(yc), ny - 2), x0 = Swift.min(Int(xc), nx - 2)
        let fy = yc - Double(y0), fx = xc - Double(x0)
        let i = y0 * nx + x0
        let top = Double(image.data[i]) * (1 - fx) + Double(image.data[i + 1]) * fx
        let bottom = Double(image.data[i + nx]) * (1 - fx) + Double(image.data[i + nx + 1]) * fx
        return top * (1 - fy) + bottom * fy
    }

    /// The smaller eigenvalue and its unit eigenvector (y, x): across a bright ridge.
    func ridge(_ i: Int) -> (lambda: Double, normal: (y: Double, x: Double)) {
        let a = yy(i), b = xy(i), c = xx(i)
        let mean = (a + c) / 2, radius = (((a - c) / 2) * ((a - c) / 2) + b * b).squareRoot()
        let lambda = mean - radius
        // (A − λI)v = 0 with A = [[a, b], [b, c]] in (y, x) order.
        var vy = b, vx = lambda - a
        if abs(vy) + abs(vx) < 1e-12 { (vy, vx) = a <= c ? (1, 0) : (0, 1) }
        let norm = (vy * vy + vx * vx).squareRoot()
        return (lambda, (vy / norm, vx / norm))
    }
}

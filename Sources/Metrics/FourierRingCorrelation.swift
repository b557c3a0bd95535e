import FluoCore
import Foundation

/// Fourier ring correlation of two independent noisy images of one field (Saxton & Baumeister,
/// J. Microsc. 127, 127 (1982); for optical nanoscopy Nieuwenhuizen et al., Nat. Methods 10,
/// 557 (2013)):
///
///     FRC(q) = Σ_{k∈ring q} Re(F₁(k) F₂*(k)) / √(Σ_{ring q} |F₁|² · Σ_{ring q} |F₂|²),
///
/// rings one frequency step 1/(n·p) wide (n the shorter side) centred on q/(n·p), q = 0…n/2.
/// Both images are edge-apodised (`EdgeApodization`, 20 pixels) first so the borders' jump
/// under periodic extension does not correlate.
///
/// The resolution is 1/f where FRC first falls below the threshold after having been above it
/// (linear interpolation between rings; the zero-frequency ring is left out). Default threshold: the fixed 1/7 ≈ 0.143
/// of Nieuwenhuizen et al., the convention for two independent acquisitions in fluorescence
/// microscopy; the ½-bit curve of van Heel & Schatz (J. Struct. Biol. 151, 250 (2005)),
/// T(n_q) = (0.2071 + 1.9102/√n_q)/(1.2071 + 0.9102/√n_q) with n_q pixels in the ring, is the
/// alternative. The curve is not smoothed.
public struct FourierRingCorrelation: Codable, Equatable, Sendable {
    /// Which curve decides the resolution.
    public enum Threshold: String, Codable, CaseIterable, Sendable {
        case oneSeventh = "1/7"
        case halfBit = "half-bit"

        /// The threshold of a ring of `pixels` pixels.
        public func value(pixels: Double) -> Double {
            switch self {
            case .oneSeventh: return 1.0 / 7
            case .halfBit:
                let root = pixels.squareRoot()
                return (0.2071 + 1.9102 / root) / (1.2071 + 0.9102 / root)
            }
        }
    }

    /// Ring centres in cycles/µm.
    public var frequenciesPerUm: [Double]
    /// FRC per ring.
    public var correlation: [Double]
    /// Pixels per ring (the full plane).
    public var ringPixels: [Double]
    public var threshold: Threshold
    /// Where the curve first falls below the threshold, in µm (1/f); `nil` when it stays above
    /// up to Nyquist (resolution at most two pixels).
    public var resolutionUm: Double?

    public enum CodingKeys: String, CodingKey {
        case frequenciesPerUm = "frequencies_per_um"
        case correlation
        case ringPixels = "ring_pixels"
        case threshold
        case resolutionUm = "resolution_um"
    }

    /// The FRC of two 2-D images of one shape and spacing (`first`'s spacing is used).
    public init(_ first: Volume, _ second: Volume, threshold: Threshold = .oneSeventh) throws {
        guard first.shape == second.shape else {
            throw MetricsError.mismatch("FRC needs two images of one shape, got \(first.shape) and \(second.shape)")
        }
        guard first.rank == 2 else { throw MetricsError.mismatch("FRC needs 2-D images, got shape \(first.shape)") }
        guard first.shape.allSatisfy({ $0 >= 16 }) else {
            throw MetricsError.tooSmall("FRC needs at least 16 × 16 pixels, got \(first.shape)")
        }
        let a = HalfSpectrum(EdgeApodization.apply(first, width: 20))
        let b = HalfSpectrum(EdgeApodization.apply(second, width: 20))
        // Ring q holds the bins whose frequency rounds to q steps of 1/(n·p): radius·n/2.
        let rings = first.shape.min()! / 2 + 1
        let steps = Double(first.shape.min()!) / 2
        var cross = [Double](repeating: 0, count: rings), powerA = cross, powerB = cross, pixels = cross
        for k in a.radius.indices {
            let q = Int((a.radius[k] * steps).rounded())
            guard q < rings else { continue }
            let w = a.weight[k]
            cross[q] += w * (Double(a.values[2 * k]) * Double(b.values[2 * k]) + Double(a.values[2 * k + 1]) * Double(b.values[2 * k + 1]))
            powerA[q] += w * a.power(k)
            powerB[q] += w * b.power(k)
            pixels[q] += w
        }
        let step = 1 / (2 * a.pixelUm * steps)
        frequenciesPerUm = (0..<rings).map { Double($0) * step }
        correlation = (0..<rings).map { q in
            let norm = (powerA[q] * powerB[q]).squareRoot()
            return norm > 0 ? cross[q] / norm : 0
        }
        ringPixels = pixels
        self.threshold = threshold
        resolutionUm = nil
        // The first fall below the threshold after the curve has been above it (the ½-bit curve
        // starts near 1 in the innermost, few-pixel rings), interpolated between the rings.
        var seenAbove = false
        for q in 1..<rings {
            let excess = correlation[q] - threshold.value(pixels: pixels[q])
            if excess >= 0 {
                seenAbove = true
            } else if seenAbove {
                let before = correlation[q - 1] - threshold.value(pixels: pixels[q - 1])
                resolutionUm = 1 / ((Double(q - 1) + before / (before - excess)) * step)
                break
            }
        }
        guard seenAbove else {
            throw MetricsError.degenerate("the two images do not correlate above the \(threshold.rawValue) threshold at any frequency")
        }
    }
}

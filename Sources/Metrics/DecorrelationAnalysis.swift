import FluoCore
import Foundation

/// Resolution of a single image without ground truth by image decorrelation analysis
/// (A. Descloux, K. S. Grußmayer, A. Radenovic, "Parameter-free image resolution estimation
/// based on decorrelation analysis", Nat. Methods 16, 918 (2019)).
///
/// With I(k) the spectrum of the edge-apodised (20 pixels, `EdgeApodization`), standardised
/// image and Iₙ = I/|I| its phase alone, the decorrelation function is the Pearson correlation
/// of I with Iₙ restricted to the disc |k| < r (r in units of the Nyquist frequency, the zero
/// frequency left out):
///
///     d(r) = Σ_{0<|k|<r} Re(I·Iₙ*) / √(Σ_{|k|<1} |I|² · Σ_{0<|k|<r} |Iₙ|²)
///          = Σ_{0<|k|<r} |I(k)| / √(Σ_{|k|<1} |I|² · N(r)),    N(r) = bins in 0 < |k| < r.
///
/// Where the signal dominates, |I| is large and d grows with r; beyond the cut-off only noise
/// (flat |I|) is added and d falls: its local maximum sits at the highest frequency with
/// signal above noise, rᵢ, with amplitude Aᵢ (≈ the image's SNR). The same curve is computed
/// for Ng high-pass filtered versions I·(1 − exp(−2π²g²f²)) (the image minus its Gaussian blur of
/// σ = g pixels, f in cycles/pixel), g logarithmically spaced from 2/r₀ down to 0.15 pixels, r₀
/// the peak of the unfiltered curve; high-pass filtering moves the peak towards the true cut-off
/// for images with strong low frequencies. A second pass repeats this on a refined g range
/// (between the filters giving the largest rᵢ and the largest geometric mean √(rᵢAᵢ)) and a
/// refined radius range [r − 0.05, r + 0.3] around the latter, as the authors' `getDcorr.m`.
/// Peaks with Aᵢ < 0.05 are discarded; a peak must not be the last sample and must rise more than
/// 0.001 above every later value (the authors' `getDcorrMax`).
///
/// kc = the largest rᵢ of all curves (including the unfiltered one), and the resolution is
/// 2·p/kc (p the pixel size, 1/(2p) the Nyquist frequency).
///
/// Parameters: `radii` Nr = 50 radius samples per curve and `highPassFilters` Ng = 10 filters per
/// pass, the paper's defaults (it reports the estimate stable for Nr ≥ 30 and Ng ≥ 10).
public struct DecorrelationAnalysis: Codable, Equatable, Sendable {
    /// Nr: samples of r per decorrelation curve.
    public var radii: Int
    /// Ng: high-pass filtered curves per refinement pass.
    public var highPassFilters: Int
    /// Width of the edge apodisation in pixels.
    public var apodizationPixels: Int

    public init(radii: Int = 50, highPassFilters: Int = 10, apodizationPixels: Int = 20) {
        self.radii = radii
        self.highPassFilters = highPassFilters
        self.apodizationPixels = apodizationPixels
    }

    /// The estimate for one image.
    public struct Result: Codable, Equatable, Sendable {
        /// 2·p/kc in µm.
        public var resolutionUm: Double
        /// kc as a fraction of the Nyquist frequency.
        public var cutoff: Double
        /// Amplitude A₀ of the unfiltered curve's peak (the paper's SNR measure).
        public var amplitude: Double

        public enum CodingKeys: String, CodingKey {
            case resolutionUm = "resolution_um"
            case cutoff
            case amplitude
        }
    }

    /// Estimates the resolution of a 2-D image (its spacing gives the pixel size). Throws when
    /// no curve has a significant peak (a flat or pure-noise image).
    public func estimate(_ image: Volume) throws -> Result {
        guard image.rank == 2 else { throw MetricsError.mismatch("decorrelation analysis needs a 2-D image, got shape \(image.shape)") }
        guard image.shape.allSatisfy({ $0 >= 32 }) else {
            throw MetricsError.tooSmall("decorrelation analysis needs at least 32 × 32 pixels, got \(image.shape)")
        }
        precondition(radii >= 2 && highPassFilters >= 2, "DecorrelationAnalysis: needs Nr ≥ 2 and Ng ≥ 2")
        let spectrum = DecorrelationSpectrum(EdgeApodization.apply(standardised(image), width: apodizationPixels))

        let unitRange = DecorrelationAnalysis.linspace(0, 1, radii)
        let first = spectrum.peak(radii: unitRange, highPass: nil)
        var peaks = [first]
        var widths = DecorrelationAnalysis.logspace(first.radius > 0 ? 2 / first.radius : Double(image.shape.max()!) / 2,
                                                    0.15, highPassFilters)
        var radiusRange = unitRange
        for pass in 0..<2 {
            let found = widths.map { spectrum.peak(radii: radiusRange, highPass: $0) }
                .map { $0.amplitude < 0.05 ? DecorrelationSpectrum.Peak(radius: 0, amplitude: 0) : $0 }
            peaks += found
            guard pass == 0 else { break }
            // Refine between the filter with the highest cut-off and the one with the best
            // geometric mean √(r·A), and around the latter's cut-off.
            let geometric = found.map { ($0.radius * $0.amplitude).squareRoot() }
            let best = geometric.indices.max { geometric[$0] < geometric[$1] }!
            let highest = found.indices.max { found[$0].radius < found[$1].radius }!
            let low = Swift.min(best, highest)
            var high = Swift.max(best, highest)
            if low == 0 { high = 0 } else if high == widths.count - 1 { high = widths.count - 2 }
            widths = DecorrelationAnalysis.logspace(widths[low], widths[high + 1], highPassFilters)
            let centre = found[best].radius
            radiusRange = DecorrelationAnalysis.linspace(Swift.max(centre - 0.05, 0), Swift.min(centre + 0.3, 1), radii)
        }
        let significant = peaks.filter { $0.amplitude >= 0.05 && $0.radius > 0 }
        guard let cutoff = significant.map(\.radius).max() else {
            throw MetricsError.degenerate("decorrelation analysis found no significant peak (flat or pure-noise image)")
        }
        return Result(resolutionUm: 2 * spectrum.pixelUm / cutoff, cutoff: cutoff, amplitude: first.amplitude >= 0.05 ? first.amplitude : 0)
    }

    /// (x − mean)/sd.
    func standardised(_ image: Volume) -> Volume {
        let mean = image.mean()
        let variance = image.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(image.count)
        let scale = variance > 0 ? 1 / variance.squareRoot() : 1
        return image.map { Float((Double($0) - mean) * scale) }
    }

    /// `count` evenly spaced values from `a` to `b` inclusive.
    static func linspace(_ a: Double, _ b: Double, _ count: Int) -> [Double] {
        (0..<count).map { a + (b - a) * Double($0) / Double(count - 1) }
    }

    /// `count` values from `a` to `b` evenly spaced in log.
    static func logspace(_ a: Double, _ b: Double, _ count: Int) -> [Double] {
        linspace(log(a), log(b), count).map { exp($0) }
    }
}

/// An image spectrum sorted by radius with the running sums the decorrelation curves need.
struct DecorrelationSpectrum {
    struct Peak: Equatable {
        var radius: Double
        var amplitude: Double
    }

    /// Bins with |k| < 1 in order of radius: radius, |I|, multiplicity.
    private let radius: [Double]
    private let magnitude: [Double]
    private let weight: [Double]
    let pixelUm: Double

    init(_ image: Volume) {
        let half = HalfSpectrum(image)
        let inside = half.radius.indices.filter { half.radius[$0] < 1 }.sorted { half.radius[$0] < half.radius[$1] }
        radius = inside.map { half.radius[$0] }
        magnitude = inside.map { half.power($0).squareRoot() }
        weight = inside.map { half.weight[$0] }
        pixelUm = half.pixelUm
    }

    /// d(r) at `radii` (ascending) for the spectrum high-pass filtered by a Gaussian of `g`
    /// pixels (`nil`: unfiltered): numerator Σ_{0<ρ<r} H|I|, normalised by √(Σ_{ρ<1} H²|I|² · N(r)).
    func curve(radii: [Double], highPass g: Double?) -> [Double] {
        // H(ρ) = 1 − exp(−2π²g²f²) with f = ρ/2 cycles per pixel.
        let filter: (Double) -> Double = { rho in
            guard let g else { return 1 }
            return 1 - exp(-Double.pi * Double.pi * g * g * rho * rho / 2)
        }
        var total = 0.0
        let filtered = radius.indices.map { i -> Double in
            let value = filter(radius[i]) * magnitude[i]
            total += weight[i] * value * value
            return value
        }
        let norm = total.squareRoot()
        var result: [Double] = [], sum = 0.0, count = 0.0, index = 0
        for r in radii {
            while index < radius.count && radius[index] < r {
                if radius[index] > 0 {
                    sum += weight[index] * filtered[index]
                    count += weight[index]
                }
                index += 1
            }
            result.append(count > 0 && norm > 0 ? sum / (norm * count.squareRoot()) : 0)
        }
        return result
    }

    /// The significant local maximum of the curve at `radii`.
    func peak(radii: [Double], highPass g: Double?) -> Peak {
        let d = curve(radii: radii, highPass: g)
        guard let index = DecorrelationSpectrum.peakIndex(d) else { return Peak(radius: 0, amplitude: 0) }
        return Peak(radius: radii[index], amplitude: d[index])
    }

    /// Index of the highest sample that is not the last and exceeds every later sample by more
    /// than 0.001 (a maximum at the end of the range is no peak); `nil` when there is none.
    static func peakIndex(_ d: [Double]) -> Int? {
        guard d.count >= 2 else { return nil }
        var laterMinimum = [Double](repeating: .infinity, count: d.count)
        for i in stride(from: d.count - 2, through: 0, by: -1) { laterMinimum[i] = Swift.min(laterMinimum[i + 1], d[i + 1]) }
        var best: Int?
        for i in 0..<(d.count - 1) where d[i] - laterMinimum[i] > 0.001 {
            if best == nil || d[i] > d[best!] { best = i }
        }
        return best
    }
}

import FluoCore
import Foundation
import Metrics

/// The highest spatial frequency an image's optics pass, read off its radially averaged power
/// spectrum by fitting
///
///     P(k) = A·k^(−β)·|OTF(k/k_c)|² + N₀,
///     OTF(ρ) = (2/π)·(acos ρ − ρ·√(1 − ρ²)) for ρ < 1, 0 beyond,
///
/// the in-focus widefield OTF of a circular pupil with cut-off k_c = 2·NA/λ, a power-law
/// specimen spectrum (exponent β) and the flat floor N₀ of pixel-independent noise. A, N₀ are
/// fitted by least squares in relative error for each (k_c, β) on a grid; the pair with the
/// smallest squared log residual wins. The fitted cut-off against the nominal 2·NA/λ tells
/// whether the pixel size, NA or wavelength given is right: a cut-off clearly above nominal
/// is impossible (the pixel size given is too small, or the NA too low), one far below means
/// low signal, aberrations or a pixel size given too large.
public struct OpticalCutoff: Sendable {
    /// The image's spectrum (rings up to Nyquist).
    public var spectrum: RadialPowerSpectrum
    /// Fitted cut-off k_c in cycles/µm.
    public var cutoffPerUm: Double
    /// Fitted specimen exponent β.
    public var exponent: Double
    /// Fitted amplitude A and noise floor N₀ (in the spectrum's units).
    public var amplitude: Double, noiseFloor: Double
    /// Noise variance per pixel implied by N₀ (ADU²), through the apodisation window's power.
    public var noiseVariance: Double
    /// The nominal 2·NA/λ, if given.
    public var nominalCutoffPerUm: Double?

    /// Fits the spectrum of `image` (2-D) between the second ring and Nyquist.
    public init(_ image: Volume, nominalCutoffPerUm: Double? = nil) throws {
        guard image.rank == 2, image.shape.min()! >= 32 else {
            throw CalibrationError.insufficientData("the optical cut-off needs a 2-D image of at least 32×32 pixels, got \(image.shape)")
        }
        let mean = image.mean()
        let centred = Volume(shape: image.shape, spacingUm: image.spacingUm, data: image.data.map { $0 - Float(mean) })
        spectrum = RadialPowerSpectrum(centred)
        self.nominalCutoffPerUm = nominalCutoffPerUm
        let k = Array(spectrum.frequenciesPerUm.dropFirst(2)), p = Array(spectrum.power.dropFirst(2))
        let nyquist = spectrum.frequenciesPerUm.last!
        var best = (score: Double.infinity, kc: 0.0, beta: 0.0, a: 0.0, n0: 0.0)
        for kc in stride(from: 0.1 * nyquist, through: 1.6 * nyquist, by: 0.005 * nyquist) {
            for beta in stride(from: 0.0, through: 4.0, by: 0.1) {
                let shape = k.map { pow($0, -beta) * OpticalCutoff.otf($0 / kc) * OpticalCutoff.otf($0 / kc) }
                guard let (a, n0) = OpticalCutoff.linearFit(shape, p) else { continue }
                let score = zip(shape, p).reduce(0.0) { sum, sp in
                    let model = a * sp.0 + n0
                    return sum + (model > 0 ? pow(log(sp.1 / model), 2) : 1e6)
                }
                if score < best.score { best = (score, kc, beta, a, n0) }
            }
        }
        cutoffPerUm = best.kc
        exponent = best.beta
        amplitude = best.a
        noiseFloor = best.n0
        noiseVariance = best.n0 / (Double(image.count) * RadialPowerSpectrum.windowPower(shape: image.shape))
    }

    /// k_c / (2·NA/λ).
    public var ratioToNominal: Double? { nominalCutoffPerUm.map { cutoffPerUm / $0 } }

    /// The highest ring frequency where the fitted signal A·k^(−β)·|OTF|² still reaches the
    /// noise floor N₀: beyond it the spectrum is noise.
    public var signalLimitPerUm: Double {
        spectrum.frequenciesPerUm.dropFirst().last { k in
            let otf = OpticalCutoff.otf(k / cutoffPerUm)
            return amplitude * pow(k, -exponent) * otf * otf >= noiseFloor
        } ?? 0
    }

    /// Whether the signal stands above the noise up to 60 % of the fitted cut-off (where the OTF
    /// is down to a quarter), so the cut-off was seen rather than extrapolated from noise.
    public var isDetermined: Bool { signalLimitPerUm >= 0.6 * cutoffPerUm }

    /// A sentence on what the cut-off says about the optics and sampling given.
    public var diagnosis: String {
        guard isDetermined else {
            return String(format: "the spectrum sinks into noise at %.2f cycles/µm, before the optics' cut-off shows: "
                + "too little signal to check the NA, wavelength and pixel size", signalLimitPerUm)
        }
        guard let nominal = nominalCutoffPerUm, let ratio = ratioToNominal else {
            return String(format: "cut-off %.2f cycles/µm", cutoffPerUm)
        }
        let head = String(format: "cut-off %.2f cycles/µm against 2·NA/λ = %.2f (×%.2f)", cutoffPerUm, nominal, ratio)
        if ratio > 1.15 { return head + ": above what the optics can pass, so the pixel size given is too small (or the NA too low, the wavelength too long)" }
        if ratio < 0.6 { return head + ": far below the optics' limit: low signal, aberrations, defocus, or a pixel size given too large" }
        return head + ": consistent with the optics and pixel size given"
    }

    /// The in-focus widefield OTF of a circular pupil at ρ = k/k_c.
    public static func otf(_ rho: Double) -> Double {
        rho >= 1 ? 0 : 2 / Double.pi * (acos(rho) - rho * (1 - rho * rho).squareRoot())
    }

    /// A, N₀ ≥ 0 minimising Σ ((p − A·s − N₀)/p)².
    static func linearFit(_ s: [Double], _ p: [Double]) -> (Double, Double)? {
        var ss = 0.0, s1 = 0.0, w = 0.0, sp = 0.0, p1 = 0.0
        for i in s.indices where p[i] > 0 {
            let q = 1 / (p[i] * p[i])
            ss += q * s[i] * s[i]; s1 += q * s[i]; w += q; sp += q * s[i] * p[i]; p1 += q * p[i]
        }
        let det = ss * w - s1 * s1
        guard det > 0 else { return nil }
        var a = (sp * w - s1 * p1) / det, n0 = (ss * p1 - s1 * sp) / det
        if n0 < 0 { n0 = 0; a = sp / ss }
        if a < 0 { a = 0; n0 = p1 / w }
        return (a, n0)
    }
}

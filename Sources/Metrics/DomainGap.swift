import FluoCore
import Foundation

/// How far synthetic images are from a real one, in two numbers a user can read before
/// training (`fluosynth calibrate --compare`):
///
/// - spectrum distance: the RMS, over the real image's rings up to the coarser Nyquist
///   frequency, of log₁₀ P_real(k) − ⟨log₁₀ P_syn(k)⟩, with every spectrum relative to its
///   image's squared mean (`RadialPowerSpectrum.relativeToMean`, so brightness drops out) and
///   the synthetic ones interpolated onto the real rings: in decades, 0 for the same texture,
///   blur and noise;
/// - histogram distance: the Wasserstein-1 distance between the intensity distributions of
///   the images normalised as CSBDeep normalises a network's input (1st and 99.8th
///   percentiles to 0 and 1), the mean |difference| of 99 matching quantiles.
public struct DomainGap: Codable, Equatable, Sendable {
    public var spectrumDecades: Double
    public var histogramW1: Double

    /// `offset` is subtracted before the spectra are taken relative to the mean.
    public init(real: Volume, synthetic: [Volume], offset: Double = 0) {
        precondition(!synthetic.isEmpty && real.rank == 2 && synthetic.allSatisfy { $0.rank == 2 })
        func logSpectrum(_ image: Volume) -> (k: [Double], log: [Double]) {
            let shifted = image.map { $0 - Float(offset) }
            let spectrum = RadialPowerSpectrum(shifted)
            let relative = spectrum.relativeToMean
            return (Array(spectrum.frequenciesPerUm.dropFirst()), relative.dropFirst().map { log10(Swift.max($0, 1e-30)) })
        }
        let reference = logSpectrum(real)
        let others = synthetic.map(logSpectrum)
        let limit = others.map { $0.k.last! }.min()!
        var sum = 0.0, count = 0
        for (k, value) in zip(reference.k, reference.log) where k <= limit {
            let mean = others.reduce(0.0) { $0 + DomainGap.interpolate($1, at: k) } / Double(others.count)
            sum += (value - mean) * (value - mean)
            count += 1
        }
        spectrumDecades = count > 0 ? (sum / Double(count)).squareRoot() : .nan

        func quantiles(_ image: Volume) -> [Double] {
            let normalised = PercentileNormalization(low: 1, high: 99.8)
            let data = normalised.apply(image.data, range: normalised.range(of: image.data))
            return Percentile.values(data, (1...99).map(Double.init))
        }
        let realQuantiles = quantiles(real)
        let syntheticQuantiles = synthetic.map(quantiles)
        histogramW1 = (0..<99).reduce(0.0) { total, i in
            let mean = syntheticQuantiles.reduce(0.0) { $0 + $1[i] } / Double(synthetic.count)
            return total + abs(realQuantiles[i] - mean)
        } / 99
    }

    static func interpolate(_ curve: (k: [Double], log: [Double]), at k: Double) -> Double {
        guard let upper = curve.k.firstIndex(where: { $0 >= k }) else { return curve.log.last! }
        guard upper > 0 else { return curve.log[0] }
        let t = (k - curve.k[upper - 1]) / (curve.k[upper] - curve.k[upper - 1])
        return curve.log[upper - 1] + t * (curve.log[upper] - curve.log[upper - 1])
    }
}

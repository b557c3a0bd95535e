import FluoCore
import Foundation
import Imaging
import Metrics
import Testing

/// Decorrelation analysis on images whose resolution is known from the optics.
@Suite("Resolution estimates")
struct ResolutionTests {
    /// A random object (uniform white noise, every frequency present) imaged in focus by a
    /// Born–Wolf widefield PSF at 0.03 µm pixels (Nyquist λ/(4 NA) is 0.09 µm or more here), with
    /// Gaussian noise of 2 % of the image's mean.
    static func image(na: Double, wavelengthUm: Double = 0.52, seed: UInt64 = 1) throws -> Volume {
        let spacing = [0.03, 0.03], side = 256
        var random = RandomStream(seed: seed)
        let object = Volume(shape: [side, side], spacingUm: spacing, data: (0..<side * side).map { _ in Float(random.uniform()) })
        let psf = try BornWolfPSF(na: na, wavelengthUm: wavelengthUm, immersionIndex: 1.518).render(on: PSFGrid(shape: [65, 65], spacingUm: spacing))
        let blurred = try FFTConvolver(kernel: psf, imageShape: object.shape, boundary: .periodic).apply(object)
        let noise = 0.02 * blurred.mean()
        return blurred.map { $0 + Float(noise * random.normal()) }
    }

    /// The reference is the Abbe limit λ/(2 NA): the period of the widefield OTF's cut-off
    /// frequency 2 NA/λ, which is what decorrelation analysis estimates (the highest frequency
    /// with signal above noise) for an object with all frequencies. The lateral FWHM, 0.51 λ/NA,
    /// is within 3 % of it, so the choice hardly matters. The OTF falls to zero at the cut-off,
    /// so with noise the estimate lies somewhat above λ/(2 NA); 20 % is the allowed distance.
    @Test(arguments: [1.4, 0.8])
    func decorrelationFindsTheAbbeLimit(na: Double) throws {
        let abbeUm = 0.52 / (2 * na)
        let result = try DecorrelationAnalysis().estimate(try Self.image(na: na))
        #expect(abs(result.resolutionUm / abbeUm - 1) < 0.2, "NA \(na): \(result.resolutionUm) µm vs Abbe \(abbeUm) µm")
        #expect(result.amplitude > 0.05)
    }

    /// More blur (a lower NA) gives a coarser estimate.
    @Test func moreBlurGivesACoarserEstimate() throws {
        let sharp = try DecorrelationAnalysis().estimate(try Self.image(na: 1.4, seed: 2)).resolutionUm
        let medium = try DecorrelationAnalysis().estimate(try Self.image(na: 1.0, seed: 2)).resolutionUm
        let blurry = try DecorrelationAnalysis().estimate(try Self.image(na: 0.6, seed: 2)).resolutionUm
        #expect(sharp < medium && medium < blurry, "\(sharp), \(medium), \(blurry) µm")
    }

    /// Pure noise has no structure to find; a flat image neither.
    @Test func noiseAloneHasNoResolution() {
        var random = RandomStream(seed: 4)
        let noise = Volume(shape: [128, 128], spacingUm: [0.03, 0.03], data: (0..<128 * 128).map { _ in Float(random.normal()) })
        #expect(throws: MetricsError.self) { try DecorrelationAnalysis().estimate(noise) }
        #expect(throws: MetricsError.self) { try DecorrelationAnalysis().estimate(Volume(shape: [64, 64], repeating: 3)) }
    }
}

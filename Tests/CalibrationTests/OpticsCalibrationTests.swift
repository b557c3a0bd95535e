@testable import Calibration
import FluoCore
import Foundation
import Imaging
import Testing

/// The optical cut-off read off the power spectrum against 2·NA/λ.
@Suite("Optics calibration")
struct OpticsCalibrationTests {
    static let nominal = 2 * SyntheticScene.na / SyntheticScene.wavelengthUm

    static func image(filamentPhotons: Double = 400, seed: UInt64 = 3) throws -> Volume {
        try SyntheticScene.record(SyntheticScene.photons(side: 256, backgroundPhotons: 20, filamentPhotons: filamentPhotons,
                                                         filaments: 40, seed: seed),
                                  gain: 2, offset: 100, readNoiseE: 1.5)
    }

    /// Filaments through a Born–Wolf PSF (NA 1.4, λ 0.52 µm) at 0.06 µm pixels: the fitted
    /// cut-off lies within 10 % of 2·NA/λ, and the fitted noise floor is the camera's noise.
    @Test(arguments: [400.0, 100.0])
    func cutoffMatchesTheOptics(filamentPhotons: Double) throws {
        let image = try Self.image(filamentPhotons: filamentPhotons)
        let fit = try OpticalCutoff(image, nominalCutoffPerUm: Self.nominal)
        print("optical cut-off, \(filamentPhotons) photons: \(fit.diagnosis)")
        #expect(abs(fit.ratioToNominal! - 1) < 0.10, "\(fit.diagnosis)")
        #expect(fit.isDetermined && fit.diagnosis.contains("consistent"))
        // The floor against the mean noise variance of the image (gain 2, QE 1, 1.5 e⁻ read noise).
        let expected = 2 * (image.mean() - 100) + 2 * 2 * 1.5 * 1.5
        #expect(abs(fit.noiseVariance / expected - 1) < 0.15, "noise variance \(fit.noiseVariance) against \(expected)")
    }

    /// The same image declared with a pixel size 1.5× too small shows a cut-off above what the
    /// optics can pass, and the diagnosis says the pixel size is wrong.
    @Test func wrongPixelSizeIsReported() throws {
        var image = try Self.image()
        image.spacingUm = [0.04, 0.04]
        let fit = try OpticalCutoff(image, nominalCutoffPerUm: Self.nominal)
        #expect(fit.ratioToNominal! > 1.3, "\(fit.diagnosis)")
        #expect(fit.diagnosis.contains("pixel size given is too small"))
    }

    /// So little signal that noise covers the spectrum well below the cut-off: the cut-off is
    /// reported as not measurable instead of a wrong pixel size.
    @Test func noiseDominatedSpectrumIsNotJudged() throws {
        let fit = try OpticalCutoff(try Self.image(filamentPhotons: 1), nominalCutoffPerUm: Self.nominal)
        #expect(!fit.isDetermined, "\(fit.diagnosis)")
        #expect(fit.diagnosis.contains("too little signal"))
    }
}

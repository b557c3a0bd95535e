import Calibration
import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport
@testable import Workflows

/// `calibrate` on an image made from a spec whose settings are known: the matching recovers
/// them from a base spec that starts elsewhere (other NA, photon level, count, no haze).
@Suite("Calibrate")
struct CalibrateTests {
    static func spec(shape: Int, optics: String, camera: String, count: String, outOfFocus: String) -> String {
        """
        name: calibration-truth
        seed: 3
        samples: 24
        shape: [\(shape), \(shape)]
        pixel_size_um: [0.03, 0.03]
        phantom:
          kind: microtubules
          count: \(count)
          persistence_length_um: 10
          contour_length_um: {distribution: lognormal, mean: 4, sd: 2}
          intensity_per_um: 160
        optics: \(optics)
        acquisition:
          \(outOfFocus)
          subsample: [{axis: y, factor: 2, mode: integrate}, {axis: x, factor: 2, mode: integrate}]
          camera: \(camera)
        target:
          psf: {model: gaussian, fwhm_um: [0.11, 0.11]}
        output:
          formats: [tiff]
          input_on_ground_truth_grid: true
          split: {train: 1, val: 0, test: 0}
        """
    }

    /// The truth: effective NA 1.1, 2000 photons per unit, gain 0.5 ADU/e⁻, 2 e⁻ read noise,
    /// haze weight 1.5, 48 filaments in the 7.68 µm field, recorded at 0.06 µm and upsampled
    /// onto 0.03 µm like the real widefield files. The base starts at NA 1.4, a peak-photon
    /// camera of gain 1, 24–40 filaments and no haze. After matching, the synthetic images
    /// measure like the "real" one (within 10 %), and the settings are near the truth; a single
    /// real image is one draw of the specimen, so count and photon level are known to about a
    /// third, the haze weight to a half.
    @Test func matchingRecoversTheSettingsOfASyntheticMicroscope() throws {
        let folder = TestPaths.temporaryDirectory("calibrate")
        let truthPath = folder + "/truth.yaml", basePath = folder + "/base.yaml"
        try Self.spec(shape: 256, optics: "{model: born-wolf, na: 1.1, wavelength_um: 0.52, immersion_index: 1.518}",
                 camera: "{photons_per_unit: 2000, quantum_efficiency: 1, gain_adu_per_e: 0.5, offset_adu: 100, read_noise_e: 2}",
                 count: "48", outOfFocus: "out_of_focus: {thickness_um: 4, weight: 1.5}")
            .write(toFile: truthPath, atomically: true, encoding: .utf8)
        try Self.spec(shape: 256, optics: "{model: born-wolf, na: 1.4, wavelength_um: 0.52, immersion_index: 1.518}",
                 camera: "{peak_photons: 100, gain_adu_per_e: 1, offset_adu: 100, read_noise_e: 1}",
                 count: "[24, 40]", outOfFocus: "background: {amplitude: 0.01, feature_size_um: 3}")
            .write(toFile: basePath, atomically: true, encoding: .utf8)
        let options = GenerateOptions(specPath: truthPath, outputDirectory: folder + "/truth", samples: 1, threads: 2, quiet: true)
        _ = try Generator.run(try Generator.plan(options), options: options)

        var calibrate = CalibrateOptions(imagePath: folder + "/truth/train/low/000000.tif", na: 1.4, wavelengthUm: 0.52,
                                         pixelSizeUm: 0.03, outputPath: folder + "/calibrated.yaml")
        calibrate.basePath = basePath
        let result = try CalibrateRun.run(calibrate)
        let (settings, synthetic) = result.rounds.last!
        #expect(result.grid.binning == 2)
        #expect(abs(result.noise.offsetADU - 100) < 1e-9)
        for (name, a, b) in [("filament peak", synthetic.statistics.filamentPeakE, result.real.statistics.filamentPeakE),
                             ("density", synthetic.statistics.filamentDensityPerUm, result.real.statistics.filamentDensityPerUm),
                             ("cut-off", synthetic.cutoffPerUm ?? 0, result.real.cutoffPerUm ?? 1), ("noise slope", synthetic.noiseSlope, result.real.noiseSlope)] {
            #expect(abs(a / b - 1) < 0.1, "\(name): synthetic \(a), real \(b)")
        }
        #expect(abs(settings.effectiveNA / 1.1 - 1) < 0.1, "effective NA \(settings.effectiveNA) for 1.1")
        #expect(abs(settings.camera.gainADUPerE / 0.5 - 1) < 0.15, "gain \(settings.camera.gainADUPerE) for 0.5")
        #expect(abs(settings.photonsPerUnit / 2000 - 1) < 0.3, "photons per unit \(settings.photonsPerUnit) for 2000")
        #expect(abs(settings.countScale * 32 / 48 - 1) < 0.35, "filaments \(settings.countScale * 32) for 48")
        #expect(abs(settings.hazeWeight / 1.5 - 1) < 0.5, "haze weight \(settings.hazeWeight) for 1.5")

        // The spec written loads and generates.
        let written = try SpecLoader.load(calibrate.outputPath, presets: .standard())
        #expect(written.template.conditions[0].acquisition.outOfFocus != nil)
        #expect(written.template.conditions[0].acquisition.camera?.photonsPerUnit != nil)
        #expect(written.template.conditions[0].acquisition.camera?.peakPhotons == nil)
    }
}

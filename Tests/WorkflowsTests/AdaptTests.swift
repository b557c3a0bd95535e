import DataIO
import FluoCore
import Foundation
import Metrics
import Testing
import TestSupport
@testable import Workflows

/// Adaptation repairs a wrong pre-training: a network trained on images made with a PSF 30 %
/// too narrow (NA 1.29 for 0.9), adapted on an image made with the right PSF through the right
/// spec, restores that image closer to its ground truth than before.
@Suite("Adapt")
struct AdaptTests {
    static func spec(na: Double, shape: Int, samples: Int) -> String {
        """
        name: adapt-\(na)
        seed: 4
        samples: \(samples)
        shape: [\(shape), \(shape)]
        pixel_size_um: [0.04, 0.04]
        phantom: {kind: microtubules, count: \(shape / 8), persistence_length_um: 10, contour_length_um: 4, intensity_per_um: 160}
        optics: {model: born-wolf, na: \(na), wavelength_um: 0.52, immersion_index: 1.518}
        acquisition:
          subsample: [{axis: y, factor: 2, mode: integrate}, {axis: x, factor: 2, mode: integrate}]
          camera: {photons_per_unit: 200, gain_adu_per_e: 1, offset_adu: 100, read_noise_e: 1}
        target: {psf: {model: gaussian, fwhm_um: [0.1, 0.1]}}
        output:
          formats: [tiff]
          input_on_ground_truth_grid: true
          split: {train: \(samples == 1 ? "1" : "0.8"), val: \(samples == 1 ? "0" : "0.2"), test: 0}
        """
    }

    @Test func adaptationRepairsAWrongPSF() throws {
        let folder = TestPaths.temporaryDirectory("adapt")
        let wrong = folder + "/wrong.yaml", right = folder + "/right.yaml"
        try Self.spec(na: 1.29, shape: 64, samples: 40).write(toFile: wrong, atomically: true, encoding: .utf8)
        try Self.spec(na: 0.9, shape: 192, samples: 1).write(toFile: right, atomically: true, encoding: .utf8)
        for (path, out) in [(wrong, "/wrong-data"), (right, "/real")] {
            let options = GenerateOptions(specPath: path, outputDirectory: folder + out, threads: 2, quiet: true)
            _ = try Generator.run(try Generator.plan(options), options: options)
        }
        var train = TrainRequest(data: folder + "/wrong-data", modelDirectory: folder + "/model")
        train.steps = 300
        train.stepsPerEpoch = 100
        train.batchSize = 8
        train.patch = [32]
        train.filters = 16
        train.threads = 2
        try TrainRun.run(train) { _ in }

        let real = folder + "/real/train/low/000000.tif", truth = try TIFFReader.read(folder + "/real/train/GT/000000.tif").volume()
        func nrmse(_ modelDirectory: String) throws -> Double {
            let model = try ModelStore(directory: modelDirectory).load()
            let restored = try Predictor(model: model, threads: 2).predict([TIFFReader.read(real).volume()]).mean[0]
            return try CAREEvaluation().evaluate(prediction: restored, groundTruth: truth).scores.nrmse
        }
        var request = AdaptRequest(modelDirectory: folder + "/model", realImages: [real], specPath: right, outputDirectory: folder + "/adapted")
        request.options.steps = 150
        request.options.patch = 16
        request.options.learningRate = 2e-4
        request.options.threads = 2
        _ = try AdaptRun.run(request) { _ in }
        let before = try nrmse(folder + "/model"), after = try nrmse(folder + "/adapted")
        print("adapt: NRMSE against the truth \(before) before, \(after) after adapting")
        #expect(after < before * 0.95, "NRMSE against the truth: \(after) after adapting, \(before) before")
    }
}

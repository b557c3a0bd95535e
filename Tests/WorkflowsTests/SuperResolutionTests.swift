import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport
@testable import Training
@testable import Workflows

/// Super-resolution pairs (targets on a grid twice as fine): patches aligned on both grids,
/// DFCAN trained from the pairs on disk and from the spec, predictions on the fine grid.
@Suite struct SuperResolutionTests {
    /// Inputs are 2×2 block means of their targets, so an aligned target patch (augmented or
    /// not) averages back to its input patch exactly.
    @Test func patchesAreAlignedOnBothGrids() throws {
        var random = RandomStream(seed: 4)
        let pairs = (0..<3).map { index -> ImagePair in
            let target = (0..<(40 * 48)).map { _ in Float(random.uniform()) }
            let input = (0..<(20 * 24)).map { i -> Float in
                let (y, x) = (i / 24, i % 24)
                return (target[2 * y * 48 + 2 * x] + target[2 * y * 48 + 2 * x + 1] + target[(2 * y + 1) * 48 + 2 * x] + target[(2 * y + 1) * 48 + 2 * x + 1]) / 4
            }
            return ImagePair(input: input, target: target, shape: [20, 24], targetShape: [40, 48], inChannels: 1, outChannels: 1, name: "pair \(index)")
        }
        let data = TrainingData(pairs: pairs, wholeImages: true, description: "block means")
        #expect(data.scale == 2)
        let sampler = try PatchSampler(data: data, patch: [8, 8], augment: true, foregroundThreshold: 0.4)
        let tensors = (x: Tensor(shape: [16, 1, 8, 8]), y: Tensor(shape: [16, 1, 16, 16]))
        sampler.batch(step: 3, size: 16, stream: RandomStream(seed: 1), into: tensors)
        var largest: Float = 0
        for n in 0..<16 {
            let x = tensors.x.sample(n), y = tensors.y.sample(n)
            for i in 0..<64 {
                let (r, c) = (i / 8, i % 8)
                let mean = (y[2 * r * 16 + 2 * c] + y[2 * r * 16 + 2 * c + 1] + y[(2 * r + 1) * 16 + 2 * c] + y[(2 * r + 1) * 16 + 2 * c + 1]) / 4
                largest = Swift.max(largest, abs(mean - x[i]))
            }
        }
        #expect(largest < 1e-6, "target patches are misaligned with their inputs by up to \(largest)")
        var bad = pairs[0]
        bad.targetShape = [40, 47]
        #expect { try TrainingData(pairs: [bad], wholeImages: true, description: "bad").checkScale() } throws: { "\($0)".contains("whole multiple") }
    }

    static let spec = """
        name: sr
        seed: 5
        samples: 12
        shape: [64, 64]
        pixel_size_um: [0.04, 0.04]
        phantom: {kind: microtubules, count: [6, 10], persistence_length_um: 10, contour_length_um: 3, intensity_per_um: 160}
        optics: {model: born-wolf, na: 1.2, wavelength_um: 0.52, immersion_index: 1.518}
        acquisition:
          subsample: [{axis: y, factor: 2, mode: integrate}, {axis: x, factor: 2, mode: integrate}]
          camera: {peak_photons: [30, 80], gain_adu_per_e: 1, offset_adu: 100, read_noise_e: 1}
        target: {grid: ground_truth}
        output:
          formats: [tiff]
          split: {train: 0.75, val: 0.25, test: 0}
        """

    /// DFCAN ×2 on the written pairs: the validation loss falls, the prediction is on the fine
    /// grid with half the pixel size; a U-Net is refused on such pairs; the spec trains too.
    @Test func dfcanTrainsAndPredictsOnTheFineGrid() throws {
        let folder = TestPaths.temporaryDirectory("super-resolution")
        let path = folder + "/sr.yaml"
        try Self.spec.write(toFile: path, atomically: true, encoding: .utf8)
        let options = GenerateOptions(specPath: path, outputDirectory: folder + "/data", threads: 2, quiet: true)
        _ = try Generator.run(try Generator.plan(options), options: options)
        func request(_ data: String, _ name: String, _ architecture: Architecture.Kind) -> TrainRequest {
            var request = TrainRequest(data: data, modelDirectory: folder + "/" + name)
            request.architecture = architecture
            (request.steps, request.stepsPerEpoch, request.batchSize, request.patch) = (40, 10, 4, [16])
            (request.filters, request.groups, request.blocks, request.reduction) = (8, 1, 2, 2)
            request.threads = 2
            return request
        }
        try TrainRun.run(request(folder + "/data", "dfcan", .dfcan)) { _ in }
        let configuration = try ModelStore(directory: folder + "/dfcan").loadConfiguration()
        #expect(configuration.architecture.scale == 2 && configuration.loss == .mseSSIM && configuration.patch == [16, 16])
        let losses = try String(contentsOfFile: folder + "/dfcan/training.csv", encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Double($0.split(separator: ",")[3])! }
        #expect(losses.count == 4 && losses.last! < losses.first!, "validation losses \(losses)")

        var predict = PredictRequest(modelDirectory: folder + "/dfcan", input: folder + "/data/val/low/000009.tif", output: folder + "/sr.tif")
        predict.threads = 2
        try PredictRun.run(predict) { _ in }
        let restored = try TIFFReader.read(folder + "/sr.tif").volume()
        #expect(restored.shape == [64, 64] && abs(restored.spacingUm[1] - 0.04) < 1e-6)
        // Tiles on the fine grid: with an overlap spanning the image every tile sees all of it,
        // so 2×2 tiles must give the untiled result exactly (a misplaced tile would not).
        let predictor = Predictor(model: try ModelStore(directory: folder + "/dfcan").load(), threads: 2)
        let input = try TIFFReader.read(folder + "/data/val/low/000009.tif").volume()
        let whole = try predictor.predict([input], tiles: [1, 1]).mean[0]
        let tiled = try predictor.predict([input], tiles: [2, 2], overlap: 32).mean[0]
        #expect(tiled.shape == [64, 64] && tiled.data == whole.data)

        #expect { try TrainRun.run(request(folder + "/data", "care", .care)) { _ in } } throws: { "\($0)".contains("--arch dfcan") }
        try TrainRun.run(request(path, "streamed", .dfcan)) { _ in }
        #expect(try ModelStore(directory: folder + "/streamed").loadConfiguration().architecture.scale == 2)
    }
}

import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport
@testable import Workflows

/// `fluosynth train SPEC.yaml`: pairs made while training are the pairs `generate` writes, and
/// a streamed run repeats exactly whatever the generator's thread count, and when resumed.
@Suite("Training from a spec")
struct StreamedTrainingTests {
    /// 16 samples, 12 train and 4 val; uint16 output, so the stored rounding shows.
    static let spec = """
        name: streamed
        seed: 9
        samples: 16
        shape: [64, 64]
        pixel_size_um: [0.04, 0.04]
        phantom: {kind: microtubules, count: [6, 10], persistence_length_um: 10, contour_length_um: 3, intensity_per_um: 160}
        optics: {model: born-wolf, na: 1.2, wavelength_um: 0.52, immersion_index: 1.518}
        acquisition:
          subsample: [{axis: y, factor: 2, mode: integrate}, {axis: x, factor: 2, mode: integrate}]
          camera: {peak_photons: [30, 80], gain_adu_per_e: 1, offset_adu: 100, read_noise_e: 1}
        output:
          formats: [tiff]
          dtype: uint16
          input_on_ground_truth_grid: true
          split: {train: 0.75, val: 0.25, test: 0}
        """

    static func writeSpec(_ folder: String) throws -> String {
        let path = folder + "/streamed.yaml"
        try spec.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Sample i streamed equals sample i written by `generate` and read back by `train`.
    @Test func streamedPairsAreWhatGenerateWrites() throws {
        let folder = TestPaths.temporaryDirectory("streamed-pairs")
        let path = try Self.writeSpec(folder)
        let options = GenerateOptions(specPath: path, outputDirectory: folder + "/data", threads: 2, quiet: true)
        _ = try Generator.run(try Generator.plan(options), options: options)
        let normalization = PercentileNormalization()
        let written = try TrainingDataSet.load(folder + "/data", normalization: normalization)
        let pairs = try SpecPairs(spec: SpecLoader.load(path, presets: .standard()), condition: nil, normalization: normalization)
        #expect(pairs.indices(of: "train") == Array(0..<12) && pairs.indices(of: "val") == Array(12..<16))
        for (index, stored) in [(0, written.train.pairs[0]), (7, written.train.pairs[7]), (13, written.validation.pairs[1])] {
            let streamed = try pairs.pair(index)
            #expect(streamed.shape == stored.shape && streamed.input == stored.input && streamed.target == stored.target,
                    "sample \(index) differs from \(stored.name)")
        }
    }

    /// 24 steps with one generator thread, with three, and as 16 steps resumed to 24 give the
    /// same weights, byte for byte; the validation loss falls.
    @Test func streamedTrainingRepeatsAndResumes() throws {
        let folder = TestPaths.temporaryDirectory("streamed-training")
        let path = try Self.writeSpec(folder)
        func train(_ name: String, steps: Int, generatorThreads: Int, resume: Bool = false) throws -> Data {
            var request = TrainRequest(data: path, modelDirectory: folder + "/" + name)
            request.steps = steps
            request.stepsPerEpoch = 8
            request.batchSize = 4
            request.patch = [32]
            request.filters = 8
            request.threads = 2
            request.pool = 6
            request.reuse = 2
            request.generatorThreads = generatorThreads
            request.resume = resume
            try TrainRun.run(request) { _ in }
            return try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name + "/weights_last.bin"))
        }
        let one = try train("one", steps: 24, generatorThreads: 1)
        #expect(try train("three", steps: 24, generatorThreads: 3) == one)
        _ = try train("resumed", steps: 16, generatorThreads: 2)
        #expect(try train("resumed", steps: 24, generatorThreads: 2, resume: true) == one)

        let curve = try String(contentsOfFile: folder + "/one/training.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        let header = try String(contentsOfFile: folder + "/one/training.csv", encoding: .utf8).split(separator: "\n")[0].split(separator: ",")
        let column = header.firstIndex(of: "val_loss")!
        let losses = curve.map { Double($0.split(separator: ",")[column])! }
        #expect(losses.count == 3 && losses.last! < losses.first!, "validation losses \(losses)")
    }

    /// Bad requests fail before anything is rendered, naming the spec and the problem.
    @Test func badRequestsAreRefused() throws {
        let folder = TestPaths.temporaryDirectory("streamed-refused")
        let path = try Self.writeSpec(folder)
        var request = TrainRequest(data: path, modelDirectory: folder + "/model")
        request.source = "high"
        #expect { try TrainRun.run(request) { _ in } } throws: { "\($0)".contains("streamed.yaml") && "\($0)".contains("no condition 'high'") }
        request.source = nil
        request.pool = 0
        #expect { try TrainRun.run(request) { _ in } } throws: { "\($0)".contains("--pool") }
        #expect(!FileManager.default.fileExists(atPath: folder + "/model"))
    }
}

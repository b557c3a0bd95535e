import DataIO
import FluoCore
import Foundation
import Metrics
import Testing
import TestSupport
@testable import Training

@Suite struct TrainingTests {
    static let architecture = UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 16, kernelSize: 3)

    func makeModel(_ data: TrainingData, patch: [Int] = [32, 32], architecture: UNetConfiguration = TrainingTests.architecture,
                   loss: LossKind = .mae) -> RestorationModel {
        RestorationModel(architecture: .care(architecture), normalization: PercentileNormalization(), loss: loss, patch: patch,
                         trainingData: .init(description: data.description, hash: data.hash, normalizedOnLoading: true, pairs: data.pairs.count),
                         seed: 1, createdBy: "test")
    }

    /// A learning rate that blows the weights up stops training with a message once the loss
    /// is no longer a number; the last finished epoch's weights stay on disk and are finite.
    @Test func divergenceStopsAndKeepsTheLastGoodEpoch() throws {
        let train = SyntheticPairs.data(count: 4, size: 32, seed: 300)
        let data = TrainingDataSet(train: train, validation: train, notes: [])
        let folder = TestPaths.temporaryDirectory("diverge")
        let store = ModelStore(directory: folder)
        let model = makeModel(train)
        try store.saveConfiguration(model.configuration)
        // Two good epochs, then the same run continued with a learning rate of 1e9.
        let good = TrainingOptions(totalSteps: 2, stepsPerEpoch: 1, batchSize: 2, learningRate: 1e-3, seed: 1, validationPatches: 4)
        try Trainer(model: model, data: data, options: good, store: store, threads: 2).run()
        let checkpoint = try store.loadCheckpoint()
        var state = checkpoint.state
        state.options = TrainingOptions(totalSteps: 200, stepsPerEpoch: 1, batchSize: 2, learningRate: 1e9, seed: 1, validationPatches: 4)
        state.learningRate = 1e9
        let trainer = try Trainer(model: checkpoint.model, data: data, options: state.options, store: store, threads: 2,
                                  resume: (checkpoint.optimizer, state))
        do {
            try trainer.run()
            Issue.record("training with learning rate 1e9 did not diverge in 200 steps")
        } catch let TrainingError.diverged(path, reason) {
            #expect(path == folder && reason.contains("epoch 2 (step 2) are kept") && reason.contains("Lower the learning rate"), "\(reason)")
        }
        let kept = try store.load(.last)
        #expect(kept.network.parameters.allSatisfy { $0.value.allSatisfy(\.isFinite) })
        #expect(try store.loadCheckpoint().state.step == 2)
    }

    /// A small network trained for 300 steps on synthetic denoising pairs halves the
    /// validation loss and beats the noisy input's SSIM on held-out images.
    @Test func trainingDenoises() throws {
        let train = SyntheticPairs.data(count: 12, size: 64, seed: 100)
        let validation = SyntheticPairs.data(count: 3, size: 64, seed: 200)
        let folder = TestPaths.temporaryDirectory("train")
        let model = makeModel(train)
        let store = ModelStore(directory: folder)
        try store.saveConfiguration(model.configuration)
        let options = TrainingOptions(totalSteps: 300, stepsPerEpoch: 50, batchSize: 8, learningRate: 1e-3, seed: 5, validationPatches: 32)
        let trainer = try Trainer(model: model, data: TrainingDataSet(train: train, validation: validation, notes: []),
                                  options: options, store: store, threads: 2)
        let before = trainer.validationLoss()
        let state = try trainer.run()
        let after = state.history.last!.validationLoss
        #expect(state.history.count == 6 && state.step == 300)
        #expect(after < 0.5 * before, "validation loss \(before) → \(after)")

        // Held-out pairs: SSIM of prediction and of the noisy input against the truth, both
        // after the least-squares affine fit of CARE's evaluation.
        let best = try store.load(.best)
        let predictor = Predictor(model: best, threads: 2)
        var ssimNoisy = 0.0, ssimPredicted = 0.0
        for seed in UInt64(300)..<303 {
            let (truth, noisy) = SyntheticPairs.pair(size: 96, seed: seed)
            let predicted = try predictor.predict([Volume(shape: [96, 96], data: noisy)]).mean[0].data
            let range = Double(truth.max()! - truth.min()!)
            ssimNoisy += ImageMetrics.ssim(truth, SyntheticPairs.fitted(noisy, to: truth), shape: [96, 96], dataRange: range) / 3
            ssimPredicted += ImageMetrics.ssim(truth, SyntheticPairs.fitted(predicted, to: truth), shape: [96, 96], dataRange: range) / 3
        }
        #expect(ssimPredicted > ssimNoisy + 0.1, "SSIM noisy \(ssimNoisy), predicted \(ssimPredicted)")
        print("training: validation loss \(before) → \(after); SSIM noisy \(ssimNoisy) → predicted \(ssimPredicted)")
    }

    /// Stopping after 2 epochs and resuming gives bit-identical weights to an uninterrupted run.
    @Test func resumeContinuesExactly() throws {
        let data = SyntheticPairs.data(count: 4, size: 48, seed: 10)
        let set = TrainingDataSet(train: data, validation: data, notes: [])
        let options = TrainingOptions(totalSteps: 8, stepsPerEpoch: 2, batchSize: 4, seed: 3, validationPatches: 4)
        let architecture = UNetConfiguration(dimensions: 2, depth: 1, firstFilters: 4, kernelSize: 3, dropout: 0.1)
        let straight = makeModel(data, architecture: architecture)
        let storeA = ModelStore(directory: TestPaths.temporaryDirectory("straight"))
        try storeA.saveConfiguration(straight.configuration)
        try Trainer(model: straight, data: set, options: options, store: storeA, threads: 2).run()

        let storeB = ModelStore(directory: TestPaths.temporaryDirectory("resumed"))
        let first = makeModel(data, architecture: architecture)
        try storeB.saveConfiguration(first.configuration)
        var shortened = options
        shortened.totalSteps = 4
        try Trainer(model: first, data: set, options: shortened, store: storeB, threads: 1).run()
        let (model, optimizer, state) = try storeB.loadCheckpoint()
        #expect(state.step == 4 && optimizer.iterations == 4)
        let final = try Trainer(model: model, data: set, options: options, store: storeB, threads: 2,
                                resume: (optimizer, state)).run()
        #expect(final.step == 8 && final.history.count == 4)
        #expect(model.network.parameters.map(\.value) == straight.network.parameters.map(\.value))
    }

    /// Saving and loading gives identical predictions; tiled and untiled predictions agree.
    @Test func saveLoadAndTiling() throws {
        let data = SyntheticPairs.data(count: 2, size: 32, seed: 20)
        let architecture = UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 8, kernelSize: 3, probabilistic: true, batchNorm: true)
        let model = makeModel(data, architecture: architecture, loss: .laplace)
        // Non-trivial weights: positive biases keep the ReLUs active over the receptive field.
        var random = RandomStream(seed: 9)
        for parameter in model.network.parameters where parameter.trainable {
            parameter.value = parameter.value.map { $0 + Float(0.05 * random.uniform(-1, 1)) + (parameter.name.hasSuffix("beta") ? 0.2 : 0) }
        }
        let store = ModelStore(directory: TestPaths.temporaryDirectory("saved"))
        try store.saveConfiguration(model.configuration)
        try store.saveWeights(model, .best)
        let loaded = try store.load(.best)
        let (truth, noisy) = SyntheticPairs.pair(size: 150, seed: 21)
        _ = truth
        let image = [Volume(shape: [150, 150], spacingUm: [0.1, 0.1], data: noisy)]
        let original = try Predictor(model: model, threads: 2).predict(image)
        let reloaded = try Predictor(model: loaded, threads: 2).predict(image)
        #expect(original.mean[0].data == reloaded.mean[0].data && original.scale![0].data == reloaded.scale![0].data)
        #expect(original.mean[0].shape == [150, 150] && original.mean[0].spacingUm == [0.1, 0.1])

        let tiled = try Predictor(model: loaded, threads: 2).predict(image, tiles: [3, 2])
        let meanDifference = zip(tiled.mean[0].data, original.mean[0].data).map { abs($0 - $1) }.max()!
        let scaleDifference = zip(tiled.scale![0].data, original.scale![0].data).map { abs($0 - $1) }.max()!
        let spread = original.mean[0].data.max()! - original.mean[0].data.min()!
        #expect(meanDifference < 1e-4 * max(1, spread) && scaleDifference < 1e-4 * max(1, spread),
                "tiled vs untiled: mean \(meanDifference), scale \(scaleDifference)")
        // Too small an overlap shows seams: the check above can fail.
        let seamy = try Predictor(model: loaded, threads: 2).predict(image, tiles: [3, 2], overlap: 4)
        #expect(zip(seamy.mean[0].data, original.mean[0].data).map { abs($0 - $1) }.max()! > 1e-3)
    }

    /// Damaged or mismatched model folders fail with a message naming the file and the problem.
    @Test func corruptModelErrors() throws {
        let data = SyntheticPairs.data(count: 1, size: 32, seed: 30)
        let model = makeModel(data, architecture: UNetConfiguration(dimensions: 2, depth: 1, firstFilters: 4, kernelSize: 3))
        let folder = TestPaths.temporaryDirectory("corrupt")
        let store = ModelStore(directory: folder)
        #expect { try store.load() } throws: { "\($0)".contains("config.json is missing") }
        try store.saveConfiguration(model.configuration)
        try store.saveWeights(model, .best)
        _ = try store.load()

        // A truncated weights file.
        let weights = try Data(contentsOf: URL(fileURLWithPath: store.bestWeightsPath))
        try weights.prefix(weights.count - 100).write(to: URL(fileURLWithPath: store.bestWeightsPath))
        #expect { try store.load() } throws: { "\($0)".contains("weights_best.bin") && "\($0)".contains("checksum mismatch") }
        // One flipped byte.
        var flipped = weights
        flipped[flipped.count / 2] ^= 0x40
        try flipped.write(to: URL(fileURLWithPath: store.bestWeightsPath))
        #expect { try store.load() } throws: { "\($0)".contains("checksum mismatch") }
        try weights.write(to: URL(fileURLWithPath: store.bestWeightsPath))

        // config.json describing another architecture than the weights.
        var other = model.configuration
        var unet = TrainingTests.architecture
        unet.firstFilters = 8
        other.architecture = .care(unet)
        try store.saveConfiguration(other)
        #expect { try store.load() } throws: { "\($0)".contains("weights_best.bin") && "\($0)".contains("down0.conv0.weight") && "\($0)".contains("[8, 1, 3, 3]") }
        unet.firstFilters = 4
        unet.depth = 2
        other.architecture = .care(unet)
        try store.saveConfiguration(other)
        #expect { try store.load() } throws: { "\($0)".contains("has no array") }

        // Sizes no machine could build are refused before anything is allocated.
        unet.kernelSize = 8_888_888_888_888_885
        other.architecture = .care(unet)
        try store.saveConfiguration(other)
        #expect { try store.load() } throws: { "\($0)".contains("config.json") && "\($0)".contains("kernel size must be odd and 1…15") }
        unet.kernelSize = 3
        unet.firstFilters = 1024
        unet.depth = 6
        other.architecture = .care(unet)
        try store.saveConfiguration(other)
        #expect { try store.load() } throws: { "\($0)".contains("parameters, more than the 268435456") }

        // Broken or foreign config.json.
        try Data("{\"format\": \"fluosynth-care\"".utf8).write(to: URL(fileURLWithPath: store.configPath))
        #expect { try store.load() } throws: { "\($0)".contains("config.json") }
        var foreign = model.configuration
        foreign.format = "keras"
        try store.saveConfiguration(foreign)
        #expect { try store.load() } throws: { "\($0)".contains("not a FluoSynth CARE model") }
    }
}

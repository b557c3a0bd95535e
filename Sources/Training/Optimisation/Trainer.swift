import FluoCore
import Foundation

/// Trains a `RestorationModel` as CSBDeep's `CARE.train` does: Adam on random patch batches, an epoch
/// of `stepsPerEpoch` steps followed by the validation loss (inference mode, fixed patches),
/// learning-rate halving on plateaus, optional early stopping, and the best weights kept.
/// Each epoch ends with a checkpoint (weights, moments, state) in the model folder.
public final class Trainer {
    public let model: RestorationModel
    public let store: ModelStore
    public private(set) var state: TrainingState
    private var optimizer: Adam
    private let sampler: any BatchSource
    private let validation: (x: Tensor, y: Tensor)
    private let compute: Compute
    private let loss: Loss

    /// A progress report after every step.
    public struct Progress: Sendable {
        public var step: Int
        public var epoch: Int
        /// Mean loss over the current epoch so far.
        public var epochLoss: Double
        public var stepsPerSecond: Double
        public var lastValidationLoss: Double?
        public var totalSteps: Int
    }

    /// A trainer starting from `model`'s current weights, or continuing `resume` (optimiser and
    /// state from `ModelStore.loadCheckpoint`), on patches of `data`.
    public convenience init(model: RestorationModel, data: TrainingDataSet, options: TrainingOptions, store: ModelStore, threads: Int,
                            resume: (optimizer: Adam, state: TrainingState)? = nil) throws {
        let patch = try Trainer.checkedPatch(model)
        try self.init(model: model, batches: PatchSampler(data: data.train, patch: patch, augment: options.augment, foregroundThreshold: options.foregroundThreshold),
                      validation: data.validation, options: options, store: store, threads: threads, resume: resume)
    }

    /// A trainer on batches from `batches`, validated on fixed patches of `validation`.
    public init(model: RestorationModel, batches: any BatchSource, validation: TrainingData, options: TrainingOptions, store: ModelStore,
                threads: Int, resume: (optimizer: Adam, state: TrainingState)? = nil) throws {
        let patch = try Trainer.checkedPatch(model)
        self.model = model
        self.store = store
        sampler = batches
        let validationSampler = try PatchSampler(data: validation, patch: patch, augment: false, foregroundThreshold: options.foregroundThreshold)
        self.validation = validationSampler.validationPatches(count: options.validationPatches, stream: RandomStream(seed: options.seed))
        compute = Compute(threads: threads, training: true)
        compute.dropoutSeed = options.seed
        loss = Loss(model.configuration.loss)
        if let resume {
            optimizer = resume.optimizer
            state = resume.state
            state.options = options
        } else {
            optimizer = Adam(learningRate: options.learningRate)
            state = TrainingState(options: options)
        }
    }

    /// The model's patch size, refused unless it has a size per axis, each a multiple of 2^depth.
    private static func checkedPatch(_ model: RestorationModel) throws -> [Int] {
        let patch = model.configuration.patch
        guard patch.count == model.configuration.architecture.dimensions,
              patch.allSatisfy({ $0 % model.configuration.architecture.blockSize == 0 }) else {
            throw TrainingError.options("patch size \(patch) must be a multiple of \(model.configuration.architecture.blockSize) (2^depth) along every axis")
        }
        return patch
    }

    /// Patches whose image had no foreground by the filter (sampled anywhere instead).
    public var imagesWithoutForeground: Int { sampler.pairsWithoutForeground }

    /// Runs until `totalSteps` or early stopping; `progress` is called after every step and
    /// `epochDone` after every epoch's checkpoint.
    @discardableResult
    public func run(progress: (Progress) -> Void = { _ in }, epochDone: (EpochRecord) throws -> Void = { _ in }) throws -> TrainingState {
        let options = state.options
        let batch = (x: Tensor(shape: [options.batchSize, model.configuration.architecture.inChannels] + model.configuration.patch),
                     y: Tensor(shape: [options.batchSize, model.configuration.architecture.outChannels]
                               + model.configuration.patch.map { $0 * model.configuration.architecture.scale }))
        let data = RandomStream(seed: options.seed).substream("data")
        let clock = ContinuousClock()
        var epochStart = clock.now, epochLossSum = 0.0, epochSteps = 0
        let runStart = clock.now
        let elapsedBefore = state.history.last?.elapsedSeconds ?? 0
        while !state.finished {
            let step = state.step
            try sampler.batch(step: step, size: options.batchSize, stream: data, into: batch)
            compute.training = true
            compute.step = step
            let (mean, scale) = model.network.forward(batch.x, compute)
            let result = loss.evaluate(mean: mean, scale: scale, target: batch.y, compute)
            // A non-finite loss would poison every weight: stop before the update, keeping the
            // files of the last finished epoch.
            guard result.value.isFinite else { throw diverged("the loss became \(result.value) at step \(state.step + 1)") }
            model.network.backward(mean: result.mean, scale: result.scale, compute)
            optimizer.learningRate = state.learningRate
            optimizer.step(model.network.parameters)
            state.step += 1
            state.optimizerIterations = optimizer.iterations
            epochLossSum += result.value
            epochSteps += 1
            let seconds = Trainer.seconds(clock.now - epochStart)
            progress(Progress(step: state.step, epoch: (state.step - 1) / options.stepsPerEpoch + 1, epochLoss: epochLossSum / Double(epochSteps),
                              stepsPerSecond: Double(epochSteps) / Swift.max(seconds, 1e-9),
                              lastValidationLoss: state.history.last?.validationLoss, totalSteps: options.totalSteps))
            guard state.step % options.stepsPerEpoch == 0 || state.step == options.totalSteps else { continue }

            let validationLoss = validationLoss()
            guard validationLoss.isFinite else { throw diverged("the validation loss became \(validationLoss) at step \(state.step)") }
            let record = EpochRecord(epoch: (state.step + options.stepsPerEpoch - 1) / options.stepsPerEpoch, step: state.step,
                                     loss: epochLossSum / Double(epochSteps), validationLoss: validationLoss,
                                     learningRate: state.learningRate, stepsPerSecond: Double(epochSteps) / Swift.max(seconds, 1e-9),
                                     elapsedSeconds: elapsedBefore + Trainer.seconds(clock.now - runStart))
            state.history.append(record)
            state.learningRate = state.plateau.update(validationLoss: validationLoss, learningRate: state.learningRate)
            if state.earlyStopping?.shouldStop(validationLoss: validationLoss) == true { state.stopped = true }
            if validationLoss < state.bestValidationLoss {
                state.bestValidationLoss = validationLoss
                try store.saveWeights(model, .best, metadata: "{\"step\": \(state.step), \"validation_loss\": \(validationLoss)}")
            }
            try store.saveWeights(model, .last, metadata: "{\"step\": \(state.step), \"validation_loss\": \(validationLoss)}")
            try store.saveCheckpoint(model, optimizer: optimizer, state: state)
            try epochDone(record)
            epochStart = clock.now
            epochLossSum = 0
            epochSteps = 0
        }
        return state
    }

    /// Mean loss over the validation patches in inference mode, in batches of the batch size.
    /// The error for a loss that is no longer a number, saying which files were kept.
    private func diverged(_ what: String) -> TrainingError {
        let kept = state.history.last.map { "the weights and checkpoint of epoch \($0.epoch) (step \($0.step)) are kept" }
            ?? "no epoch had finished, so no weights were saved"
        return .diverged(store.directory, "\(what); \(kept). Lower the learning rate (--lr, now \(state.learningRate)) or check the data for outliers")
    }

    public func validationLoss() -> Double {
        compute.training = false
        defer { compute.training = true }
        let count = validation.x.batch, size = state.options.batchSize
        var total = 0.0
        for start in stride(from: 0, to: count, by: size) {
            let n = Swift.min(size, count - start)
            let x = Tensor(shape: [n] + Array(validation.x.shape.dropFirst())), y = Tensor(shape: [n] + Array(validation.y.shape.dropFirst()))
            x.pointer.update(from: validation.x.sample(start), count: x.count)
            y.pointer.update(from: validation.y.sample(start), count: y.count)
            let (mean, scale) = model.network.forward(x, compute)
            total += loss.evaluate(mean: mean, scale: scale, target: y, compute).value * Double(n)
        }
        return total / Double(count)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

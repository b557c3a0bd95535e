/// Options of a training run (`fluosynth train`), CSBDeep's defaults where it has them.
public struct TrainingOptions: Codable, Equatable, Sendable {
    /// Total optimiser steps (epochs × steps per epoch).
    public var totalSteps: Int
    /// Steps between validations, learning-rate and early-stopping decisions, checkpoints (400).
    public var stepsPerEpoch: Int
    public var batchSize: Int
    public var learningRate: Double
    public var seed: UInt64
    public var augment: Bool
    /// CSBDeep's `no_background_patches` threshold (0.4; 0 turns the filter off).
    public var foregroundThreshold: Double
    /// Epochs without validation improvement before the learning rate halves (10).
    public var plateauPatience: Int
    /// Epochs without validation improvement before training stops (`nil`: never).
    public var earlyStoppingPatience: Int?
    /// Fixed validation patches drawn from whole validation images.
    public var validationPatches: Int

    public init(totalSteps: Int = 100 * 400, stepsPerEpoch: Int = 400, batchSize: Int = 16, learningRate: Double = 4e-4,
                seed: UInt64 = 0, augment: Bool = true, foregroundThreshold: Double = 0.4, plateauPatience: Int = 10,
                earlyStoppingPatience: Int? = nil, validationPatches: Int = 64) {
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
        self.augment = augment
        self.foregroundThreshold = foregroundThreshold
        self.plateauPatience = plateauPatience
        self.earlyStoppingPatience = earlyStoppingPatience
        self.validationPatches = validationPatches
    }
}

/// One row of the training curve.
public struct EpochRecord: Codable, Equatable, Sendable {
    public var epoch: Int
    /// Steps done at the end of the epoch.
    public var step: Int
    /// Mean training loss over the epoch's steps.
    public var loss: Double
    public var validationLoss: Double
    public var learningRate: Double
    public var stepsPerSecond: Double
    public var elapsedSeconds: Double
}

extension Collection where Element == EpochRecord {
    /// Steps per second of training alone (validation and checkpoints excluded) over these
    /// epochs together, `stepBefore` being the step count before the first of them:
    /// Σ steps / Σ (steps / rate) per epoch.
    public func trainingStepsPerSecond(stepBefore: Int) -> Double {
        var previous = stepBefore, steps = 0, seconds = 0.0
        for record in self {
            let epochSteps = record.step - previous
            steps += epochSteps
            seconds += Double(epochSteps) / Swift.max(record.stepsPerSecond, 1e-12)
            previous = record.step
        }
        return Double(steps) / Swift.max(seconds, 1e-9)
    }
}

/// Where a training run stands: enough, with the weights and Adam moments, to continue it.
public struct TrainingState: Codable, Equatable, Sendable {
    public var options: TrainingOptions
    /// Steps done. The random stream of step t depends only on (seed, t), so continuing at
    /// `step` draws the batches an uninterrupted run would have drawn.
    public var step: Int
    public var learningRate: Double
    public var plateau: PlateauSchedule
    public var earlyStopping: EarlyStopping?
    public var bestValidationLoss: Double
    public var optimizerIterations: Int
    public var history: [EpochRecord]
    /// True when early stopping ended the run.
    public var stopped: Bool

    public init(options: TrainingOptions) {
        self.options = options
        step = 0
        learningRate = options.learningRate
        plateau = PlateauSchedule(factor: 0.5, patience: options.plateauPatience)
        earlyStopping = options.earlyStoppingPatience.map(EarlyStopping.init(patience:))
        bestValidationLoss = .infinity
        optimizerIterations = 0
        history = []
        stopped = false
    }

    public var finished: Bool { stopped || step >= options.totalSteps }
}

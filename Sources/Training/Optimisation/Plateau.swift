/// Keras's `ReduceLROnPlateau` on the validation loss (CSBDeep: factor 0.5, patience 10
/// epochs, min_delta 0, no cooldown): an epoch improves when loss < best − minDelta; after
/// `patience` epochs without improvement the learning rate is multiplied by `factor` and the
/// count starts again.
public struct PlateauSchedule: Codable, Equatable, Sendable {
    public var factor: Double = 0.5
    public var patience: Int = 10
    public var minDelta: Double = 0
    public var minimumLearningRate: Double = 0
    public var best: Double = .infinity
    public var epochsWithoutImprovement = 0

    public init(factor: Double = 0.5, patience: Int = 10) {
        self.factor = factor
        self.patience = patience
    }

    /// Records an epoch's validation loss; returns the learning rate to use next.
    public mutating func update(validationLoss: Double, learningRate: Double) -> Double {
        if validationLoss < best - minDelta {
            best = validationLoss
            epochsWithoutImprovement = 0
            return learningRate
        }
        epochsWithoutImprovement += 1
        guard epochsWithoutImprovement >= patience else { return learningRate }
        epochsWithoutImprovement = 0
        return Swift.max(learningRate * factor, minimumLearningRate)
    }
}

/// Keras's `EarlyStopping` on the validation loss: stop after `patience` epochs without an
/// improvement (loss < best).
public struct EarlyStopping: Codable, Equatable, Sendable {
    public var patience: Int
    public var best: Double = .infinity
    public var epochsWithoutImprovement = 0

    public init(patience: Int) { self.patience = patience }

    /// Records an epoch's validation loss; true when training should stop.
    public mutating func shouldStop(validationLoss: Double) -> Bool {
        if validationLoss < best {
            best = validationLoss
            epochsWithoutImprovement = 0
            return false
        }
        epochsWithoutImprovement += 1
        return epochsWithoutImprovement >= patience
    }
}

import Foundation
import Testing
@testable import Training
@testable import Workflows

/// The training curve's picture: a one-epoch run still shows its points, and the axes say
/// what they hold.
@Suite("Training curve")
struct TrainCurveTests {
    @Test func oneEpochShowsItsPointsAndAxisTitles() {
        let record = EpochRecord(epoch: 1, step: 40, loss: 0.05, validationLoss: 0.04, learningRate: 4e-4, stepsPerSecond: 5, elapsedSeconds: 8)
        let svg = TrainCurve.plot([record])
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2, "one dot per series")
        #expect(svg.contains("loss (log scale)") && svg.contains("training step"))
        let two = TrainCurve.plot([record, EpochRecord(epoch: 2, step: 80, loss: 0.03, validationLoss: 0.035, learningRate: 4e-4,
                                                      stepsPerSecond: 5, elapsedSeconds: 16)])
        #expect(two.components(separatedBy: "<circle").count - 1 == 4)
    }

    /// The run's training-only rate weighs each epoch by its steps: total steps over total
    /// training seconds, not the mean of the epochs' rates.
    @Test func trainingRateIsTotalStepsOverTotalSeconds() {
        let first = EpochRecord(epoch: 1, step: 10, loss: 1, validationLoss: 1, learningRate: 1e-3, stepsPerSecond: 5, elapsedSeconds: 3)
        let second = EpochRecord(epoch: 2, step: 40, loss: 1, validationLoss: 1, learningRate: 1e-3, stepsPerSecond: 15, elapsedSeconds: 6)
        // 10 steps in 2 s, then 30 steps in 2 s.
        #expect(abs([first, second].trainingStepsPerSecond(stepBefore: 0) - 10) < 1e-12)
        #expect(abs([second].trainingStepsPerSecond(stepBefore: 10) - 15) < 1e-12)
    }
}

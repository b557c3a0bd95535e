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
}

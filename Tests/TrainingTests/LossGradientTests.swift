import Foundation
import Metrics
import Testing
@testable import Training

@Suite struct LossGradientTests {
    /// Values of the losses on a hand-computed example (SSIM from the Metrics target's
    /// implementation, scikit-image's), and their gradients against finite differences.
    @Test(arguments: LossKind.allCases)
    func lossGradient(kind: LossKind) {
        let compute = Compute(threads: 2)
        // SSIM's window needs 11 pixels along each axis.
        let shape = kind == .mseSSIM ? [2, 1, 12, 13] : [2, 1, 4, 5]
        let count = shape.reduce(1, *)
        let target = GradientCheck.values(count, seed: 20)
        // Residuals at least 0.05 away from 0 (|r| has a kink there).
        let offsets = GradientCheck.spacedValues(count, seed: 21)
        let mean = zip(target, offsets).map { $0 + $1 }
        let scale = kind.isProbabilistic ? GradientCheck.values(count, seed: 22, low: 0.3, high: 2) : nil
        let loss = Loss(kind)
        func value(_ m: [Float], _ s: [Float]?) -> Double {
            loss.evaluate(mean: Tensor(shape: shape, values: m), scale: s.map { Tensor(shape: shape, values: $0) },
                          target: Tensor(shape: shape, values: target), compute).value
        }
        // The value against the formula; mse-ssim min–max normalises prediction and target over the batch.
        func normalized(_ v: [Float]) -> [Float] {
            let (low, high) = (v.min()!, v.max()!)
            return v.map { ($0 - low) / (high - low) }
        }
        let (m, t) = kind == .mseSSIM ? (normalized(mean), normalized(target)) : (mean, target)
        var expected = 0.0
        for i in 0..<count {
            let r = Double(m[i] - t[i])
            switch kind {
            case .mae: expected += abs(r)
            case .mse, .mseSSIM: expected += r * r
            case .laplace: expected += abs(r) / Double(scale![i]) + log(Double(scale![i])) + log(2.0)
            }
        }
        expected /= Double(count)
        if kind == .mseSSIM {
            let plane = 12 * 13
            let ssim = (0..<2).map { n in
                ImageMetrics.ssim(Array(t[n * plane ..< (n + 1) * plane]), Array(m[n * plane ..< (n + 1) * plane]), shape: [12, 13], dataRange: 1)
            }
            expected += 0.1 * (1 - ssim.reduce(0, +) / 2)
        }
        #expect(abs(value(mean, scale) - expected) < 1e-6 * max(1, abs(expected)))

        let result = loss.evaluate(mean: Tensor(shape: shape, values: mean), scale: scale.map { Tensor(shape: shape, values: $0) },
                                   target: Tensor(shape: shape, values: target), compute)
        let dMean = result.mean.values, dScale = result.scale?.values
        var check = GradientCheck()
        check.step = 1e-3
        let meanError = check.compare(count: count, analytic: dMean) { i, h in var m = mean; m[i] += h; return value(m, scale) }
        #expect(meanError < 1e-2, "\(kind) ∂mean error \(meanError)")
        if let scale, let dScale {
            let scaleError = check.compare(count: count, analytic: dScale) { i, h in var s = scale; s[i] += h; return value(mean, s) }
            #expect(scaleError < 1e-2, "\(kind) ∂scale error \(scaleError)")
        }
    }
}

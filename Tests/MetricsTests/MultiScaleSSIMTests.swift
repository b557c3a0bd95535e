import FluoCore
import Foundation
@testable import Metrics
import Testing

@Suite struct MultiScaleSSIMTests {
    static let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03

    @Test func identicalImagesScoreOne() throws {
        let (_, truth) = CAREEvaluationTests.pair([200, 190], noise: 0)
        let result = try MultiScaleSSIM.compute(truth, truth, dataRange: 1)
        #expect(abs(result.value - 1) < 1e-12 && result.scales == 5)
    }

    /// Scales that keep 11 pixels per side after halving (⌈n/2⌉): 161 → 81 → 41 → 21 → 11 has 5,
    /// 160 → 80 → 40 → 20 (→ 10) has 4; 21 → 11 has 2; 10 has none.
    @Test func scaleCountFollowsTheImageSize() {
        #expect(MultiScaleSSIM.scaleCount(height: 161, width: 300) == 5)
        #expect(MultiScaleSSIM.scaleCount(height: 300, width: 160) == 4)
        #expect(MultiScaleSSIM.scaleCount(height: 21, width: 300) == 2)
        #expect(MultiScaleSSIM.scaleCount(height: 11, width: 11) == 1)
        #expect(MultiScaleSSIM.scaleCount(height: 10, width: 300) == 0)
    }

    /// A constant image against the same constant plus c: cs = 1 at every scale and the coarsest
    /// SSIM is the luminance term l = (2μ(μ + c) + C₁)/(μ² + (μ + c)² + C₁), so MS-SSIM = l^w₅
    /// with 5 scales, and l^(w₃/(w₁ + w₂ + w₃)) with the 3 scales a 64 × 64 image allows.
    @Test func constantShiftGivesTheLuminanceTermToItsWeight() throws {
        let mu = 0.5, c = 0.1
        let l = (2 * mu * (mu + c) + MultiScaleSSIMTests.c1) / (mu * mu + (mu + c) * (mu + c) + MultiScaleSSIMTests.c1)
        let w = MultiScaleSSIM.weights
        for (side, expected) in [(180, pow(l, w[4])), (64, pow(l, w[2] / (w[0] + w[1] + w[2])))] {
            let a = Volume(shape: [side, side], repeating: Float(mu)), b = Volume(shape: [side, side], repeating: Float(mu + c))
            let result = try MultiScaleSSIM.compute(a, b, dataRange: 1)
            #expect(abs(result.value - expected) < 1e-6, "\(side): \(result.value) vs \(expected)")
        }
    }

    /// A constant image against it plus a one-pixel checkerboard ±d: the 2×2 averages remove the
    /// checkerboard, so scales 2–5 score 1, and scale 1 has σᵣ = σᵣₜ = 0 and σₜ² = d²(1 − s⁴),
    /// s = Σ_t (−1)^t g_t the alternating sum of the normalised window: MS-SSIM = cs₁^w₁,
    /// cs₁ = C₂/(σₜ² + C₂).
    @Test func checkerboardIsSeenOnlyAtTheFinestScale() throws {
        let d = 0.2, side = 192
        let g = (-5...5).map { exp(-Double($0 * $0) / (2 * 1.5 * 1.5)) }
        let total = g.reduce(0, +)
        let s = zip(-5...5, g).reduce(0.0) { $0 + ($1.0 % 2 == 0 ? 1 : -1) * $1.1 / total }
        let varianceT = d * d * (1 - pow(s, 4))
        let expected = pow(MultiScaleSSIMTests.c2 / (varianceT + MultiScaleSSIMTests.c2), MultiScaleSSIM.weights[0])
        let a = Volume(shape: [side, side], repeating: 0.5)
        var b = a
        for i in 0..<b.count { b.data[i] += Float((i / side + i % side) % 2 == 0 ? d : -d) }
        let result = try MultiScaleSSIM.compute(a, b, dataRange: 1)
        #expect(abs(result.value - expected) < 1e-6, "\(result.value) vs \(expected)")
        #expect(result.value < 0.9)  // the finest scale really is penalised
    }

    /// 2×2 block averages; an odd last row or column is kept.
    @Test func halvingAveragesBlocks() {
        let values: [Double] = [1, 2, 3,
                                4, 5, 6,
                                7, 8, 9]
        let (out, shape) = MultiScaleSSIM.halve(values, shape: [3, 3])
        #expect(shape == [2, 2])
        #expect(out == [3, 4.5, 7.5, 9])
    }

    /// Anti-correlated images: negative cs terms are clamped to 0, so MS-SSIM is 0, not NaN.
    @Test func negativeContrastTermsClampToZero() throws {
        let (_, truth) = CAREEvaluationTests.pair([64, 64], noise: 0)
        let result = try MultiScaleSSIM.compute(truth, truth.map { 4 - $0 }, dataRange: 1)
        #expect(result.value == 0)
    }
}

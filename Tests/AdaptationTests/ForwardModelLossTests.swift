@testable import Adaptation
import FluoCore
import Foundation
import Imaging
import Testing

/// The adaptation losses: gradients against central finite differences, and the
/// recorrupted pairs' noise independence.
@Suite("Adaptation losses")
struct ForwardModelLossTests {
    static func random(_ shape: [Int], seed: UInt64, scale: Float = 1, offset: Float = 0) -> Volume {
        var random = RandomStream(seed: seed)
        return Volume(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in offset + scale * Float(random.uniform()) })
    }

    /// ∂L/∂f of the forward-model term (PSF, 2×2 camera pixels, MAE) and the Hessian penalty,
    /// with the affine map held fixed as the gradient assumes, against (L(f + ε) − L(f − ε))/2ε
    /// at 40 pixels, in double-precision sums over float images: within 2 % of the gradient's scale.
    @Test(arguments: [0.02, 2.0])
    func gradientMatchesFiniteDifferences(hessianWeight: Double) throws {
        let psf = try GaussianPSF(fwhmUm: [0.15, 0.15]).render(on: PSFGrid(shape: [7, 7], spacingUm: [0.05, 0.05]))
        let loss = try ForwardModelLoss(psf: psf, fineShape: [24, 24], factor: 2, margin: 4, hessianWeight: hessianWeight)
        let outputs = (0..<2).map { Self.random([24, 24], seed: UInt64($0), scale: 2) }
        let targets = (0..<2).map { Self.random([8, 8], seed: UInt64(10 + $0), scale: 3, offset: -1) }
        let affine = (a: 1.3, b: -0.2)
        let analytic = try loss.evaluate(outputs: outputs, targets: targets, affine: affine).gradient
        let scale = analytic.flatMap(\.data).map { abs(Double($0)) }.max()!
        var random = RandomStream(seed: 99)
        for _ in 0..<40 {
            let image = random.integer(below: 2), pixel = random.integer(below: 24 * 24)
            let epsilon: Float = 1e-2
            var plus = outputs, minus = outputs
            plus[image].data[pixel] += epsilon
            minus[image].data[pixel] -= epsilon
            let numeric = (try loss.evaluate(outputs: plus, targets: targets, affine: affine).value
                           - loss.evaluate(outputs: minus, targets: targets, affine: affine).value) / (2 * Double(epsilon))
            #expect(abs(numeric - Double(analytic[image].data[pixel])) < 0.02 * scale,
                    "pixel \(pixel) of image \(image): \(numeric) against \(analytic[image].data[pixel])")
        }
    }

    /// The fitted affine map recovers a known one, and then the forward term vanishes.
    @Test func affineFitRecoversAKnownMap() throws {
        let psf = try GaussianPSF(fwhmUm: [0.15, 0.15]).render(on: PSFGrid(shape: [7, 7], spacingUm: [0.05, 0.05]))
        let loss = try ForwardModelLoss(psf: psf, fineShape: [24, 24], factor: 2, margin: 4, hessianWeight: 0)
        let outputs = [Self.random([24, 24], seed: 3)]
        let model = try loss.resample(FFTConvolver(kernel: psf, imageShape: [24, 24]).apply(outputs[0]))
        let targets = [model.map { 2.5 * $0 - 0.7 }]
        let result = try loss.evaluate(outputs: outputs, targets: targets)
        #expect(result.forward < 1e-5, "forward term \(result.forward)")
    }

    /// With the noise model right, the recorrupted input's and target's noises (each against
    /// the clean image) are uncorrelated; with σ² overstated 4×, they are clearly anti-correlated.
    @Test func recorruptedNoisesAreIndependent() {
        let clean = Volume(shape: [256, 256], repeating: 500)
        var random = RandomStream(seed: 5)
        // Poisson-Gaussian in ADU: slope 2 (gain), offset 100, read variance 9.
        let noisy = clean.map { Float(Double($0) + (2 * (Double($0) - 100) + 9).squareRoot() * random.normal()) }
        func covariance(_ r: Recorruption) -> Double {
            let (input, target) = r.pair(noisy, stream: RandomStream(seed: 8))
            var sum = 0.0
            for i in 0..<clean.count { sum += Double(input.data[i] - clean.data[i]) * Double(target.data[i] - clean.data[i]) }
            return sum / Double(clean.count)
        }
        let variance = 2.0 * 400 + 9
        let right = covariance(Recorruption(slope: 2, offsetADU: 100, readVarianceADU: 9, alpha: 1.5...1.5))
        let wrong = covariance(Recorruption(slope: 8, offsetADU: 100, readVarianceADU: 36, alpha: 1.5...1.5))
        #expect(abs(right) < 0.03 * variance, "covariance \(right) for variance \(variance)")
        #expect(wrong < -2 * variance, "covariance \(wrong) with σ² overstated")
    }
}

import FluoCore
import Foundation
import Testing
@testable import Training

@Suite struct DFCANTests {
    /// DL-SR's DFCAN16 at ×2: head 9·64 + 64, per block three 9·64·64 + 64 convolutions and the
    /// attention's 64·4 + 4 + 4·64 + 64, upsampling 9·64·256 + 256, tail 9·64 + 1.
    @Test func parameterCountMatchesTheFormula() {
        let c = DFCANConfiguration()
        let conv = 9 * 64 * 64 + 64, attention = 64 * 4 + 4 + 4 * 64 + 64
        let expected = (9 * 64 + 64) + 16 * (3 * conv + attention) + (9 * 64 * 256 + 256) + (9 * 64 + 1)
        #expect(DFCAN(c, random: RandomStream(seed: 1)).parameterCount == expected)
        #expect(c.parameterBound >= expected && c.problems.isEmpty)
        #expect(DFCANConfiguration(dimensions: 3).problems.count == 1)
        #expect(DFCANConfiguration(scale: 5).problems.count == 1)
    }

    /// Every parameter's gradient against a central difference along it, at ×2 and ×1.
    @Test(arguments: [
        DFCANConfiguration(channels: 8, residualGroups: 2, residualBlocks: 1, channelReduction: 4),
        DFCANConfiguration(channels: 4, residualGroups: 1, residualBlocks: 2, channelReduction: 2, scale: 1),
    ])
    func networkGradient(configuration: DFCANConfiguration) {
        let net = DFCAN(configuration, random: RandomStream(seed: 8))
        for parameter in net.parameters where parameter.name.hasSuffix("attention.conv.bias") || parameter.name.hasSuffix("squeeze.bias") {
            parameter.value = parameter.value.map { _ in 1.5 }
        }
        let s = configuration.scale
        let x = Tensor(shape: [2, 1, 8, 6], values: GradientCheck.values(96, seed: 9, low: 0, high: 1))
        let target = Tensor(shape: [2, 1, 8 * s, 6 * s], values: GradientCheck.values(96 * s * s, seed: 10, low: 0, high: 1))
        let loss = Loss(.mse)
        let compute = Compute(threads: 2, training: true)
        func value() -> Double { loss.evaluate(mean: net.forward(x, compute).mean, scale: nil, target: target, compute).value }
        let result = loss.evaluate(mean: net.forward(x, compute).mean, scale: nil, target: target, compute)
        net.backward(mean: result.mean, scale: nil, compute)
        GradientCheck().expectEveryParameter(net.parameters, loss: value)
    }

    @Test func resultsDoNotDependOnThreadCount() {
        let configuration = DFCANConfiguration(channels: 8, residualGroups: 1, residualBlocks: 2, channelReduction: 2)
        let x = GradientCheck.values(3 * 10 * 12, seed: 30, low: 0, high: 1), y = GradientCheck.values(3 * 20 * 24, seed: 31, low: 0, high: 1)
        func gradients(threads: Int) -> [[Float]] {
            let net = DFCAN(configuration, random: RandomStream(seed: 3))
            let compute = Compute(threads: threads, training: true)
            let (mean, _) = net.forward(Tensor(shape: [3, 1, 10, 12], values: x), compute)
            let result = Loss(.mse).evaluate(mean: mean, scale: nil, target: Tensor(shape: [3, 1, 20, 24], values: y), compute)
            net.backward(mean: result.mean, scale: nil, compute)
            return [mean.values] + net.parameters.map(\.gradient)
        }
        #expect(gradients(threads: 1) == gradients(threads: 2))
    }
}

import FluoCore
import Foundation
import Testing
@testable import Training

@Suite struct RCANTests {
    /// 3D-RCAN's default network: head 3³·1·32 + 32, per block two 3³·32·32 + 32 convolutions
    /// and the attention's 32·4 + 4 + 4·32 + 32, per group 3³·32·32 + 32 more, trunk 3³·32·32 + 32,
    /// tail 3³·32 + 1.
    @Test func parameterCountMatchesTheFormula() {
        let c = RCANConfiguration(dimensions: 3)
        let conv = 27 * 32 * 32 + 32, attention = 32 * 4 + 4 + 4 * 32 + 32
        let expected = (27 * 32 + 32) + 5 * (3 * (2 * conv + attention) + conv) + conv + (27 * 32 + 1)
        let net = RCAN(c, random: RandomStream(seed: 1))
        #expect(net.parameterCount == expected)
        #expect(expected == 1_002_621)
        #expect(c.parameterBound >= expected)
        #expect(c.receptiveFieldRadius == 38)
        #expect(c.problems.isEmpty)
        #expect(RCANConfiguration(dimensions: 2, channels: 16, channelReduction: 32).problems.count == 1)
        #expect(RCANConfiguration(dimensions: 3, residualGroups: 0).problems.count == 1)
    }

    /// Every parameter's gradient of a small RCAN (2-D and 3-D) against a central difference
    /// along it; ReLU inputs shifted positive (biases 1.5) so no kink lies within a step.
    @Test(arguments: [
        RCANConfiguration(dimensions: 2, channels: 8, residualGroups: 2, residualBlocks: 2, channelReduction: 4),
        RCANConfiguration(dimensions: 3, channels: 4, residualGroups: 1, residualBlocks: 2, channelReduction: 2),
        RCANConfiguration(dimensions: 2, inChannels: 2, outChannels: 1, channels: 4, residualGroups: 1, residualBlocks: 1, channelReduction: 1, kernelSize: 5),
    ])
    func networkGradient(configuration: RCANConfiguration) {
        let net = RCAN(configuration, random: RandomStream(seed: 8))
        for parameter in net.parameters where parameter.name.hasSuffix("conv0.bias") || parameter.name.hasSuffix("squeeze.bias") {
            parameter.value = parameter.value.map { _ in 1.5 }
        }
        let spatial = configuration.dimensions == 2 ? [8, 8] : [4, 4, 4]
        let x = Tensor(shape: [2, configuration.inChannels] + spatial, values: GradientCheck.values(2 * configuration.inChannels * spatial.reduce(1, *), seed: 9, low: 0, high: 1))
        let target = Tensor(shape: [2, configuration.outChannels] + spatial, values: GradientCheck.values(2 * configuration.outChannels * spatial.reduce(1, *), seed: 10))
        let loss = Loss(.mse)
        let compute = Compute(threads: 2, training: true)
        func value() -> Double {
            loss.evaluate(mean: net.forward(x, compute).mean, scale: nil, target: target, compute).value
        }
        let result = loss.evaluate(mean: net.forward(x, compute).mean, scale: nil, target: target, compute)
        net.backward(mean: result.mean, scale: nil, compute)
        GradientCheck().expectEveryParameter(net.parameters, loss: value)
    }

    /// Forward and backward give bit-identical results on 1, 2 and 3 threads (3-D: oneDNN's
    /// convolutions on a batch of one, as 3D-RCAN trains).
    @Test(arguments: [2, 3])
    func resultsDoNotDependOnThreadCount(dimensions: Int) {
        let configuration = RCANConfiguration(dimensions: dimensions, channels: 8, residualGroups: 2, residualBlocks: 2, channelReduction: 4)
        let shape = dimensions == 2 ? [3, 1, 12, 20] : [1, 1, 9, 10, 12]
        let x = GradientCheck.values(shape.reduce(1, *), seed: 30), y = GradientCheck.values(shape.reduce(1, *), seed: 31)
        func gradients(threads: Int) -> [[Float]] {
            let net = RCAN(configuration, random: RandomStream(seed: 3))
            let compute = Compute(threads: threads, training: true)
            compute.columnBudget = 4096
            let (mean, _) = net.forward(Tensor(shape: shape, values: x), compute)
            let result = Loss(.mae).evaluate(mean: mean, scale: nil, target: Tensor(shape: shape, values: y), compute)
            net.backward(mean: result.mean, scale: nil, compute)
            return [mean.values] + net.parameters.map(\.gradient)
        }
        let one = gradients(threads: 1)
        #expect(one == gradients(threads: 2))
        #expect(one == gradients(threads: 3))
    }

    /// `config.json` records the kind beside the fields; a folder written before RCAN existed
    /// (no `kind`) reads as a U-Net.
    @Test func architectureRoundTrips() throws {
        for architecture in [Architecture.care(UNetConfiguration(dimensions: 2, depth: 3)),
                             .rcan(RCANConfiguration(dimensions: 3, channels: 16, residualGroups: 2)),
                             .dfcan(DFCANConfiguration(channels: 16, scale: 3))] {
            let data = try ModelStore.encoder.encode(architecture)
            let object = try JSONSerialization.jsonObject(with: data) as! [String: Any]
            #expect(object["kind"] as? String == architecture.kind.rawValue)
            #expect(try ModelStore.decoder.decode(Architecture.self, from: data) == architecture)
        }
        var legacy = try JSONSerialization.jsonObject(with: ModelStore.encoder.encode(Architecture.care(UNetConfiguration(dimensions: 3)))) as! [String: Any]
        legacy["kind"] = nil
        let decoded = try ModelStore.decoder.decode(Architecture.self, from: JSONSerialization.data(withJSONObject: legacy))
        #expect(decoded == .care(UNetConfiguration(dimensions: 3)))
    }
}

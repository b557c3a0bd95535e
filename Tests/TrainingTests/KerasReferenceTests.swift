import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport
@testable import Training

/// Each architecture built again in Keras on TensorFlow-CPU (`Tests/Python/keras_reference.py`;
/// CARE's U-Net is CSBDeep's own `custom_unet`), FluoSynth's weights loaded into it: the outputs
/// on random input agree within 10⁻⁴.
@Suite struct KerasReferenceTests {
    static let cases: [(String, Architecture, [Int])] = [
        ("2-D U-Net, CSBDeep's defaults", .care(UNetConfiguration(dimensions: 2, firstFilters: 8)), [2, 1, 36, 28]),
        ("3-D U-Net, probabilistic", .care(UNetConfiguration(dimensions: 3, firstFilters: 4, probabilistic: true)), [2, 1, 8, 16, 12]),
        ("2-D U-Net, depth 3, batch norm, dropout, 2 channels in, 3 conv per level",
         .care(UNetConfiguration(dimensions: 2, inChannels: 2, outChannels: 1, depth: 3, firstFilters: 4, kernelSize: 3,
                                 convolutionsPerLevel: 3, batchNorm: true, dropout: 0.2)), [2, 2, 16, 24]),
        ("2-D RCAN", .rcan(RCANConfiguration(dimensions: 2, channels: 16, residualGroups: 2, residualBlocks: 2, channelReduction: 4)), [2, 1, 40, 36]),
        ("3-D RCAN", .rcan(RCANConfiguration(dimensions: 3, channels: 8, residualGroups: 2, residualBlocks: 2, channelReduction: 2)), [2, 1, 10, 24, 20]),
        ("2-D RCAN, 2 channels, kernel 5", .rcan(RCANConfiguration(dimensions: 2, inChannels: 2, outChannels: 1, channels: 8, residualGroups: 1,
                                                                   residualBlocks: 3, channelReduction: 8, kernelSize: 5)), [1, 2, 24, 28]),
        ("DFCAN ×2", .dfcan(DFCANConfiguration(channels: 16, residualGroups: 2, residualBlocks: 2, channelReduction: 4)), [2, 1, 24, 20]),
        ("DFCAN ×3, odd size", .dfcan(DFCANConfiguration(channels: 8, residualGroups: 1, residualBlocks: 2, channelReduction: 2, scale: 3)), [1, 1, 15, 13]),
        ("DFCAN ×1", .dfcan(DFCANConfiguration(channels: 8, residualGroups: 1, residualBlocks: 1, channelReduction: 1, scale: 1)), [2, 1, 16, 16]),
    ]

    @Test(.enabled(if: PythonReference.isAvailable), arguments: 0..<9)
    func kerasReproducesTheOutput(_ index: Int) throws {
        let (label, architecture, shape) = Self.cases[index]
        let network = architecture.makeNetwork(random: RandomStream(seed: UInt64(20 + index)))
        // Random biases and batch-normalisation statistics too (they start at 0 or 1), so every
        // array matters.
        var random = RandomStream(seed: UInt64(40 + index))
        for parameter in network.parameters where !parameter.name.hasSuffix(".weight") {
            let range = parameter.name.hasSuffix("variance") || parameter.name.hasSuffix("gamma") ? (0.5, 1.5) : (-0.2, 0.2)
            parameter.value = parameter.value.map { _ in Float(random.uniform(range.0, range.1)) }
        }
        let input = Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in Float(random.uniform()) })
        let (mean, scale) = network.forward(input, Compute(threads: 2))
        // A probabilistic U-Net's output as CSBDeep's: the mean and the scale as channels.
        let output = scale.map { Concatenation().forward(mean, $0, Compute(threads: 1)) } ?? mean
        let path = TestPaths.temporaryDirectory("keras") + "/case.npz"
        var arrays: [(key: String, array: NumpyArray)] = [
            ("config", NumpyArray(text: String(decoding: try ModelStore.encoder.encode(architecture), as: UTF8.self))),
            ("input", NumpyArray(shape: input.shape, values: input.values)),
            ("output", NumpyArray(shape: output.shape, values: output.values)),
        ]
        arrays += network.parameters.map { ($0.name, NumpyArray(shape: $0.shape, values: $0.value)) }
        try NPZFile.write(arrays, to: path)
        let report = try JSONSerialization.jsonObject(with: Data(try PythonReference.run("keras_reference.py", [path]).utf8)) as! [String: Any]
        print("keras \(label): \(report)")
        #expect(report["parameters"] as? Int == network.parameterCount)
        #expect((report["unused_arrays"] as? [String])?.isEmpty == true)
        let difference = try #require(report["max_abs_difference"] as? Double)
        #expect(difference <= 1e-4, "\(label): Keras and FluoSynth differ by \(difference)")
        let range = try #require(report["output_range"] as? [Double])
        #expect(range[1] - range[0] > 0.05, "\(label): the output is nearly constant, which would hide differences")
    }
}

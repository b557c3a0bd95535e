import ArgumentParser
import Foundation
import Workflows

/// One convolution layer at a time on every engine that can run it (Winograd, oneDNN,
/// unfolded im2col products): forward and backward (weight and input gradients; the first
/// layer's weight gradient only, as in a network) per layer shape of the networks
/// `fluobench training` times, so the choice in `Convolution.Engine.preferred` rests on
/// measurements made in the same run.
struct LayerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "layers",
        abstract: "Convolution layers per engine (Winograd, oneDNN, unfolded): forward and backward per shape."
    )

    @Option(help: "Timed runs per case (the median is reported).")
    var runs: Int = 3

    @Option(help: "Threads.")
    var threads: Int = 2

    @Option(help: "2 or 3: which networks' layers (omit for both).")
    var dims: Int?

    /// A layer: batch, input channels, output channels, spatial shape, kernel.
    struct Case {
        var name: String
        var batch: Int, inChannels: Int, outChannels: Int
        var spatial: [Int], kernel: [Int]
    }

    /// CARE's U-Net (depth 2, 32 first filters) on `fluobench training`'s batches, with
    /// kernel 3 and 5 in 2-D, and RCAN's 32-channel 3×3×3 convolution on its batch of one.
    static func cases(dims: Int?) -> [Case] {
        var cases: [Case] = []
        if dims != 3 {
            for k in [3, 5] {
                for (inC, outC, side) in [(1, 32, 128), (32, 32, 128), (96, 32, 128), (64, 64, 64), (128, 128, 32)] {
                    cases.append(Case(name: "U-Net 2-D, k\(k)", batch: 16, inChannels: inC, outChannels: outC, spatial: [side, side], kernel: [k, k]))
                }
            }
        }
        if dims != 2 {
            for (inC, outC, shape) in [(1, 32, [16, 64, 64]), (32, 32, [16, 64, 64]), (96, 32, [16, 64, 64]), (64, 64, [8, 32, 32]),
                                       (128, 128, [4, 16, 16])] {
                cases.append(Case(name: "U-Net 3-D", batch: 4, inChannels: inC, outChannels: outC, spatial: shape, kernel: [3, 3, 3]))
            }
            cases.append(Case(name: "RCAN 3-D", batch: 1, inChannels: 32, outChannels: 32, spatial: [16, 64, 64], kernel: [3, 3, 3]))
        }
        return cases
    }

    func run() throws {
        print("machine: \(Measure.machine); threads \(threads); OpenBLAS \(OpenBLASRuntime.coreName)")
        print("| layer | batch × in → out, shape, kernel | engine | forward | backward | GFLOP/s (direct-equivalent, fwd+bwd) | fastest | preferred |")
        print("|---|---|---|---|---|---|---|---|")
        for testCase in Self.cases(dims: dims) {
            let engines = Convolution.Engine.allCases.filter { $0.supports(kernelSize: testCase.kernel) }
            let times = engines.map { measure(testCase, engine: $0) }
            let fastest = engines[times.indices.min { times[$0].forward + times[$0].backward < times[$1].forward + times[$1].backward }!]
            let preferred = Convolution.Engine.preferred(kernelSize: testCase.kernel)
            // Direct multiply-adds: forward 1×, backward 2× (weights and input; the first layer 1×).
            let passes = testCase.inChannels > 1 ? 3.0 : 2.0
            let flops = 2.0 * Double(testCase.batch * testCase.spatial.reduce(1, *) * testCase.inChannels * testCase.outChannels
                                     * testCase.kernel.reduce(1, *))
            for (engine, time) in zip(engines, times) {
                let shape = "\(testCase.batch) × \(testCase.inChannels) → \(testCase.outChannels), "
                    + testCase.spatial.map(String.init).joined(separator: "×") + ", " + testCase.kernel.map(String.init).joined(separator: "×")
                let rate = passes * flops / (time.forward + time.backward) / 1e9
                print("| \(testCase.name) | \(shape) | \(engine.rawValue) | \(Measure.format(time.forward)) | \(Measure.format(time.backward)) | "
                      + "\(String(format: "%.0f", rate)) | \(engine == fastest ? "✓" : "") | \(engine == preferred ? "✓" : "") |")
            }
        }
    }

    /// Median forward and backward seconds of one layer on `engine`.
    private func measure(_ testCase: Case, engine: Convolution.Engine) -> (forward: Double, backward: Double) {
        var random = RandomStream(seed: 7)
        let layer = Convolution(name: "c", inChannels: testCase.inChannels, outChannels: testCase.outChannels,
                                kernelSize: testCase.kernel, random: random)
        layer.engine = engine
        layer.needsInputGradient = testCase.inChannels > 1   // a network's first layer has no input gradient
        let compute = Compute(threads: threads, training: true)
        let input = [testCase.batch, testCase.inChannels] + testCase.spatial
        let output = [testCase.batch, testCase.outChannels] + testCase.spatial
        let x = Tensor(shape: input, values: (0..<input.reduce(1, *)).map { _ in Float(random.uniform()) })
        let dy = Tensor(shape: output, values: (0..<output.reduce(1, *)).map { _ in Float(random.normal()) })
        let forward = Measure.median(runs: runs) { _ = layer.forward(x, compute) }
        let backward = Measure.median(runs: runs) { _ = layer.backward(dy, compute) }
        return (forward, backward)
    }
}

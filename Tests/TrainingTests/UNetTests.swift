import FluoCore
import Testing
@testable import Training

@Suite struct UNetTests {
    /// CSBDeep's `custom_unet` with depth 2, 32 first filters, kernel 3, one input and one
    /// output channel has 332,641 parameters (Keras `count_params`).
    @Test func parameterCountMatchesCSBDeep() {
        let net = UNet(UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 32, kernelSize: 3), random: RandomStream(seed: 1))
        #expect(net.parameterCount == 332_641)
        // The probabilistic head adds one 1×1 convolution: 32 weights and a bias.
        let probabilistic = UNet(UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 32, kernelSize: 3, probabilistic: true),
                                 random: RandomStream(seed: 1))
        #expect(probabilistic.parameterCount == 332_641 + 33)
        // 3-D, kernel 3: the 3×3 kernels' 332,064 weights triple; 544 biases and the 1×1 head (33) stay.
        let volumetric = UNet(UNetConfiguration(dimensions: 3, depth: 2, firstFilters: 32, kernelSize: 3), random: RandomStream(seed: 1))
        #expect(volumetric.parameterCount == (332_641 - 544 - 33) * 3 + 544 + 33)
    }

    /// The bound a model folder's architecture is checked against before anything is allocated
    /// is a bound: never below the real count, and within a small factor of it.
    @Test func parameterBoundHoldsTheCount() {
        for (dimensions, depth, filters, kernel, probabilistic) in [(2, 2, 32, 3, false), (2, 0, 8, 5, true), (3, 3, 16, 3, false), (2, 4, 4, 7, true)] {
            let configuration = UNetConfiguration(dimensions: dimensions, depth: depth, firstFilters: filters, kernelSize: kernel, probabilistic: probabilistic)
            let count = UNet(configuration, random: RandomStream(seed: 1)).parameterCount
            #expect(configuration.parameterBound >= count && configuration.parameterBound <= 40 * count,
                    "\(dimensions)-D depth \(depth): bound \(configuration.parameterBound), count \(count)")
        }
    }

    /// The receptive-field radius against CSBDeep's hard-coded `tile_overlap` table (which
    /// omits one pooling alignment for depth 2, kernel 3: 22 where the worst case is 23) and
    /// against a measurement: change one input pixel and find the farthest output that moves.
    @Test func receptiveField() {
        for (depth, kernel, table) in [(2, 5, 43), (2, 3, 22), (1, 3, 9), (3, 3, 46)] {
            let radius = UNetConfiguration(dimensions: 2, depth: depth, kernelSize: kernel).receptiveFieldRadius
            #expect(radius >= table && radius <= table + 5, "depth \(depth) kernel \(kernel): \(radius)")
        }
        // Measured on a 3-D network of the same depth and kernel, whose convolutions run directly, so
        // an output moves exactly when it depends on the input (2-D 3×3 convolutions run through
        // Winograd's transforms, which spread rounding noise over whole tiles); the radius is per axis.
        let configuration = UNetConfiguration(dimensions: 3, depth: 2, firstFilters: 4, kernelSize: 3)
        let net = UNet(configuration, random: RandomStream(seed: 2))
        for parameter in net.parameters where parameter.name.hasSuffix(".bias") { parameter.value = parameter.value.map { _ in 0.5 } }
        let compute = Compute(threads: 2)
        let (depth, size) = (4, 96)
        let base = GradientCheck.values(depth * size * size, seed: 3)
        let reference = net.forward(Tensor(shape: [1, 1, depth, size, size], values: base), compute).mean.values
        var farthest = 0
        for column in 44..<48 {   // all four alignments to the 4-pixel pooling grid
            var changed = base
            changed[(size + 48) * size + column] += 50
            let output = net.forward(Tensor(shape: [1, 1, depth, size, size], values: changed), compute).mean.values
            for index in 0..<output.count where output[index] != reference[index] {
                farthest = max(farthest, abs(index % size - column), abs(index / size % size - 48))
            }
        }
        #expect(farthest == configuration.receptiveFieldRadius)
    }

    /// A 3×3 convolution against a direct sum y[o,p] = b[o] + Σ w[o,i,δ]·x[i,p+δ−1].
    @Test(arguments: [2, 3])
    func convolutionMatchesDirectSum(dimensions: Int) {
        let shape = dimensions == 2 ? [2, 3, 6, 7] : [1, 2, 4, 5, 6]
        let conv = Convolution(name: "c", inChannels: shape[1], outChannels: 2, kernelSize: Array(repeating: 3, count: dimensions),
                               random: RandomStream(seed: 4))
        conv.bias.value = [0.25, -0.5]
        let x = GradientCheck.values(shape.reduce(1, *), seed: 5)
        let compute = Compute(threads: 2)
        compute.columnBudget = 100
        let y = conv.forward(Tensor(shape: shape, values: x), compute).values
        let size = Size3(Array(shape[2...]))
        let kz = dimensions == 3 ? 3 : 1
        var worst: Float = 0
        for n in 0..<shape[0] {
            for o in 0..<2 {
                for z in 0..<size.z { for yy in 0..<size.y { for xx in 0..<size.x {
                    var sum = conv.bias.value[o]
                    for i in 0..<shape[1] { for a in 0..<kz { for b in 0..<3 { for e in 0..<3 {
                        let sz = z + a - kz / 2, sy = yy + b - 1, sx = xx + e - 1
                        guard (0..<size.z).contains(sz), (0..<size.y).contains(sy), (0..<size.x).contains(sx) else { continue }
                        let w = conv.weight.value[(((o * shape[1] + i) * kz + a) * 3 + b) * 3 + e]
                        sum += w * x[(((n * shape[1] + i) * size.z + sz) * size.y + sy) * size.x + sx]
                    } } } }
                    let got = y[(((n * 2 + o) * size.z + z) * size.y + yy) * size.x + xx]
                    worst = max(worst, abs(got - sum))
                } } }
            }
        }
        #expect(worst < 1e-5)
    }

    /// The whole network's parameter gradients (2-D residual probabilistic with the Laplace
    /// loss; 2-D with batch norm and dropout; 2-D with CSBDeep's 5×5 kernels; 3-D with MSE) against finite differences: this checks the wiring
    /// (skips, concatenation order, upsampling, residual, heads) on top of the layer checks.
    /// ReLU inputs are shifted positive (bias or batch-norm β = 0.5) and targets put far from the
    /// outputs, so no ReLU or |μ − y| kink lies within a finite-difference step.
    @Test(arguments: [
        UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 4, kernelSize: 3, probabilistic: true),
        UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 4, kernelSize: 3, batchNorm: true, dropout: 0.2),
        UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 4, kernelSize: 5),
        UNetConfiguration(dimensions: 3, depth: 1, firstFilters: 3, kernelSize: 3),
    ])
    func networkGradient(configuration: UNetConfiguration) {
        let dimensions = configuration.dimensions
        let net = UNet(configuration, random: RandomStream(seed: 8))
        for parameter in net.parameters where parameter.name.hasSuffix(configuration.batchNorm ? ".bn.beta" : "conv0.bias")
            || (!configuration.batchNorm && parameter.name.hasSuffix("conv1.bias")) {
            parameter.value = parameter.value.map { _ in 0.5 }
        }
        let shape = dimensions == 2 ? [2, 1, 8, 8] : [2, 1, 4, 4, 4]
        let count = shape.reduce(1, *)
        let x = Tensor(shape: shape, values: GradientCheck.values(count, seed: 9))
        let target = Tensor(shape: shape, values: configuration.probabilistic ? GradientCheck.values(count, seed: 10, low: 200, high: 201)
                                                                              : GradientCheck.values(count, seed: 10))
        let loss = Loss(configuration.probabilistic ? .laplace : .mse)
        let compute = Compute(threads: 2, training: true)
        compute.step = 5
        func value() -> Double {
            let (mean, scale) = net.forward(x, compute)
            return loss.evaluate(mean: mean, scale: scale, target: target, compute).value
        }
        let (mean, scale) = net.forward(x, compute)
        let result = loss.evaluate(mean: mean, scale: scale, target: target, compute)
        net.backward(mean: result.mean, scale: result.scale, compute)
        let check = GradientCheck()
        var checked = 0
        for parameter in net.parameters where parameter.trainable {
            let analytic = parameter.gradient
            let largest = analytic.map { abs($0) }.max()!
            if configuration.batchNorm && parameter.name.hasSuffix(".bias") && !parameter.name.contains("head") {
                // A bias before batch normalisation cancels out: its gradient is 0.
                #expect(largest < 1e-5, "\(parameter.name): gradient \(largest) should vanish before batch norm")
                continue
            }
            let saved = parameter.value
            let error = check.directional(analytic: analytic, step: 3e-4) { direction, step in
                parameter.value = zip(saved, direction).map { $0 + step * $1 }
                defer { parameter.value = saved }
                return value()
            }
            #expect(error < 1e-2, "\(parameter.name): relative error \(error)")
            checked += 1
        }
        #expect(checked > 10)
    }

    /// Forward and backward give bit-identical results on 1, 2 and 3 threads (3-D: oneDNN's
    /// convolutions).
    @Test(arguments: [2, 3])
    func resultsDoNotDependOnThreadCount(dimensions: Int) {
        let configuration = UNetConfiguration(dimensions: dimensions, depth: 2, firstFilters: 8, kernelSize: 3)
        let shape = dimensions == 2 ? [4, 1, 16, 16] : [3, 1, 8, 12, 12]
        let x = GradientCheck.values(shape.reduce(1, *), seed: 30), y = GradientCheck.values(shape.reduce(1, *), seed: 31)
        func gradients(threads: Int) -> [[Float]] {
            let net = UNet(configuration, random: RandomStream(seed: 3))
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
}

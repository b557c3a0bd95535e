import Foundation
import FluoCore
import Testing
@testable import Training

/// Every layer's backward pass against central finite differences (relative error < 1e-2).
@Suite struct LayerGradientTests {
    let tolerance = 1e-2

    func expectSmall(_ errors: [String: Double], _ label: String) {
        #expect(!errors.isEmpty)
        for (name, error) in errors.sorted(by: { $0.key < $1.key }) {
            #expect(error < tolerance, "\(label) \(name): relative error \(error)")
        }
    }

    @Test(arguments: [
        ([3, 3], [2, 3, 8, 10], 4),          // 2-D 3×3
        ([5, 5], [1, 2, 7, 9], 3),           // 2-D 5×5, odd sizes
        ([3, 3, 3], [2, 2, 4, 6, 5], 3),     // 3-D 3×3×3
        ([1, 3, 3], [1, 2, 3, 6, 6], 2),     // 3-D anisotropic kernel
        ([1, 1], [2, 5, 4, 6], 3),           // 1×1 (the head)
    ])
    func convolution(kernel: [Int], shape: [Int], outChannels: Int) {
        let layer = Convolution(name: "conv", inChannels: shape[1], outChannels: outChannels, kernelSize: kernel,
                                random: RandomStream(seed: 1))
        layer.bias.value = GradientCheck.values(outChannels, seed: 3)
        for budget in [1 << 21, 40] {   // one block per sample, and one row per block
            let compute = Compute(threads: 2, training: true)
            compute.columnBudget = budget
            var check = GradientCheck()
            let count = shape.reduce(1, *)
            expectSmall(check.check(layer, input: GradientCheck.values(count, seed: 2), shape: shape, compute: compute),
                        "conv \(kernel) budget \(budget)")
        }
    }

    /// Squeeze biases shifted positive so no hidden ReLU sits at its kink within a step.
    @Test(arguments: [([2, 8, 5, 6], 4), ([2, 6, 3, 4, 5], 3), ([1, 4, 7, 3], 1)])
    func channelAttention(shape: [Int], reduction: Int) {
        let layer = ChannelAttention(name: "ca", channels: shape[1], reduction: reduction, dimensions: shape.count - 2,
                                     random: RandomStream(seed: 12))
        layer.squeezeBias.value = GradientCheck.values(layer.reducedChannels, seed: 13, low: 0.3, high: 0.6)
        layer.exciteBias.value = GradientCheck.values(shape[1], seed: 14)
        var check = GradientCheck()
        expectSmall(check.check(layer, input: GradientCheck.values(shape.reduce(1, *), seed: 15), shape: shape,
                                compute: Compute(threads: 2)), "channel attention \(shape)")
    }

    /// Channels-last attention (RCAN's between oneDNN convolutions): its gradients against
    /// finite differences, and the same output, input and weight gradients as channels-first
    /// on the transposed tensors (a layout read wrongly but consistently passes the first check
    /// and fails the second). Channel counts on and off the eight-lane vectors; with a residual.
    @Test(arguments: [([2, 16, 3, 5, 4], 4), ([1, 12, 70, 65], 3), ([2, 5, 3, 4], 1)])
    func channelAttentionChannelsLast(shape: [Int], reduction: Int) {
        func layer(_ layout: ChannelLayout) -> ChannelAttention {
            let layer = ChannelAttention(name: "ca", channels: shape[1], reduction: reduction, dimensions: shape.count - 2,
                                         random: RandomStream(seed: 12))
            layer.squeezeBias.value = GradientCheck.values(layer.reducedChannels, seed: 13, low: 0.3, high: 0.6)
            layer.exciteBias.value = GradientCheck.values(shape[1], seed: 14)
            layer.layout = layout
            return layer
        }
        let count = shape.reduce(1, *)
        let x = GradientCheck.values(count, seed: 15), dy = GradientCheck.values(count, seed: 16), r = GradientCheck.values(count, seed: 17)
        if count < 2000 {
            var check = GradientCheck()
            expectSmall(check.check(layer(.channelsLast), input: x, shape: shape, compute: Compute(threads: 2)), "channels-last attention \(shape)")
        }
        let first = layer(.channelsFirst), last = layer(.channelsLast), compute = Compute(threads: 2)
        let yFirst = first.forward(Tensor(shape: shape, values: x), adding: Tensor(shape: shape, values: r), compute).values
        let dxFirst = first.backward(Tensor(shape: shape, values: dy), compute).values
        let toLast = { ChannelsLast.from(channelsFirst: $0, shape: shape) }
        let yLast = last.forward(Tensor(shape: shape, values: toLast(x)), adding: Tensor(shape: shape, values: toLast(r)), compute).values
        let dxLast = last.backward(Tensor(shape: shape, values: toLast(dy)), compute).values
        func close(_ a: [Float], _ b: [Float]) -> Bool { zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 * max(1, abs($1)) } }
        #expect(close(ChannelsLast.toChannelsFirst(yLast, shape: shape), yFirst), "output \(shape)")
        #expect(close(ChannelsLast.toChannelsFirst(dxLast, shape: shape), dxFirst), "input gradient \(shape)")
        for (a, b) in zip(last.parameters, first.parameters) { #expect(close(a.gradient, b.gradient), "\(a.name) \(shape)") }
    }

    @Test func gelu() {
        var check = GradientCheck()
        check.step = 1e-3
        let shape = [2, 3, 4, 5]
        expectSmall(check.check(GELU(), input: GradientCheck.values(shape.reduce(1, *), seed: 16, low: -3, high: 3), shape: shape,
                                compute: Compute(threads: 2)), "gelu")
        // The tanh form against its definition at a few points (0, ±1, 2).
        let y = GELU().forward(Tensor(shape: [1, 1, 1, 4], values: [0, 1, -1, 2]), Compute(threads: 1)).values
        #expect(abs(y[0]) < 1e-7 && abs(y[1] - 0.841192) < 1e-5 && abs(y[2] + 0.158808) < 1e-5 && abs(y[3] - 1.954598) < 1e-5)
    }

    @Test func sigmoid() {
        var check = GradientCheck()
        let shape = [2, 2, 3, 4]
        expectSmall(check.check(Sigmoid(), input: GradientCheck.values(shape.reduce(1, *), seed: 17, low: -4, high: 4), shape: shape,
                                compute: Compute(threads: 2)), "sigmoid")
    }

    /// The permutation against TensorFlow's depth_to_space order, and its gradient.
    @Test(arguments: [2, 3])
    func pixelShuffle(factor r: Int) {
        let shape = [2, 2 * r * r, 3, 4]
        let layer = PixelShuffle(factor: r)
        let x = Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map(Float.init))
        let y = layer.forward(x, Compute(threads: 2))
        #expect(y.shape == [2, 2, 3 * r, 4 * r])
        // y[n, c, r·h + i, r·w + j] = x[n, (i·r + j)·C + c, h, w]
        let (n, c, h, w, i, j) = (1, 1, 2, 3, r - 1, 1)
        #expect(y.values[((n * 2 + c) * 3 * r + r * h + i) * 4 * r + r * w + j] == x.values[((n * shape[1] + (i * r + j) * 2 + c) * 3 + h) * 4 + w])
        var check = GradientCheck()
        expectSmall(check.check(layer, input: GradientCheck.values(shape.reduce(1, *), seed: 18), shape: shape, compute: Compute(threads: 2)),
                    "pixel shuffle ×\(r)")
    }

    /// Even and odd map sizes (the half spectrum's last column is self-conjugate only for even widths).
    @Test(arguments: [[2, 3, 6, 8], [1, 2, 5, 7], [1, 1, 4, 5]])
    func fourierMagnitude(shape: [Int]) {
        var check = GradientCheck()
        check.step = 1e-3
        expectSmall(check.check(FourierMagnitude(), input: GradientCheck.values(shape.reduce(1, *), seed: 19), shape: shape,
                                compute: Compute(threads: 2)), "fourier magnitude \(shape)")
        // The constant map 1 has |X| = H·W at frequency 0 only, which the shift moves to (H/2, W/2).
        let (h, w) = (shape[2], shape[3])
        let y = FourierMagnitude().forward(Tensor(shape: [1, 1, h, w], values: Array(repeating: 1, count: h * w)), Compute(threads: 1)).values
        let peak = Float(Foundation.pow(Double(h * w), 0.8))
        #expect(abs(y[(h / 2) * w + w / 2] - peak) < 1e-3 * peak)
        #expect(y.enumerated().allSatisfy { $0.offset == (h / 2) * w + w / 2 || $0.element < 1e-3 })
    }

    @Test func relu() {
        var check = GradientCheck()
        let shape = [2, 3, 4, 6]
        expectSmall(check.check(ReLU(), input: GradientCheck.spacedValues(shape.reduce(1, *), seed: 4), shape: shape,
                                compute: Compute(threads: 2)), "relu")
    }

    @Test(arguments: [[2, 3, 6, 8], [1, 2, 4, 6, 4]])
    func maxPool(shape: [Int]) {
        var check = GradientCheck()
        check.step = 1e-3
        expectSmall(check.check(MaxPool(), input: GradientCheck.spacedValues(shape.reduce(1, *), seed: 5), shape: shape,
                                compute: Compute(threads: 2, training: true)), "maxpool \(shape)")
    }

    @Test(arguments: [[2, 3, 3, 4], [1, 2, 2, 3, 2]])
    func upsample(shape: [Int]) {
        var check = GradientCheck()
        expectSmall(check.check(Upsample(), input: GradientCheck.values(shape.reduce(1, *), seed: 6), shape: shape,
                                compute: Compute(threads: 2)), "upsample \(shape)")
    }

    @Test(arguments: [[3, 4, 5, 6], [2, 3, 2, 4, 4]])
    func batchNormalization(shape: [Int]) {
        let layer = BatchNormalization(name: "bn", channels: shape[1])
        layer.gamma.value = GradientCheck.values(shape[1], seed: 8, low: 0.5, high: 2)
        layer.beta.value = GradientCheck.values(shape[1], seed: 9)
        var check = GradientCheck()
        check.step = 1e-2
        expectSmall(check.check(layer, input: GradientCheck.values(shape.reduce(1, *), seed: 10, low: -2, high: 3), shape: shape,
                                compute: Compute(threads: 2, training: true)), "batchnorm \(shape)")
    }

    @Test func dropout() {
        let compute = Compute(threads: 2, training: true)
        compute.step = 3
        let layer = Dropout(name: "drop", rate: 0.3)
        let shape = [2, 3, 4, 4]
        var check = GradientCheck()
        expectSmall(check.check(layer, input: GradientCheck.values(shape.reduce(1, *), seed: 11), shape: shape, compute: compute), "dropout")
        // About 30 % dropped, the rest scaled by 1/0.7.
        let y = layer.forward(Tensor(shape: shape, values: Array(repeating: 1, count: 96)), compute).values
        let dropped = y.filter { $0 == 0 }.count
        #expect((15...45).contains(dropped))
        #expect(y.allSatisfy { $0 == 0 || abs($0 - 1 / 0.7) < 1e-6 })
    }

    @Test func softplus() {
        var check = GradientCheck()
        let shape = [2, 2, 3, 3]
        expectSmall(check.check(Softplus(), input: GradientCheck.values(shape.reduce(1, *), seed: 12, low: -4, high: 4), shape: shape,
                                compute: Compute(threads: 2)), "softplus")
        let y = Softplus().forward(Tensor(shape: [1, 1, 1, 3], values: [-100, 0, 100]), Compute(threads: 1)).values
        #expect(abs(y[0] - 1e-3) < 1e-6 && abs(y[1] - (0.693147 + 1e-3)) < 1e-5 && abs(y[2] - 100.001) < 1e-3)
    }

    @Test func concatenation() {
        let compute = Compute(threads: 2)
        let a = GradientCheck.values(2 * 2 * 12, seed: 13), b = GradientCheck.values(2 * 3 * 12, seed: 14)
        let layer = Concatenation()
        let y = layer.forward(Tensor(shape: [2, 2, 3, 4], values: a), Tensor(shape: [2, 3, 3, 4], values: b), compute)
        #expect(y.shape == [2, 5, 3, 4])
        #expect(Array(y.values[0..<24]) == Array(a[0..<24]) && Array(y.values[24..<60]) == Array(b[0..<36]))
        #expect(Array(y.values[60..<84]) == Array(a[24..<48]))
        // Concatenation is linear, so its gradient is exact: check against finite differences all the same.
        let weights = GradientCheck.values(y.count, seed: 15)
        let (da, db) = layer.backward(Tensor(shape: y.shape, values: weights), firstChannels: 2, compute)
        var check = GradientCheck()
        func loss(_ a: [Float], _ b: [Float]) -> Double {
            let out = Concatenation().forward(Tensor(shape: [2, 2, 3, 4], values: a), Tensor(shape: [2, 3, 3, 4], values: b), compute)
            return zip(out.values, weights).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        let errorA = check.compare(count: a.count, analytic: da.values) { i, h in var p = a; p[i] += h; return loss(p, b) }
        let errorB = check.compare(count: b.count, analytic: db.values) { i, h in var p = b; p[i] += h; return loss(a, p) }
        #expect(errorA < tolerance && errorB < tolerance)
    }
}

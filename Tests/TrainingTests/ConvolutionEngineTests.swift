import FluoCore
import Testing
@testable import Training

/// Every convolution engine (Winograd, oneDNN, unfolded) on every kernel it runs: forward,
/// input and weight gradients against direct sums in double precision, within 10⁻⁴ of the
/// largest value.
@Suite struct ConvolutionEngineTests {
    /// (n, c, [z,] y, x) shapes, output channels and block budget: whole tiles, partial tiles on
    /// both axes, images smaller than a tile, several channels and blocks, blocks along x
    /// (5×5: halo columns inside the image), and 3-D stacks (channel counts off oneDNN's blocks;
    /// oneDNN's weight gradient in one slab and in several, as in the 2-D cases).
    static let cases: [([Int], Int, Int)] = [
        ([2, 3, 8, 12], 4, 1 << 21),   // one block per sample
        ([2, 5, 11, 9], 3, 40),        // partial tiles, one tile row per block
        ([1, 2, 3, 2], 2, 1 << 21),    // smaller than one tile
        ([3, 16, 20, 24], 8, 4096),    // several channels and blocks
        ([1, 3, 13, 40], 2, 600),      // several blocks along x
        ([3, 5, 4, 7, 6], 18, 1 << 21),
        ([1, 17, 3, 5, 4], 3, 300),
        ([1, 3, 9, 4, 5], 4, 1 << 21),  // oneDNN's weight gradient in two z slabs
    ]

    @Test(arguments: [3, 5], cases)
    func enginesMatchDirectSums(kernel side: Int, testCase: ([Int], Int, Int)) {
        let (shape, outChannels, budget) = testCase
        let kernel = [Int](repeating: side, count: shape.count - 2)
        let engines = Convolution.Engine.allCases.filter { $0.supports(kernelSize: kernel) }
        #expect(engines.count == (kernel.count == 2 ? 3 : 2))
        for engine in engines {
            let conv = Convolution(name: "c", inChannels: shape[1], outChannels: outChannels, kernelSize: kernel,
                                   random: RandomStream(seed: 4))
            conv.engine = engine
            conv.bias.value = GradientCheck.values(outChannels, seed: 5)
            let outputShape = [shape[0], outChannels] + shape[2...]
            let x = GradientCheck.values(shape.reduce(1, *), seed: 6), dy = GradientCheck.values(outputShape.reduce(1, *), seed: 7)
            let compute = Compute(threads: 2, training: true)
            compute.columnBudget = budget
            let y = conv.forward(Tensor(shape: shape, values: x), compute).values
            let dx = conv.backward(Tensor(shape: outputShape, values: dy), compute).values
            let reference = DirectConvolution(shape: shape, outChannels: outChannels, kernel: kernel,
                                              weights: conv.weight.value, bias: conv.bias.value, x: x, dy: dy)
            func expectClose(_ got: [Float], _ expected: [Double], _ label: String) {
                let scale = expected.map(abs).max()!
                let worst = zip(got, expected).map { abs(Double($0) - $1) }.max()!
                #expect(got.count == expected.count && worst < 1e-4 * scale,
                        "\(engine) \(label) \(kernel) \(shape): worst difference \(worst), largest value \(scale)")
            }
            expectClose(y, reference.y, "forward")
            expectClose(dx, reference.dx, "input gradient")
            expectClose(conv.weight.gradient, reference.dw, "weight gradient")
            expectClose(conv.bias.gradient, reference.db, "bias gradient")
        }
    }

    /// oneDNN on channels-last tensors (`ChannelLayout`): the same sums, read and written with
    /// the channels of a pixel side by side. Each combination of the two sides' layouts, one-
    /// channel sides (stored alike in both) and a weight gradient in two z slabs.
    @Test(arguments: [([1, 3, 9, 4, 5], 4), ([2, 16, 4, 6, 5], 8), ([1, 1, 5, 4, 6], 8), ([2, 8, 3, 4, 4], 1), ([2, 3, 7, 9], 5)])
    func oneDNNReadsAndWritesChannelsLast(shape: [Int], outChannels: Int) {
        let kernel = [Int](repeating: 3, count: shape.count - 2)
        let outputShape = [shape[0], outChannels] + shape[2...]
        let x = GradientCheck.values(shape.reduce(1, *), seed: 6), dy = GradientCheck.values(outputShape.reduce(1, *), seed: 7)
        for (inputLayout, outputLayout) in [(ChannelLayout.channelsLast, ChannelLayout.channelsLast), (.channelsFirst, .channelsLast),
                                            (.channelsLast, .channelsFirst)] {
            let conv = Convolution(name: "c", inChannels: shape[1], outChannels: outChannels, kernelSize: kernel, random: RandomStream(seed: 4))
            conv.engine = .oneDNN
            (conv.inputLayout, conv.outputLayout) = (inputLayout, outputLayout)
            conv.bias.value = GradientCheck.values(outChannels, seed: 5)
            func stored(_ values: [Float], _ shape: [Int], _ layout: ChannelLayout) -> [Float] {
                layout == .channelsLast ? ChannelsLast.from(channelsFirst: values, shape: shape) : values
            }
            func read(_ values: [Float], _ shape: [Int], _ layout: ChannelLayout) -> [Float] {
                layout == .channelsLast ? ChannelsLast.toChannelsFirst(values, shape: shape) : values
            }
            let compute = Compute(threads: 2, training: true)
            let y = read(conv.forward(Tensor(shape: shape, values: stored(x, shape, inputLayout)), compute).values, outputShape, outputLayout)
            let dx = read(conv.backward(Tensor(shape: outputShape, values: stored(dy, outputShape, outputLayout)), compute).values,
                          shape, inputLayout)
            let reference = DirectConvolution(shape: shape, outChannels: outChannels, kernel: kernel,
                                              weights: conv.weight.value, bias: conv.bias.value, x: x, dy: dy)
            for (got, expected, label) in [(y, reference.y, "forward"), (dx, reference.dx, "input gradient"),
                                           (conv.weight.gradient, reference.dw, "weight gradient"), (conv.bias.gradient, reference.db, "bias gradient")] {
                let scale = expected.map(abs).max()!, worst = zip(got, expected).map { abs(Double($0) - $1) }.max()!
                #expect(got.count == expected.count && worst < 1e-4 * scale,
                        "\(inputLayout) → \(outputLayout) \(label) \(shape): worst difference \(worst), largest value \(scale)")
            }
        }
    }

    /// The filter transform and its gradient are adjoint: ⟨G g Gᵀ, ∂U⟩ = ⟨g, Gᵀ ∂U G⟩.
    @Test func filterGradientIsAdjointOfFilterTransform() {
        let g = GradientCheck.values(2 * 3 * 9, seed: 8), du = GradientCheck.values(16 * 6, seed: 9)
        var u = [Float](repeating: 0, count: 16 * 6), dg = [Float](repeating: 0, count: 2 * 3 * 9)
        Winograd.transformFilters(g, outChannels: 2, inChannels: 3, into: &u)
        Winograd.filterGradient(du, outChannels: 2, inChannels: 3, inputMajor: false, into: &dg)
        let left = zip(u, du).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        let right = zip(g, dg).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        #expect(abs(left - right) < 1e-5 * max(1, abs(left)))
    }
}

/// A "same" convolution and its gradients by direct sums in double precision (2-D as one z plane).
struct DirectConvolution {
    var y: [Double], dx: [Double], dw: [Double], db: [Double]

    init(shape: [Int], outChannels: Int, kernel: [Int], weights w: [Float], bias: [Float], x: [Float], dy: [Float]) {
        let batch = shape[0], channels = shape[1]
        let (depth, height, width) = shape.count == 5 ? (shape[2], shape[3], shape[4]) : (1, shape[2], shape[3])
        let (kz, ky, kx) = kernel.count == 3 ? (kernel[0], kernel[1], kernel[2]) : (1, kernel[0], kernel[1])
        let voxels = depth * height * width
        y = [Double](repeating: 0, count: dy.count)
        dx = [Double](repeating: 0, count: x.count)
        dw = [Double](repeating: 0, count: w.count)
        db = [Double](repeating: 0, count: outChannels)
        for n in 0..<batch { for o in 0..<outChannels { for z in 0..<depth { for yy in 0..<height { for xx in 0..<width {
            let out = (n * outChannels + o) * voxels + (z * height + yy) * width + xx
            y[out] = Double(bias[o])
            db[o] += Double(dy[out])
            for c in 0..<channels { for a in 0..<kz { for b in 0..<ky { for e in 0..<kx {
                let sz = z + a - kz / 2, sy = yy + b - ky / 2, sx = xx + e - kx / 2
                guard (0..<depth).contains(sz), (0..<height).contains(sy), (0..<width).contains(sx) else { continue }
                let input = (n * channels + c) * voxels + (sz * height + sy) * width + sx
                let weight = (((o * channels + c) * kz + a) * ky + b) * kx + e
                y[out] += Double(w[weight]) * Double(x[input])
                dx[input] += Double(w[weight]) * Double(dy[out])
                dw[weight] += Double(x[input]) * Double(dy[out])
            } } } }
        } } } } }
    }
}

/// Conversions between channels-first values (n, c, spatial…) and channels-last ones (n, spatial…, c).
enum ChannelsLast {
    static func from(channelsFirst values: [Float], shape: [Int]) -> [Float] {
        let (n, c, plane) = (shape[0], shape[1], shape[2...].reduce(1, *))
        var out = [Float](repeating: 0, count: values.count)
        for s in 0..<n { for ch in 0..<c { for p in 0..<plane { out[(s * plane + p) * c + ch] = values[(s * c + ch) * plane + p] } } }
        return out
    }

    static func toChannelsFirst(_ values: [Float], shape: [Int]) -> [Float] {
        let (n, c, plane) = (shape[0], shape[1], shape[2...].reduce(1, *))
        var out = [Float](repeating: 0, count: values.count)
        for s in 0..<n { for ch in 0..<c { for p in 0..<plane { out[(s * c + ch) * plane + p] = values[(s * plane + p) * c + ch] } } }
        return out
    }
}

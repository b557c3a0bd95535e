import FluoCore
import Testing
@testable import Training

/// 2-D 3×3 and 5×5 convolutions run through Winograd's F(2×2, 3×3): forward, input and weight
/// gradients against direct sums in double precision, within 10⁻⁴ of the largest value.
@Suite struct WinogradTests {
    /// (n, c, y, x) shapes: whole tiles, partial tiles on both axes, images smaller than a tile.
    static let cases: [([Int], Int, Int)] = [
        ([2, 3, 8, 12], 4, 1 << 21),   // one block per sample
        ([2, 5, 11, 9], 3, 40),        // partial tiles, one tile row per block
        ([1, 2, 3, 2], 2, 1 << 21),    // smaller than one tile
        ([3, 16, 20, 24], 8, 4096),    // several channels and blocks
        ([1, 3, 13, 40], 2, 600),      // several blocks along x (5×5: halo columns inside the image)
    ]

    @Test(arguments: [3, 5], cases)
    func matchesDirectSums(kernel: Int, testCase: ([Int], Int, Int)) {
        let (shape, outChannels, budget) = testCase
        let (batch, channels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let conv = Convolution(name: "c", inChannels: channels, outChannels: outChannels, kernelSize: [kernel, kernel],
                               random: RandomStream(seed: 4))
        #expect(conv.usesWinograd)
        conv.bias.value = GradientCheck.values(outChannels, seed: 5)
        let x = GradientCheck.values(shape.reduce(1, *), seed: 6)
        let dy = GradientCheck.values(batch * outChannels * height * width, seed: 7)
        let compute = Compute(threads: 2, training: true)
        compute.columnBudget = budget
        let y = conv.forward(Tensor(shape: shape, values: x), compute).values
        let dx = conv.backward(Tensor(shape: [batch, outChannels, height, width], values: dy), compute).values

        let w = conv.weight.value
        var yReference = [Double](repeating: 0, count: dy.count)
        var dxReference = [Double](repeating: 0, count: x.count)
        var dwReference = [Double](repeating: 0, count: w.count)
        var dbReference = [Double](repeating: 0, count: outChannels)
        for n in 0..<batch { for o in 0..<outChannels { for yy in 0..<height { for xx in 0..<width {
            let out = ((n * outChannels + o) * height + yy) * width + xx
            yReference[out] = Double(conv.bias.value[o])
            dbReference[o] += Double(dy[out])
            for c in 0..<channels { for a in 0..<kernel { for b in 0..<kernel {
                let sy = yy + a - kernel / 2, sx = xx + b - kernel / 2
                guard (0..<height).contains(sy), (0..<width).contains(sx) else { continue }
                let input = ((n * channels + c) * height + sy) * width + sx, weight = ((o * channels + c) * kernel + a) * kernel + b
                yReference[out] += Double(w[weight]) * Double(x[input])
                dxReference[input] += Double(w[weight]) * Double(dy[out])
                dwReference[weight] += Double(x[input]) * Double(dy[out])
            } } }
        } } } }
        func expectClose(_ got: [Float], _ expected: [Double], _ label: String) {
            let scale = expected.map(abs).max()!
            let worst = zip(got, expected).map { abs(Double($0) - $1) }.max()!
            #expect(worst < 1e-4 * scale, "\(label) \(kernel)×\(kernel) \(shape): worst difference \(worst), largest value \(scale)")
        }
        expectClose(y, yReference, "forward")
        expectClose(dx, dxReference, "input gradient")
        expectClose(conv.weight.gradient, dwReference, "weight gradient")
        expectClose(conv.bias.gradient, dbReference, "bias gradient")
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

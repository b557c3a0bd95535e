/// The products of `Convolution` for 2-D 3×3 kernels through Winograd's F(2×2, 3×3)
/// (`Winograd` has the transforms and their formulas).
///
/// Forward, per sample and block of tiles: V = Bᵀ d B of the input, 16 products
/// M_ξ (O × T) = U_ξ (O × C) · V_ξ (C × T), then Y = Aᵀ M A with the bias (and ReLU) into the
/// output. The input gradient is the same computation on ∂y with the transposed filters.
/// Weight gradients, per sample over its blocks: ∂U_ξ (O × C) += ∂M_ξ (O × T) · V_ξᵀ (T × C)
/// with ∂M = A ∂Y Aᵀ; the batch sum (in sample order) is mapped back by ∂w = Gᵀ ∂U G.
extension Convolution {
    /// Whether this layer runs through Winograd's F(2×2, 3×3).
    var usesWinograd: Bool { kernelSize == [3, 3] }

    /// The blocks of tiles for an image of `size`: the transformed input and products of a
    /// block (16 × (C + O) × T floats) fit `compute.columnBudget`.
    static func winogradBlocks(_ size: Size3, channels: Int, _ compute: Compute) -> [Winograd.Block] {
        Winograd.blocks(size, tiles: compute.columnBudget / (Winograd.positions * channels))
    }

    /// y = conv(x, w) (+ b, then max(0, ·) if `relu`), or with `transposed` the convolution
    /// with the transposed, rotated filters (x has this layer's output channels, y its inputs).
    func convolveWinograd(_ x: Tensor, weights: UnsafePointer<Float>, transposed: Bool, bias: UnsafePointer<Float>?, relu: Bool,
                          into y: Tensor, _ compute: Compute) {
        let size = Size3(x.spatialShape), inputs = x.channels, outputs = y.channels
        let positions = Winograd.positions, pairs = inputs * outputs
        if transformedFilters.count != positions * pairs { transformedFilters = [Float](repeating: 0, count: positions * pairs) }
        transformedFilters.withUnsafeMutableBufferPointer { u in
            Winograd.transformFilters(weights, outChannels: outChannels, inChannels: inChannels, transposed: transposed, into: u.baseAddress!)
        }
        let blocks = Convolution.winogradBlocks(size, channels: inputs + outputs, compute)
        transformedFilters.withUnsafeBufferPointer { u in
            nonisolated(unsafe) let u = u.baseAddress!
            compute.parallel(x.batch * blocks.count) { item, worker in
                let n = item / blocks.count, block = blocks[item % blocks.count], count = block.count
                let v = compute.scratch(worker: worker, slot: 0, count: positions * inputs * count)
                let m = compute.scratch(worker: worker, slot: 1, count: positions * outputs * count)
                let scratch = compute.scratch(worker: worker, slot: 2, count: Winograd.scratchCount(block))
                Winograd.transformInput(x.sample(n), channels: inputs, size: size, block: block, into: v, scratch: scratch)
                for p in 0..<positions {
                    BLAS.gemm(m: outputs, n: count, k: inputs, a: u + p * pairs, lda: inputs, b: v + p * inputs * count, ldb: count,
                              beta: 0, c: m + p * outputs * count, ldc: count)
                }
                Winograd.transformOutput(m, channels: outputs, size: size, block: block, bias: bias, relu: relu, into: y.sample(n), scratch: scratch)
            }
        }
    }

    /// ∂w and ∂b: ∂U per sample into its own slice of `sampleGradients`, summed in order, then ∂w = Gᵀ ∂U G.
    func weightGradientsWinograd(_ x: Tensor, _ dy: Tensor, _ compute: Compute) {
        let size = Size3(x.spatialShape), plane = size.count
        let positions = Winograd.positions, pairs = outChannels * inChannels
        let perSample = positions * pairs + outChannels
        let batch = x.batch, outChannels = self.outChannels, inChannels = self.inChannels
        if sampleGradients.count < batch * perSample {
            sampleGradients = [Float](repeating: 0, count: batch * perSample)
        }
        let blocks = Convolution.winogradBlocks(size, channels: inChannels + outChannels, compute)
        // ∂U_ξ, or ∂U_ξᵀ = V_ξ ∂M_ξᵀ when there are more input than output channels: the larger
        // side as the product's rows runs 10–25 % faster in OpenBLAS for these thin shapes.
        let inputMajor = inChannels > outChannels
        let product = inputMajor ? (m: inChannels, n: outChannels) : (m: outChannels, n: inChannels)
        var total = [Float](repeating: 0, count: perSample)
        sampleGradients.withUnsafeMutableBufferPointer { grads in
            let grads = grads.baseAddress!
            compute.parallel(batch) { n, worker in
                let du = grads + n * perSample
                for (index, block) in blocks.enumerated() {
                    let count = block.count
                    let v = compute.scratch(worker: worker, slot: 0, count: positions * inChannels * count)
                    let dm = compute.scratch(worker: worker, slot: 1, count: positions * outChannels * count)
                    let scratch = compute.scratch(worker: worker, slot: 2, count: Winograd.scratchCount(block))
                    Winograd.transformInput(x.sample(n), channels: inChannels, size: size, block: block, into: v, scratch: scratch)
                    Winograd.transformGradient(dy.sample(n), channels: outChannels, size: size, block: block, into: dm, scratch: scratch)
                    for p in 0..<positions {
                        let gradient = dm + p * outChannels * count, input = v + p * inChannels * count
                        BLAS.gemm(transB: true, m: product.m, n: product.n, k: count, a: inputMajor ? input : gradient, lda: count,
                                  b: inputMajor ? gradient : input, ldb: count, beta: index == 0 ? 0 : 1, c: du + p * pairs, ldc: product.n)
                    }
                }
                Convolution.sumPlanes(dy.sample(n), channels: outChannels, plane: plane, into: du + positions * pairs)
            }
            total.withUnsafeMutableBufferPointer { Convolution.sumSamples(grads, batch: batch, perSample: perSample, into: $0.baseAddress!, compute) }
        }
        total.withUnsafeBufferPointer { total in
            weight.gradient.withUnsafeMutableBufferPointer { dw in
                Winograd.filterGradient(total.baseAddress!, outChannels: outChannels, inChannels: inChannels, inputMajor: inputMajor,
                                        into: dw.baseAddress!)
            }
        }
        bias.gradient = Array(total[(positions * pairs)...])
    }
}

/// The products of `Convolution` for 2-D 3×3 and 5×5 kernels through Winograd's F(2×2, 3×3)
/// (`Winograd` has the transforms and their formulas, `WinogradKernel` the 3×3 pieces of a kernel).
///
/// Forward, per sample and block of tiles: V = Bᵀ d B of the input, then for each piece π with
/// tile offset δ_π 16 products M_ξ[t] (O × T) += U_πξ (O × C) · V_ξ[t + δ_π] (C × T), then
/// Y = Aᵀ M A with the bias (and ReLU) into the output. The input gradient is the same
/// computation on ∂y with the transposed, rotated kernel. Weight gradients, per sample over its
/// blocks: ∂U_πξ (O × C) += ∂M_ξ[t] (O × T) · V_ξ[t + δ_π]ᵀ (T × C) with ∂M = A ∂Y Aᵀ; the
/// batch sum (in sample order) is mapped back by ∂g_π = Gᵀ ∂U_π G and the pieces' taps.
extension Convolution {
    /// Whether this layer runs through Winograd's F(2×2, 3×3).
    var usesWinograd: Bool { engine == .winograd }

    /// The blocks of tiles for an image of `size`: the transformed input and products of a
    /// block (16 × (C + O) × T floats) fit `compute.columnBudget`.
    static func winogradBlocks(_ size: Size3, channels: Int, _ compute: Compute) -> [Winograd.Block] {
        Winograd.blocks(size, tiles: compute.columnBudget / (Winograd.positions * channels))
    }

    /// y = conv(x, w) (+ b, then max(0, ·) if `relu`) for a kernel `weights` of this layer's
    /// size with y.channels × x.channels filters (the layer's own, or for the input gradient
    /// its transposed, rotated ones).
    func convolveWinograd(_ x: Tensor, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                          into y: Tensor, _ compute: Compute) {
        guard let plan = winograd else { preconditionFailure("convolveWinograd: kernel \(kernelSize) has no Winograd pieces") }
        let size = Size3(x.spatialShape), inputs = x.channels, outputs = y.channels
        let positions = Winograd.positions, pairs = inputs * outputs, perPiece = positions * pairs
        if transformedFilters.count != plan.pieces * perPiece { transformedFilters = [Float](repeating: 0, count: plan.pieces * perPiece) }
        let filters = plan.pieceFilters(weights, pairs: pairs)
        filters.withUnsafeBufferPointer { g in
            transformedFilters.withUnsafeMutableBufferPointer { u in
                for piece in 0..<plan.pieces {
                    Winograd.transformFilters(g.baseAddress! + piece * pairs * 9, outChannels: outputs, inChannels: inputs,
                                              into: u.baseAddress! + piece * perPiece)
                }
            }
        }
        let blocks = Convolution.winogradBlocks(size, channels: inputs + outputs, compute)
        transformedFilters.withUnsafeBufferPointer { u in
            nonisolated(unsafe) let u = u.baseAddress!
            compute.parallel(x.batch * blocks.count) { item, worker in
                let n = item / blocks.count, block = blocks[item % blocks.count]
                let extended = plan.extended(block), layout = plan.layout(block), count = layout.count
                let v = compute.scratch(worker: worker, slot: 0, count: positions * inputs * count)
                let m = compute.scratch(worker: worker, slot: 1, count: positions * outputs * count)
                let scratch = compute.scratch(worker: worker, slot: 2, count: Winograd.scratchCount(extended))
                Winograd.transformInput(x.sample(n), channels: inputs, size: size, block: extended, windowOffset: plan.windowOffset,
                                        into: v, scratch: scratch)
                let first = plan.firstTile(layout)
                for p in 0..<positions {
                    for piece in 0..<plan.pieces {
                        BLAS.gemm(m: outputs, n: count - first, k: inputs, a: u + piece * perPiece + p * pairs, lda: inputs,
                                  b: v + p * inputs * count + first + plan.offset(piece, layout), ldb: count,
                                  beta: piece == 0 ? 0 : 1, c: m + p * outputs * count + first, ldc: count)
                    }
                }
                Winograd.transformOutput(m, channels: outputs, size: size, block: block, layout: layout, bias: bias, relu: relu,
                                         into: y.sample(n), scratch: scratch)
            }
        }
    }

    /// ∂w and ∂b: ∂U per sample into its own slice of `sampleGradients`, summed in order, then
    /// ∂g_π = Gᵀ ∂U_π G per piece, gathered into ∂w.
    func weightGradientsWinograd(_ x: Tensor, _ dy: Tensor, _ compute: Compute) {
        guard let plan = winograd else { preconditionFailure("weightGradientsWinograd: kernel \(kernelSize) has no Winograd pieces") }
        let size = Size3(x.spatialShape), plane = size.count
        let positions = Winograd.positions, pairs = outChannels * inChannels, perPiece = positions * pairs
        let perSample = plan.pieces * perPiece + outChannels
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
                    let extended = plan.extended(block), layout = plan.layout(block), count = layout.count
                    let v = compute.scratch(worker: worker, slot: 0, count: positions * inChannels * count)
                    let dm = compute.scratch(worker: worker, slot: 1, count: positions * outChannels * count)
                    let scratch = compute.scratch(worker: worker, slot: 2, count: Winograd.scratchCount(extended))
                    Winograd.transformInput(x.sample(n), channels: inChannels, size: size, block: extended, windowOffset: plan.windowOffset,
                                            into: v, scratch: scratch)
                    if count > block.count { dm.update(repeating: 0, count: positions * outChannels * count) }   // the halo adds nothing
                    Winograd.transformGradient(dy.sample(n), channels: outChannels, size: size, block: block, layout: layout,
                                               into: dm, scratch: scratch)
                    let first = plan.firstTile(layout)
                    for p in 0..<positions {
                        for piece in 0..<plan.pieces {
                            let gradient = dm + p * outChannels * count + first
                            let input = v + p * inChannels * count + first + plan.offset(piece, layout)
                            BLAS.gemm(transB: true, m: product.m, n: product.n, k: count - first, a: inputMajor ? input : gradient, lda: count,
                                      b: inputMajor ? gradient : input, ldb: count, beta: index == 0 ? 0 : 1,
                                      c: du + piece * perPiece + p * pairs, ldc: product.n)
                        }
                    }
                }
                Convolution.sumPlanes(dy.sample(n), channels: outChannels, plane: plane, into: du + plan.pieces * perPiece)
            }
            total.withUnsafeMutableBufferPointer { Convolution.sumSamples(grads, batch: batch, perSample: perSample, into: $0.baseAddress!, compute) }
        }
        var pieceGradients = [Float](repeating: 0, count: plan.pieces * pairs * 9)
        total.withUnsafeBufferPointer { total in
            pieceGradients.withUnsafeMutableBufferPointer { dg in
                for piece in 0..<plan.pieces {
                    Winograd.filterGradient(total.baseAddress! + piece * perPiece, outChannels: outChannels, inChannels: inChannels,
                                            inputMajor: inputMajor, into: dg.baseAddress! + piece * pairs * 9)
                }
            }
        }
        weight.gradient = plan.kernelGradient(pieceGradients, pairs: pairs)
        bias.gradient = Array(total[(plan.pieces * perPiece)...])
    }
}

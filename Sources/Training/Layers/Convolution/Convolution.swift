import FluoCore

/// A 2-D or 3-D convolution with "same" zero padding, stride 1 and a bias:
/// y[n, o, p] = b[o] + Σ_{i, δ} w[o, i, δ] · x[n, i, p + δ − k/2], for odd kernel sizes k.
///
/// Three engines compute it, chosen per layer by measurement (`Engine.preferred`;
/// `fluobench layers` and `fluobench training` give the tables in BENCHMARKS.md):
/// - **Winograd** F(2×2, 3×3) (`WinogradConvolution.swift`) for 2-D 3×3 kernels: 4
///   multiply-adds per output pixel and channel pair instead of 9 (it also runs 5×5 kernels,
///   as four 3×3 pieces: 16 instead of 25).
/// - **oneDNN** (`OneDNNConvolution`) for every other kernel larger than 1×1: its direct JIT
///   convolutions on channel-blocked layouts, about twice the rate of unfolded products on
///   3×3×3 kernels.
/// - **Unfolded** products for 1×1 kernels (the input itself is the matrix), and on request
///   for any kernel: per sample and block of image rows, im2col (`Im2Col`) and one
///   `cblas_sgemm`, out (O × n) = W (O × K) · columns (K × n), K = I·kz·ky·kx.
///
/// Backward on Winograd and unfolded products (oneDNN has its own, `OneDNNConvolution`), for
/// input gradients: the transposed convolution, which for "same" padding and odd kernels is the convolution of ∂y with the kernel rotated by 180° and transposed in
/// channels, w̃[i, o, δ] = w[o, i, k − 1 − δ], so it runs through the same forward code. For
/// weights: one sum per sample into its own buffer (directly ∂w = Σ ∂y_n (O × P) · columnsᵀ_n
/// (P × K); Winograd ∂U_ξ = Σ ∂M_ξ V_ξᵀ), then summed in sample order (thread-count independent).
public final class Convolution: Layer {
    public let inChannels: Int
    public let outChannels: Int
    /// Kernel size per image axis, (ky, kx) or (kz, ky, kx).
    public let kernelSize: [Int]
    /// (out, in, [kz,] ky, kx).
    public let weight: Parameter
    /// (out).
    public let bias: Parameter
    /// Whether `backward` computes the input gradient (not needed for the first layer).
    public var needsInputGradient = true
    /// Applies max(0, ·) to the output in the same pass as the bias (saves a pass over memory;
    /// the following `ReLU` then only keeps the output for its backward pass).
    public var fusedReLU = false
    /// How the input and output tensors hold their channels (`ChannelLayout`); channels-last
    /// runs on oneDNN only.
    public var inputLayout = ChannelLayout.channelsFirst, outputLayout = ChannelLayout.channelsFirst

    private var input: Tensor?
    private var output: Tensor?
    private var inputGradient: Tensor?
    /// Per-sample weight and bias gradients before the sum over the batch.
    var sampleGradients: [Float] = []
    /// How a 2-D 3×3 or 5×5 kernel runs through Winograd's F(2×2, 3×3); nil: directly.
    let winograd: WinogradKernel?
    /// The engine this layer's products run on (`Engine.preferred` unless set; every engine
    /// computes the same convolution, to rounding).
    public var engine: Engine {
        didSet { precondition(engine.supports(kernelSize: kernelSize), "Convolution: \(engine) cannot run kernel \(kernelSize)") }
    }
    /// Whether either side is channels-last (which only the oneDNN engine reads and writes).
    var usesChannelsLast: Bool { inputLayout == .channelsLast || outputLayout == .channelsLast }
    /// oneDNN's primitives for the last input shape (`engine == .oneDNN`).
    private var oneDNN: OneDNNConvolution?
    /// Winograd-transformed filters (forward, or transposed for the input gradient).
    var transformedFilters: [Float] = []
    var kernel: Size3 { Size3(kernelSize) }
    private var kernelVolume: Int { kernelSize.reduce(1, *) }

    /// A convolution with Glorot-uniform weights (limit √(6 / (fan_in + fan_out)), fan =
    /// channels × kernel volume; Keras's default) drawn from `random`, and zero bias.
    public init(name: String, inChannels: Int, outChannels: Int, kernelSize: [Int], random: RandomStream) {
        precondition(kernelSize.allSatisfy { $0 > 0 && $0 % 2 == 1 }, "Convolution: kernel sizes must be odd, got \(kernelSize)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        winograd = WinogradKernel(kernelSize: kernelSize)
        engine = Engine.preferred(kernelSize: kernelSize)
        let volume = kernelSize.reduce(1, *)
        let limit = (6.0 / Double((inChannels + outChannels) * volume)).squareRoot()
        var random = random
        let values = (0..<(outChannels * inChannels * volume)).map { _ in Float(random.uniform(-limit, limit)) }
        weight = Parameter(name: name + ".weight", shape: [outChannels, inChannels] + kernelSize, value: values)
        bias = Parameter(name: name + ".bias", shape: [outChannels], value: Array(repeating: 0, count: outChannels))
    }

    public var parameters: [Parameter] { [weight, bias] }

    /// Multiply-adds per output pixel of a direct convolution.
    var multiplyAdds: Double { Double(weight.count) }
    /// Multiply-adds per output pixel in the products this layer runs (Winograd: fewer).
    var executedMultiplyAdds: Double { multiplyAdds * (usesWinograd ? winograd!.multiplyAddShare : 1) }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        precondition(x.channels == inChannels && x.spatialRank == kernelSize.count,
                     "Convolution: input \(x.shape) does not fit \(inChannels) channels and kernel \(kernelSize)")
        precondition(engine == .oneDNN || !usesChannelsLast, "Convolution: channels-last tensors need the oneDNN engine, not \(engine)")
        input = x
        let y = Tensor.reusing(output, shape: [x.batch, outChannels] + x.spatialShape)
        output = y
        weight.value.withUnsafeBufferPointer { w in
            bias.value.withUnsafeBufferPointer { b in
                switch engine {
                case .winograd:
                    convolveWinograd(x, weights: w.baseAddress!, bias: b.baseAddress!, relu: fusedReLU, into: y, compute)
                case .oneDNN:
                    oneDNN(for: x, compute).forward(x, weights: w.baseAddress!, bias: b.baseAddress!, into: y, compute)
                case .unfolded:
                    Convolution.convolve(x, weights: w.baseAddress!, bias: b.baseAddress!, relu: fusedReLU, kernel: kernel, into: y, compute)
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        guard let x = input else { preconditionFailure("Convolution.backward before forward") }
        let dx = Tensor.reusing(inputGradient, shape: x.shape)
        inputGradient = dx
        switch engine {
        case .winograd: weightGradientsWinograd(x, dy, compute)
        case .oneDNN: (weight.gradient, bias.gradient) = oneDNN(for: x, compute).weightGradients(x, dy, compute)
        case .unfolded: weightGradients(x, dy, compute)
        }
        guard needsInputGradient else { return dx }
        if engine == .oneDNN {
            weight.value.withUnsafeBufferPointer { oneDNN(for: x, compute).inputGradient(dy, weights: $0.baseAddress!, into: dx, compute) }
            return dx
        }
        transposedWeights.withUnsafeBufferPointer { w in
            if usesWinograd {
                convolveWinograd(dy, weights: w.baseAddress!, bias: nil, relu: false, into: dx, compute)
            } else {
                Convolution.convolve(dy, weights: w.baseAddress!, bias: nil, relu: false, kernel: kernel, into: dx, compute)
            }
        }
        return dx
    }

    /// oneDNN's primitives for input `x` on `compute`'s threads, built when the shape changes.
    /// A one-channel side is stored alike in both layouts, so it takes the other side's, and
    /// oneDNN runs one layout throughout.
    private func oneDNN(for x: Tensor, _ compute: Compute) -> OneDNNConvolution {
        var shape = OneDNNConvolution.Shape(input: x.shape, outChannels: outChannels, kernel: kernelSize,
                                            threads: compute.threads, relu: fusedReLU,
                                            inputLayout: inputLayout, outputLayout: outputLayout)
        if inChannels == 1 { shape.inputLayout = outputLayout }
        if outChannels == 1 { shape.outputLayout = shape.inputLayout }
        if let oneDNN, oneDNN.shape == shape { return oneDNN }
        let plan = OneDNNConvolution(shape)
        oneDNN = plan
        return plan
    }

    /// The kernel of the transposed convolution, w̃[i, o, δ] = w[o, i, k − 1 − δ].
    private var transposedWeights: [Float] {
        let volume = kernelVolume
        var flipped = [Float](repeating: 0, count: weight.count)
        for o in 0..<outChannels {
            for i in 0..<inChannels {
                for d in 0..<volume {
                    flipped[(i * outChannels + o) * volume + volume - 1 - d] = weight.value[(o * inChannels + i) * volume + d]
                }
            }
        }
        return flipped
    }

    /// ∂w and ∂b: one product per sample into its own slice of `sampleGradients`, summed in order.
    private func weightGradients(_ x: Tensor, _ dy: Tensor, _ compute: Compute) {
        let size = Size3(x.spatialShape), kernel = self.kernel
        let columnsK = inChannels * kernelVolume, plane = size.count
        let perSample = weight.count + outChannels
        let batch = x.batch, outChannels = self.outChannels, inChannels = self.inChannels
        if sampleGradients.count < batch * perSample {
            sampleGradients = [Float](repeating: 0, count: batch * perSample)
        }
        let pointwise = kernelVolume == 1
        let rowsPerBlock = pointwise ? size.rows : Swift.max(1, compute.columnBudget / (columnsK * size.x))
        sampleGradients.withUnsafeMutableBufferPointer { grads in
            let grads = grads.baseAddress!
            compute.parallel(batch) { n, worker in
                let dw = grads + n * perSample, db = dw + outChannels * columnsK
                let dyn = dy.sample(n), xn = x.sample(n)
                var first = true
                for start in stride(from: 0, to: size.rows, by: rowsPerBlock) {
                    let rows = start ..< Swift.min(size.rows, start + rowsPerBlock)
                    let pixels = rows.count * size.x
                    let (columns, ldb) = Convolution.columns(of: xn, rows: rows, channels: inChannels, size: size,
                                                             kernel: kernel, compute: compute, worker: worker)
                    BLAS.gemm(transB: true, m: outChannels, n: columnsK, k: pixels,
                              a: dyn + start * size.x, lda: plane, b: columns, ldb: ldb,
                              beta: first ? 0 : 1, c: dw, ldc: columnsK)
                    first = false
                }
                Convolution.sumPlanes(dyn, channels: outChannels, plane: plane, into: db)
            }
            var total = [Float](repeating: 0, count: perSample)
            total.withUnsafeMutableBufferPointer { Convolution.sumSamples(grads, batch: batch, perSample: perSample, into: $0.baseAddress!, compute) }
            weight.gradient = Array(total[..<(outChannels * columnsK)])
            bias.gradient = Array(total[(outChannels * columnsK)...])
        }
    }

    /// db[o] = Σ_p dy[o, p] for one sample's `channels` planes.
    /// The im2col matrix (inChannels·|kernel| × pixels, leading dimension `ldb`) of `rows` of
    /// one sample: the sample itself for 1 × 1 kernels, else unfolded into the worker's scratch.
    static func columns(of sample: UnsafeMutablePointer<Float>, rows: Range<Int>, channels: Int, size: Size3, kernel: Size3,
                        compute: Compute, worker: Int) -> (columns: UnsafePointer<Float>, ldb: Int) {
        let pixels = rows.count * size.x
        if kernel.count == 1 { return (UnsafePointer(sample + rows.lowerBound * size.x), size.count) }
        let buffer = compute.scratch(worker: worker, count: channels * kernel.count * pixels)
        Im2Col.unfold(sample, channels: channels, size: size, kernel: kernel, rows: rows, into: buffer)
        return (UnsafePointer(buffer), pixels)
    }

    static func sumPlanes(_ dy: UnsafePointer<Float>, channels: Int, plane: Int, into db: UnsafeMutablePointer<Float>) {
        for o in 0..<channels { db[o] = SIMDSum.sum(dy + o * plane, count: plane) }
    }

    /// total[i] = Σ_n grads[n·perSample + i], summed in sample order, for i < perSample.
    static func sumSamples(_ grads: UnsafePointer<Float>, batch: Int, perSample: Int,
                           into total: UnsafeMutablePointer<Float>, _ compute: Compute) {
        compute.parallelRanges(perSample, minimum: 4096) { range in
            let out = total + range.lowerBound
            out.update(from: grads + range.lowerBound, count: range.count)
            for n in 1..<batch {
                let sample = grads + n * perSample + range.lowerBound
                for i in 0..<range.count { out[i] += sample[i] }
            }
        }
    }

    /// y = conv(x, w) (+ b, then max(0, ·) if `relu`): the product per sample and block of
    /// rows. `weights` is (y.channels × x.channels·kernel volume), row-major.
    ///
    /// 2-D kernels with ky > 1 unfold along x only: U holds, for every (channel, kx) pair, the
    /// block's rows plus ky/2 halo rows above and below, shifted by kx − kx/2 (zero outside);
    /// row offset b of the kernel is then U shifted by b image rows, so the convolution is ky
    /// products out (O × n) += W_b (O × I·kx) · U[:, b·W ..< b·W + n] with no further copies
    /// (a third of im2col's memory traffic for 3×3 kernels).
    static func convolve(_ x: Tensor, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>?, relu: Bool,
                         kernel: Size3, into y: Tensor, _ compute: Compute) {
        let size = Size3(x.spatialShape), plane = size.count
        let inChannels = x.channels, outChannels = y.channels
        let columnsK = inChannels * kernel.count
        let pointwise = kernel.count == 1
        let rowShifts = x.spatialRank == 2 && kernel.y > 1
        let unfoldedRows = inChannels * (rowShifts ? kernel.x : kernel.count)
        let halo = rowShifts ? kernel.y / 2 : 0
        let rowsPerBlock = pointwise ? Swift.max(1, (1 << 16) / size.x)
                                     : Swift.max(1, compute.columnBudget / (unfoldedRows * size.x) - 2 * halo)
        let blocks = (size.rows + rowsPerBlock - 1) / rowsPerBlock
        // W_b (O × I·kx) for each kernel row b.
        var shifted: [Float] = []
        if rowShifts {
            shifted = [Float](repeating: 0, count: kernel.y * outChannels * inChannels * kernel.x)
            for b in 0..<kernel.y {
                for o in 0..<outChannels {
                    for i in 0..<inChannels {
                        for e in 0..<kernel.x {
                            shifted[((b * outChannels + o) * inChannels + i) * kernel.x + e] = weights[((o * inChannels + i) * kernel.y + b) * kernel.x + e]
                        }
                    }
                }
            }
        }
        shifted.withUnsafeBufferPointer { shifted in
            nonisolated(unsafe) let shifted = shifted
            compute.parallel(x.batch * blocks) { item, worker in
                let n = item / blocks, start = (item % blocks) * rowsPerBlock
                let rows = start ..< Swift.min(size.rows, start + rowsPerBlock)
                let pixels = rows.count * size.x
                let xn = x.sample(n)
                let out = y.sample(n) + start * size.x
                if rowShifts {
                    let span = (rows.count + 2 * halo) * size.x
                    let buffer = compute.scratch(worker: worker, count: unfoldedRows * span)
                    Im2Col.unfoldRows(xn, channels: inChannels, size: size, kernelX: kernel.x,
                                      rows: (rows.lowerBound - halo) ..< (rows.upperBound + halo), into: buffer)
                    let k = inChannels * kernel.x
                    for b in 0..<kernel.y {
                        BLAS.gemm(m: outChannels, n: pixels, k: k, a: shifted.baseAddress! + b * outChannels * k, lda: k,
                                  b: buffer + b * size.x, ldb: span, beta: b == 0 ? 0 : 1, c: out, ldc: plane)
                    }
                } else {
                    let (columns, ldb) = Convolution.columns(of: xn, rows: rows, channels: inChannels, size: size,
                                                             kernel: kernel, compute: compute, worker: worker)
                    BLAS.gemm(m: outChannels, n: pixels, k: columnsK, a: weights, lda: columnsK,
                              b: columns, ldb: ldb, beta: 0, c: out, ldc: plane)
                }
                if let bias {
                    for o in 0..<outChannels {
                        let line = out + o * plane, value = bias[o]
                        if relu {
                            for p in 0..<pixels { line[p] = Swift.max(0, line[p] + value) }
                        } else {
                            for p in 0..<pixels { line[p] += value }
                        }
                    }
                }
            }
        }
    }
}

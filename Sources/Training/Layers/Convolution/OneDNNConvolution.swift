import CDNNL

/// The products of `Convolution` through oneDNN's direct convolutions for one input shape and
/// thread count: the JIT kernels TensorFlow-CPU runs. Channels-first tensors reach the
/// channel-blocked layouts those kernels prefer (e.g. nCdhw16c) by reorders there and back;
/// channels-last tensors (`ChannelLayout`) are read and written as they are.
///
/// - Forward, y = conv(x, w) + b (then max(0, ·) as a post-operation when the ReLU is fused),
///   and the input gradient ∂x = conv_transposed(∂y, w) run on the whole batch with
///   `threads` OpenMP threads. Each output element is one thread's sum in a fixed order, so
///   both give the same bytes for any thread count.
/// - The weight gradient, ∂w = Σ_n x_n ⋆ ∂y_n and ∂b = Σ_n Σ_p ∂y_n[p], is where oneDNN's
///   batched primitive splits its sums by thread count. It runs instead as pieces on one
///   thread each, spread over `Compute`'s workers: per sample, slabs along the first spatial
///   axis (z, or y in 2-D) whose number depends on the shape alone (`Slab.plan`), each a
///   convolution of the slab's outputs with its inputs and halo, zero-padded only at the
///   image's faces. The pieces' results are summed in order.
///
/// Reordered copies and oneDNN's own working memory (its "scratchpad") live in `Compute`'s
/// scratch memory, so no layer holds a second copy of its activations, and one primitive runs
/// on several workers at once.
final class OneDNNConvolution {
    /// What the primitives are built for.
    struct Shape: Equatable {
        /// Input (batch, channels, spatial…).
        var input: [Int]
        var outChannels: Int
        var kernel: [Int]
        var threads: Int
        var relu: Bool
        var inputLayout = ChannelLayout.channelsFirst
        var outputLayout = ChannelLayout.channelsFirst

        var output: [Int] { [input[0], outChannels] + input[2...] }
        var weights: [Int] { [outChannels, input[1]] + kernel }
        var bias: [Int] { [outChannels] }
    }

    let shape: Shape
    private let forwardStage: Stage
    private let dataStage: Stage
    /// The weight gradient's pieces, and one stage per distinct piece shape.
    private let slabs: [Slab]
    private let slabStages: [Stage]
    /// Per-piece (∂w, ∂b), row-major, before the sum.
    private var pieceGradients: [Float] = []

    init(_ shape: Shape) {
        self.shape = shape
        let argument = Stage.Argument.self
        let padding = shape.kernel.map { $0 / 2 }
        let batch = Self.descriptors(shape, input: shape.input, output: shape.output, padBefore: padding, padAfter: padding,
                                     threads: shape.threads)
        let input = shape.user(shape.input, shape.inputLayout), output = shape.user(shape.output, shape.outputLayout)
        forwardStage = Stage(batch.forward, threads: shape.threads, [
            argument.init(DNNL_ARG_SRC, dnnl_query_src_md, input),
            argument.init(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, .plain(shape.weights)),
            argument.init(DNNL_ARG_BIAS, dnnl_query_weights_md, .plain(shape.bias), index: 1),
            argument.init(DNNL_ARG_DST, dnnl_query_dst_md, output, isOutput: true),
        ])
        dataStage = Stage(batch.data, threads: shape.threads, [
            argument.init(DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md, output),
            argument.init(DNNL_ARG_WEIGHTS, dnnl_query_weights_md, .plain(shape.weights)),
            argument.init(DNNL_ARG_DIFF_SRC, dnnl_query_diff_src_md, input, isOutput: true),
        ])
        let plan = Slab.plan(shape)
        slabs = plan.slabs
        slabStages = plan.shapes.map { piece in
            let input = shape.slab(shape.input, length: piece.input), output = shape.slab(shape.output, length: piece.output)
            let descriptors = Self.descriptors(shape, input: input, output: output, padBefore: [piece.padBefore] + padding.dropFirst(),
                                               padAfter: [piece.padAfter] + padding.dropFirst(), threads: 1)
            return Stage(descriptors.weights, threads: 1, [
                argument.init(DNNL_ARG_SRC, dnnl_query_src_md, shape.sampleSlab(shape.input, length: piece.input, shape.inputLayout)),
                argument.init(DNNL_ARG_DIFF_DST, dnnl_query_diff_dst_md,
                              shape.sampleSlab(shape.output, length: piece.output, shape.outputLayout)),
                argument.init(DNNL_ARG_DIFF_WEIGHTS, dnnl_query_diff_weights_md, .plain(shape.weights), isOutput: true),
                argument.init(DNNL_ARG_DIFF_BIAS, dnnl_query_diff_weights_md, .plain(shape.bias), index: 1, isOutput: true),
            ])
        }
    }

    /// oneDNN's implementation of the forward pass, e.g. "jit:avx512_core".
    var implementation: String { forwardStage.descriptor.implementation }

    /// y = conv(x, w) + b (then max(0, ·) if `shape.relu`).
    func forward(_ x: Tensor, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, into y: Tensor, _ compute: Compute) {
        forwardStage.run([x.pointer, UnsafeMutablePointer(mutating: weights), UnsafeMutablePointer(mutating: bias), y.pointer],
                         compute, worker: 0)
    }

    /// ∂x = conv_transposed(∂y, w).
    func inputGradient(_ dy: Tensor, weights: UnsafePointer<Float>, into dx: Tensor, _ compute: Compute) {
        dataStage.run([dy.pointer, UnsafeMutablePointer(mutating: weights), dx.pointer], compute, worker: 0)
    }

    /// (∂w in the layer's (out, in, kernel…) order, ∂b), summed over the pieces in order.
    func weightGradients(_ x: Tensor, _ dy: Tensor, _ compute: Compute) -> (weight: [Float], bias: [Float]) {
        let weightCount = shape.weights.reduce(1, *), perPiece = weightCount + shape.outChannels
        let pieces = shape.input[0] * slabs.count, slabs = self.slabs, stages = slabStages
        let inputStep = shape.planeStep(shape.input, shape.inputLayout), outputStep = shape.planeStep(shape.output, shape.outputLayout)
        if pieceGradients.count < pieces * perPiece { pieceGradients = [Float](repeating: 0, count: pieces * perPiece) }
        var total = [Float](repeating: 0, count: perPiece)
        pieceGradients.withUnsafeMutableBufferPointer { grads in
            nonisolated(unsafe) let grads = grads.baseAddress!
            compute.parallel(pieces) { piece, worker in
                let n = piece / slabs.count, slab = slabs[piece % slabs.count], dw = grads + piece * perPiece
                stages[slab.stage].run([x.sample(n) + slab.inputStart * inputStep, dy.sample(n) + slab.outputStart * outputStep,
                                        dw, dw + weightCount], compute, worker: worker)
            }
            total.withUnsafeMutableBufferPointer { Convolution.sumSamples(grads, batch: pieces, perSample: perPiece, into: $0.baseAddress!, compute) }
        }
        return (Array(total[..<weightCount]), Array(total[weightCount...]))
    }

    /// Forward, input-gradient and weight-gradient descriptors of a convolution from `input`
    /// to `output` with the given zero padding, for `threads` threads.
    private static func descriptors(_ shape: Shape, input: [Int], output: [Int], padBefore: [Int], padAfter: [Int], threads: Int)
        -> (forward: OneDNN.PrimitiveDescriptor, data: OneDNN.PrimitiveDescriptor, weights: OneDNN.PrimitiveDescriptor) {
        OneDNN.setThreads(threads)
        let before = padBefore.map(Int64.init), after = padAfter.map(Int64.init), strides = shape.kernel.map { _ in Int64(1) }
        // Channels-last tensors are taken as they are; for channels-first ones oneDNN chooses.
        func layout(_ layout: ChannelLayout) -> dnnl_format_tag_t {
            layout == .channelsLast ? layout.oneDNNTag(rank: input.count) : dnnl_format_tag_any
        }
        var source = OneDNN.Descriptor(shape: input, layout: layout(shape.inputLayout)).raw
        var weights = OneDNN.Descriptor(shape: shape.weights, layout: dnnl_format_tag_any).raw
        var bias = OneDNN.Descriptor.plain(shape.bias).raw
        var destination = OneDNN.Descriptor(shape: output, layout: layout(shape.outputLayout)).raw
        let what = "a convolution of \(input) into \(shape.outChannels) channels, kernel \(shape.kernel)"
        var forward = dnnl_convolution_desc_t(), data = dnnl_convolution_desc_t(), gradient = dnnl_convolution_desc_t()
        OneDNN.check(dnnl_convolution_forward_desc_init(&forward, dnnl_forward_training, dnnl_convolution_direct, &source, &weights,
                                                        &bias, &destination, strides, before, after), "describing \(what)")
        OneDNN.check(dnnl_convolution_backward_data_desc_init(&data, dnnl_convolution_direct, &source, &weights, &destination,
                                                              strides, before, after), "describing \(what)")
        OneDNN.check(dnnl_convolution_backward_weights_desc_init(&gradient, dnnl_convolution_direct, &source, &weights, &bias,
                                                                 &destination, strides, before, after), "describing \(what)")
        let forwardDescriptor = OneDNN.PrimitiveDescriptor(forward, attributes: OneDNN.Attributes(relu: shape.relu))
        return (forwardDescriptor, OneDNN.PrimitiveDescriptor(data, hint: forwardDescriptor),
                OneDNN.PrimitiveDescriptor(gradient, hint: forwardDescriptor))
    }
}

extension OneDNNConvolution {
    /// One piece of a sample's weight gradient: the outputs `outputStart ..< outputStart +
    /// output length` along the first spatial axis, and the inputs they read (with the halo
    /// inside the image) from `inputStart`.
    struct Slab {
        var outputStart: Int
        var inputStart: Int
        /// Index into the distinct piece shapes.
        var stage: Int

        /// A piece's lengths along the split axis and its zero padding there.
        struct PieceShape: Hashable {
            var input: Int, output: Int, padBefore: Int, padAfter: Int
        }

        /// At least 8 pieces per batch where the axis allows slabs of 4 or more: enough to
        /// keep 8 workers busy on a batch of one, few enough that each stays a large product.
        static let targetPieces = 8, minimumLength = 4

        /// The slabs of one sample of `shape` and their distinct shapes; a function of the
        /// shape alone, never of the thread count, so the sum over pieces is always the same.
        static func plan(_ shape: Shape) -> (slabs: [Slab], shapes: [PieceShape]) {
            let length = shape.input[2], halo = shape.kernel[0] / 2
            let wanted = (targetPieces + shape.input[0] - 1) / shape.input[0]
            let count = Swift.max(1, Swift.min(wanted, length / minimumLength))
            let step = (length + count - 1) / count
            var shapes: [PieceShape] = [], slabs: [Slab] = []
            for start in stride(from: 0, to: length, by: step) {
                let end = Swift.min(length, start + step)
                let inputStart = Swift.max(0, start - halo), inputEnd = Swift.min(length, end + halo)
                let piece = PieceShape(input: inputEnd - inputStart, output: end - start,
                                       padBefore: halo - (start - inputStart), padAfter: halo - (inputEnd - end))
                if !shapes.contains(piece) { shapes.append(piece) }
                slabs.append(Slab(outputStart: start, inputStart: inputStart, stage: shapes.firstIndex(of: piece)!))
            }
            return (slabs, shapes)
        }
    }
}

extension OneDNNConvolution.Shape {
    /// `tensor` (batch, channels, spatial…) as one sample with `length` along the first spatial axis.
    func slab(_ tensor: [Int], length: Int) -> [Int] { [1, tensor[1], length] + tensor[3...] }

    /// The user's memory of `tensor` in `layout`.
    func user(_ tensor: [Int], _ layout: ChannelLayout) -> OneDNN.Descriptor {
        OneDNN.Descriptor(shape: tensor, layout: layout.oneDNNTag(rank: tensor.count))
    }

    /// Elements from one plane of the first spatial axis to the next, within a sample.
    func planeStep(_ tensor: [Int], _ layout: ChannelLayout) -> Int {
        tensor[3...].reduce(1, *) * (layout == .channelsLast ? tensor[1] : 1)
    }

    /// The layout of a slab inside one sample of `tensor`: channels-last slabs are contiguous;
    /// channels-first ones keep the whole sample's channel stride.
    func sampleSlab(_ tensor: [Int], length: Int, _ layout: ChannelLayout) -> OneDNN.Descriptor {
        let dims = slab(tensor, length: length)
        if layout == .channelsLast { return user(dims, layout) }
        var strides = [Int](repeating: 1, count: dims.count)
        for axis in stride(from: dims.count - 2, through: 2, by: -1) { strides[axis] = strides[axis + 1] * dims[axis + 1] }
        strides[1] = tensor[2...].reduce(1, *)
        strides[0] = strides[1] * tensor[1]
        return OneDNN.Descriptor(shape: dims, strides: strides)
    }
}

extension OneDNNConvolution {
    /// A primitive and its arguments, each a buffer in the caller's layout that is reordered
    /// into (inputs) or out of (outputs) a scratch buffer where the primitive chose another
    /// layout.
    final class Stage: @unchecked Sendable {
        struct Argument {
            var id: Int32
            var query: dnnl_query_t
            /// The caller's layout of the buffer.
            var user: OneDNN.Descriptor
            /// Which of the primitive's arguments of that kind (the bias is weights number 1).
            var index = 0
            var isOutput = false

            init(_ id: Int32, _ query: dnnl_query_t, _ user: OneDNN.Descriptor, index: Int = 0, isOutput: Bool = false) {
                (self.id, self.query, self.user, self.index, self.isOutput) = (id, query, user, index, isOutput)
            }
        }

        let descriptor: OneDNN.PrimitiveDescriptor
        private let primitive: OneDNN.Primitive
        private let threads: Int
        /// Per argument: the primitive's layout where it differs from the caller's.
        private let arguments: [(argument: Argument, staged: OneDNN.Descriptor?)]
        /// The primitive's working memory, passed with each run (one per worker).
        private let scratchpad: OneDNN.Descriptor

        init(_ descriptor: OneDNN.PrimitiveDescriptor, threads: Int, _ arguments: [Argument]) {
            self.descriptor = descriptor
            self.threads = threads
            OneDNN.setThreads(threads)
            primitive = OneDNN.Primitive(descriptor)
            self.arguments = arguments.map { argument in
                let chosen = descriptor.descriptor(argument.query, index: argument.index)
                return (argument, chosen == argument.user ? nil : chosen)
            }
            scratchpad = descriptor.descriptor(dnnl_query_scratchpad_md)
            precondition(self.arguments.filter { $0.staged != nil }.count < Compute.slots,
                         "OneDNNConvolution: more staged arguments than scratch slots")
        }

        /// Runs the primitive on `buffers` (in the order of the arguments), staging through
        /// `worker`'s scratch slots.
        func run(_ buffers: [UnsafeMutablePointer<Float>], _ compute: Compute, worker: Int) {
            OneDNN.setThreads(threads)
            var slot = 0
            func scratch(_ descriptor: OneDNN.Descriptor) -> OneDNN.Memory {
                defer { slot += 1 }
                let floats = Swift.max(1, descriptor.byteCount / MemoryLayout<Float>.stride)
                return OneDNN.Memory(descriptor, pointer: compute.scratch(worker: worker, slot: slot, count: floats))
            }
            let memories = zip(arguments, buffers).map { argument, buffer in
                let user = OneDNN.Memory(argument.argument.user, pointer: buffer)
                guard let staged = argument.staged else { return (user: user, executed: user) }
                let memory = scratch(staged)
                if !argument.argument.isOutput { OneDNN.reorder(user, into: memory) }
                return (user: user, executed: memory)
            }
            primitive.execute(zip(arguments, memories).map { ($0.argument.id, $1.executed) } + [(DNNL_ARG_SCRATCHPAD, scratch(scratchpad))])
            for (argument, memory) in zip(arguments, memories) where argument.argument.isOutput && argument.staged != nil {
                OneDNN.reorder(memory.executed, into: memory.user)
            }
        }
    }
}

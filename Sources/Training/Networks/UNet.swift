import FluoCore

/// CARE's residual U-Net (M. Weigert et al., Nature Methods 15, 1090 (2018); CSBDeep's
/// `custom_unet`), for 2-D and 3-D images.
///
/// Down level l (0 ≤ l < depth): `convolutionsPerLevel` blocks of convolution (F·2^l
/// filters) + ReLU, kept as the skip connection, then max-pooling by 2. Middle: the same
/// blocks with F·2^depth filters, the last one with F·2^max(0, depth−1). Up level l (from
/// depth−1 to 0): nearest upsampling by 2, concatenation [upsampled, skip], blocks with
/// F·2^l filters, the last with F·2^max(0, l−1). Head: a 1×1 convolution to the output
/// channels (linear), plus the input when residual. Probabilistic models add a second 1×1
/// convolution from the same features with softplus + 10⁻³, the Laplace scale. Optional batch
/// normalisation (after each convolution) and dropout (after each block) as in CSBDeep.
public final class UNet: Network {
    public let configuration: UNetConfiguration
    let down: [[ConvolutionBlock]]
    let pools: [MaxPool]
    let middle: [ConvolutionBlock]
    private let upsamples: [Upsample]
    private let concatenations: [Concatenation]
    let up: [[ConvolutionBlock]]
    let head: Convolution
    let scaleHead: Convolution?
    private let softplus = Softplus()
    private var skips: [Tensor] = []
    private var scaleInputGradient: Tensor?

    /// A network with freshly initialised weights drawn from `random`.
    public init(_ configuration: UNetConfiguration, random: RandomStream) {
        precondition(configuration.problems.isEmpty, "UNet: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        let c = configuration
        let kernel = Array(repeating: c.kernelSize, count: c.dimensions)
        func blocks(_ name: String, input: Int, filters: [Int]) -> [ConvolutionBlock] {
            var channels = input
            return filters.enumerated().map { i, f in
                defer { channels = f }
                return ConvolutionBlock(name: "\(name).conv\(i)", inChannels: channels, outChannels: f, kernel: kernel,
                                        batchNorm: c.batchNorm, dropout: c.dropout, random: random.substream("\(name).conv\(i)"))
            }
        }
        var channels = c.inChannels
        var down: [[ConvolutionBlock]] = []
        for level in 0..<c.depth {
            down.append(blocks("down\(level)", input: channels, filters: Array(repeating: c.filters(level), count: c.convolutionsPerLevel)))
            channels = c.filters(level)
        }
        let middle = blocks("middle", input: channels,
                            filters: Array(repeating: c.filters(c.depth), count: c.convolutionsPerLevel - 1) + [c.filters(Swift.max(0, c.depth - 1))])
        channels = middle.last!.outChannels
        var up: [[ConvolutionBlock]] = Array(repeating: [], count: c.depth)
        for level in (0..<c.depth).reversed() {
            up[level] = blocks("up\(level)", input: channels + c.filters(level),
                               filters: Array(repeating: c.filters(level), count: c.convolutionsPerLevel - 1) + [c.filters(Swift.max(0, level - 1))])
            channels = up[level].last!.outChannels
        }
        down.first?.first?.conv.needsInputGradient = false
        if c.depth == 0 { middle.first?.conv.needsInputGradient = false }
        self.down = down
        self.middle = middle
        self.up = up
        pools = (0..<c.depth).map { _ in MaxPool() }
        upsamples = (0..<c.depth).map { _ in Upsample() }
        concatenations = (0..<c.depth).map { _ in Concatenation() }
        head = Convolution(name: "head", inChannels: channels, outChannels: c.outChannels,
                           kernelSize: Array(repeating: 1, count: c.dimensions), random: random.substream("head"))
        scaleHead = c.probabilistic ? Convolution(name: "scale_head", inChannels: channels, outChannels: c.outChannels,
                                                  kernelSize: Array(repeating: 1, count: c.dimensions), random: random.substream("scale_head")) : nil
    }

    /// Every array saved with the model, in a fixed order (trainable and moving averages).
    public var parameters: [Parameter] {
        var layers: [Layer] = []
        for level in 0..<configuration.depth { layers += down[level].flatMap(\.layers) }
        layers += middle.flatMap(\.layers)
        for level in (0..<configuration.depth).reversed() { layers += up[level].flatMap(\.layers) }
        layers.append(head)
        if let scaleHead { layers.append(scaleHead) }
        return layers.flatMap(\.parameters)
    }

    public var multiplyAddsPerPixel: Double { multiplyAddsPerPixel(\.multiplyAdds) }

    public var executedMultiplyAddsPerPixel: Double { multiplyAddsPerPixel(\.executedMultiplyAdds) }

    private func multiplyAddsPerPixel(_ perBlock: KeyPath<ConvolutionBlock, Double>) -> Double {
        var total = 0.0
        var scale = 1.0
        for level in 0..<configuration.depth {
            total += down[level].reduce(0) { $0 + $1[keyPath: perBlock] } * scale
            total += up[level].reduce(0) { $0 + $1[keyPath: perBlock] } * scale
            scale /= Double(1 << configuration.dimensions)
        }
        total += middle.reduce(0) { $0 + $1[keyPath: perBlock] } * scale
        total += Double(head.weight.count + (scaleHead?.weight.count ?? 0))
        return total
    }

    /// The prediction for a batch `x` (n, inChannels, …): the mean (n, outChannels, …) and, for
    /// probabilistic models, the Laplace scale. Image sizes must be multiples of `blockSize`.
    public func forward(_ x: Tensor, _ compute: Compute) -> (mean: Tensor, scale: Tensor?) {
        let c = configuration
        precondition(x.channels == c.inChannels && x.spatialRank == c.dimensions,
                     "UNet: input \(x.shape) does not fit \(c.inChannels) channels in \(c.dimensions) dimensions")
        precondition(x.spatialShape.allSatisfy { $0 % c.blockSize == 0 },
                     "UNet: image size \(x.spatialShape) is not a multiple of \(c.blockSize)")
        var h = x
        skips = []
        for level in 0..<c.depth {
            for block in down[level] { h = block.forward(h, compute) }
            skips.append(h)
            h = pools[level].forward(h, compute)
        }
        for block in middle { h = block.forward(h, compute) }
        for level in (0..<c.depth).reversed() {
            h = concatenations[level].forward(upsamples[level].forward(h, compute), skips[level], compute)
            for block in up[level] { h = block.forward(h, compute) }
        }
        let mean = head.forward(h, compute)
        if c.residual { Elementwise.add(x, into: mean, compute) }
        let scale = scaleHead.map { softplus.forward($0.forward(h, compute), compute) }
        return (mean, scale)
    }

    /// Sets every parameter's gradient from ∂loss/∂mean (and ∂loss/∂scale).
    public func backward(mean dMean: Tensor, scale dScale: Tensor?, _ compute: Compute) {
        let c = configuration
        var d = head.backward(dMean, compute)
        if let scaleHead, let dScale {
            Elementwise.add(scaleHead.backward(softplus.backward(dScale, compute), compute), into: d, compute)
        }
        var skipGradients: [Tensor] = []
        for level in 0..<c.depth {
            for block in up[level].reversed() { d = block.backward(d, compute) }
            let (dUpsampled, dSkip) = concatenations[level].backward(d, firstChannels: d.channels - skips[level].channels, compute)
            skipGradients.append(dSkip)
            d = upsamples[level].backward(dUpsampled, compute)
        }
        for block in middle.reversed() { d = block.backward(d, compute) }
        for level in (0..<c.depth).reversed() {
            d = pools[level].backward(d, compute)
            Elementwise.add(skipGradients[level], into: d, compute)
            for block in down[level].reversed() { d = block.backward(d, compute) }
        }
    }
}

/// Convolution, optional batch normalisation, ReLU, optional dropout.
final class ConvolutionBlock {
    let conv: Convolution
    let norm: BatchNormalization?
    let relu = ReLU()
    let dropout: Dropout?

    init(name: String, inChannels: Int, outChannels: Int, kernel: [Int], batchNorm: Bool, dropout: Double, random: RandomStream) {
        conv = Convolution(name: name, inChannels: inChannels, outChannels: outChannels, kernelSize: kernel, random: random)
        norm = batchNorm ? BatchNormalization(name: name + ".bn", channels: outChannels) : nil
        self.dropout = dropout > 0 ? Dropout(name: name + ".dropout", rate: dropout) : nil
        conv.fusedReLU = !batchNorm
    }

    var outChannels: Int { conv.outChannels }
    var layers: [Layer] { [conv] + (norm.map { [$0] } ?? []) }
    var multiplyAdds: Double { conv.multiplyAdds }
    var executedMultiplyAdds: Double { conv.executedMultiplyAdds }

    func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        var h = conv.forward(x, compute)
        if let norm { h = relu.forward(norm.forward(h, compute), compute) } else { h = relu.adopt(h) }
        if let dropout { h = dropout.forward(h, compute) }
        return h
    }

    func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        var d = dy
        if let dropout { d = dropout.backward(d, compute) }
        d = relu.backward(d, compute)
        if let norm { d = norm.backward(d, compute) }
        return conv.backward(d, compute)
    }
}

import FluoCore

/// RCAN as 3D-RCAN builds it, for 2-D and 3-D images (`RCANConfiguration`):
///
///     s = 2x − 1,   h₀ = conv(s),
///     group g:  block b:  h ← h + CA(conv(ReLU(conv(h))))   (residual channel-attention block),
///               then h ← conv(h) + h_in(g)                    (short skip),
///     t = conv(h_G) + h₀                                      (long skip),
///     y = 0.5·conv(t) + 0.5,
///
/// CA the channel attention (`ChannelAttention`); every convolution has a bias and "same"
/// padding. The input standardisation 2x − 1 and its inverse map the percentile-normalised
/// range [0, 1] to [−1, 1] inside the network. Where every convolution runs on oneDNN, the
/// features h are held channels-last (`keepChannelsLast`).
public final class RCAN: Network {
    public let configuration: RCANConfiguration
    let head: Convolution
    let groups: [ResidualGroup]
    let trunk: Convolution
    let tail: Convolution
    private var standardized: Tensor?
    private var tailGradient: Tensor?

    /// A network with freshly initialised weights drawn from `random`.
    public init(_ configuration: RCANConfiguration, random: RandomStream) {
        precondition(configuration.problems.isEmpty, "RCAN: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        let c = configuration
        let kernel = Array(repeating: c.kernelSize, count: c.dimensions)
        func convolution(_ name: String, _ input: Int, _ output: Int) -> Convolution {
            Convolution(name: name, inChannels: input, outChannels: output, kernelSize: kernel, random: random.substream(name))
        }
        head = convolution("head", c.inChannels, c.channels)
        head.needsInputGradient = false
        groups = (0..<c.residualGroups).map { g in
            ResidualGroup(blocks: (0..<c.residualBlocks).map { b in
                let name = "group\(g).block\(b)"
                return ChannelAttentionBlock(first: convolution(name + ".conv0", c.channels, c.channels),
                                             second: convolution(name + ".conv1", c.channels, c.channels),
                                             attention: ChannelAttention(name: name + ".attention", channels: c.channels, reduction: c.channelReduction,
                                                                         dimensions: c.dimensions, random: random.substream(name + ".attention")))
            }, conv: convolution("group\(g).conv", c.channels, c.channels))
        }
        trunk = convolution("trunk", c.channels, c.channels)
        tail = convolution("tail", c.channels, c.outChannels)
        if convolutions.allSatisfy({ $0.engine == .oneDNN }) { keepChannelsLast() }
    }

    /// Between the head and the tail every tensor stays channels-last, where all convolutions
    /// run on oneDNN (3-D, and 2-D kernels other than 3×3): oneDNN then reads and writes them
    /// as they are, with no conversions to its blocked layouts, and the attention and the
    /// additions run on them unchanged.
    private func keepChannelsLast() {
        head.outputLayout = .channelsLast
        for convolution in convolutions.dropFirst().dropLast() {
            (convolution.inputLayout, convolution.outputLayout) = (.channelsLast, .channelsLast)
        }
        tail.inputLayout = .channelsLast
        for group in groups { for block in group.blocks { block.attention.layout = .channelsLast } }
    }

    public var parameters: [Parameter] {
        ([head] + groups.flatMap(\.layers) + [trunk, tail]).flatMap(\.parameters)
    }

    /// Every convolution runs at full resolution (the attention's 1×1 kernels act on one value per channel).
    private var convolutions: [Convolution] { [head] + groups.flatMap { $0.blocks.flatMap { [$0.first, $0.second] } + [$0.conv] } + [trunk, tail] }
    public var multiplyAddsPerPixel: Double { convolutions.reduce(0) { $0 + $1.multiplyAdds } }
    public var executedMultiplyAddsPerPixel: Double { convolutions.reduce(0) { $0 + $1.executedMultiplyAdds } }

    public func forward(_ x: Tensor, _ compute: Compute) -> (mean: Tensor, scale: Tensor?) {
        let c = configuration
        precondition(x.channels == c.inChannels && x.spatialRank == c.dimensions,
                     "RCAN: input \(x.shape) does not fit \(c.inChannels) channels in \(c.dimensions) dimensions")
        let s = Tensor.reusing(standardized, shape: x.shape)
        standardized = s
        Elementwise.affine(x, scale: 2, shift: -1, into: s, compute)
        let first = head.forward(s, compute)
        var h = first
        for group in groups { h = group.forward(h, compute) }
        let t = trunk.forward(h, compute)
        Elementwise.add(first, into: t, compute)
        let y = tail.forward(t, compute)
        Elementwise.affine(y, scale: 0.5, shift: 0.5, into: y, compute)
        return (y, nil)
    }

    public func backward(mean dMean: Tensor, scale _: Tensor?, _ compute: Compute) {
        let d = Tensor.reusing(tailGradient, shape: dMean.shape)
        tailGradient = d
        Elementwise.affine(dMean, scale: 0.5, shift: 0, into: d, compute)
        let dt = tail.backward(d, compute)
        var dh = trunk.backward(dt, compute)
        for group in groups.reversed() { dh = group.backward(dh, compute) }
        Elementwise.add(dt, into: dh, compute)
        _ = head.backward(dh, compute)
    }
}

/// Residual channel-attention blocks followed by a convolution, with a skip over the group:
/// y = conv(blocks(x)) + x.
final class ResidualGroup {
    let blocks: [ChannelAttentionBlock]
    let conv: Convolution

    init(blocks: [ChannelAttentionBlock], conv: Convolution) {
        self.blocks = blocks
        self.conv = conv
    }

    var layers: [Layer] { blocks.flatMap(\.layers) + [conv] }

    func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        var h = x
        for block in blocks { h = block.forward(h, compute) }
        let y = conv.forward(h, compute)
        Elementwise.add(x, into: y, compute)
        return y
    }

    func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        var d = conv.backward(dy, compute)
        for block in blocks.reversed() { d = block.backward(d, compute) }
        Elementwise.add(dy, into: d, compute)
        return d
    }
}

/// y = x + CA(conv(ReLU(conv(x)))).
final class ChannelAttentionBlock {
    let first: Convolution
    let relu = ReLU()
    let second: Convolution
    let attention: ChannelAttention

    init(first: Convolution, second: Convolution, attention: ChannelAttention) {
        (self.first, self.second, self.attention) = (first, second, attention)
        first.fusedReLU = true
    }

    var layers: [Layer] { [first, second, attention] }

    func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let h = relu.adopt(first.forward(x, compute))
        return attention.forward(second.forward(h, compute), adding: x, compute)
    }

    func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        let d = first.backward(relu.backward(second.backward(attention.backward(dy, compute), compute), compute), compute)
        Elementwise.add(dy, into: d, compute)
        return d
    }
}

import FluoCore

/// The architecture of DFCAN as DL-SR builds it (C. Qiao et al., Nature Methods 18, 194 (2021);
/// `DFCAN16.py`), with its defaults: 4 residual groups of 4 Fourier channel-attention blocks,
/// 64 channels, channel reduction 16, 3×3 kernels, GELU, and sub-pixel upsampling by `scale`
/// (2 for linear-SIM super-resolution, 3 for nonlinear SIM, 1 for restoration at the input's
/// size). 2-D only, as in the paper.
public struct DFCANConfiguration: NetworkConfiguration {
    public var dimensions: Int
    public var inChannels: Int
    public var outChannels: Int
    public var channels: Int
    public var residualGroups: Int
    public var residualBlocks: Int
    public var channelReduction: Int
    public var kernelSize: Int
    /// The output grid is `scale` times finer than the input's along y and x.
    public var scale: Int

    public init(dimensions: Int = 2, inChannels: Int = 1, outChannels: Int = 1, channels: Int = 64, residualGroups: Int = 4,
                residualBlocks: Int = 4, channelReduction: Int = 16, kernelSize: Int = 3, scale: Int = 2) {
        self.dimensions = dimensions
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.channels = channels
        self.residualGroups = residualGroups
        self.residualBlocks = residualBlocks
        self.channelReduction = channelReduction
        self.kernelSize = kernelSize
        self.scale = scale
    }

    public static let maximumScale = 4

    public var problems: [String] {
        var problems = dimensions == 2 ? [] : ["DFCAN is 2-D, got \(dimensions) dimensions"]
        problems += NetworkLimits.channelProblems(inChannels: inChannels, outChannels: outChannels)
        problems += NetworkLimits.attentionProblems("DFCAN", channels: channels, groups: residualGroups, blocks: residualBlocks, reduction: channelReduction)
        problems += NetworkLimits.kernelProblems(kernelSize)
        if !(1...DFCANConfiguration.maximumScale).contains(scale) {
            problems.append("scale must be 1…\(DFCANConfiguration.maximumScale), got \(scale)")
        }
        return problems + NetworkLimits.parameterProblems(parameterBound, others: problems)
    }

    /// Convolutions at the input's size along the longest path: the head and two per block
    /// (the attention's own convolution feeds only its means).
    var convolutionsOnPath: Int { 1 + 2 * residualGroups * residualBlocks + 1 }

    /// Every convolution at the widest size (the upsampling one has channels·scale² outputs).
    var parameterBound: Int {
        let widest = Swift.max(channels * scale * scale, inChannels, outChannels)
        let kernel = kernelSize * kernelSize
        return [widest, widest + 1, kernel + 1, 3 * residualGroups * residualBlocks + 3].saturatingProduct
    }

    public var probabilistic: Bool { false }
    public var blockSize: Int { 1 }
    public var featureChannels: Int { channels * scale * scale }
    /// In input pixels; the Fourier attention's means reach over the whole tile, as RCAN's do.
    public var receptiveFieldRadius: Int { (convolutionsOnPath + 1) * (kernelSize / 2) }

    public var summary: String {
        "2-D DFCAN, \(residualGroups) residual groups × \(residualBlocks) Fourier attention blocks, \(channels) channels, reduction \(channelReduction), kernel \(kernelSize), upsampling ×\(scale)"
    }

    public func makeNetwork(random: RandomStream) -> any Network { DFCAN(self, random: random) }
}

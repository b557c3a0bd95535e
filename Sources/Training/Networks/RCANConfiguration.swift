import FluoCore

/// The architecture of RCAN as 3D-RCAN builds it (J. Chen et al., Nature Methods 18, 678
/// (2021); `rcan/model.py`), with its defaults: 5 residual groups of 3 residual
/// channel-attention blocks, 32 channels, channel reduction 8, 3×3(×3) kernels; 2-D or 3-D.
/// Same size in and out, so any image size fits (`blockSize` 1).
public struct RCANConfiguration: NetworkConfiguration {
    public var dimensions: Int
    public var inChannels: Int
    public var outChannels: Int
    /// Feature channels of every convolution but the last.
    public var channels: Int
    public var residualGroups: Int
    /// Residual channel-attention blocks per group.
    public var residualBlocks: Int
    /// The channel attention's squeeze: channels / reduction hidden values.
    public var channelReduction: Int
    /// Kernel size along every image axis (odd).
    public var kernelSize: Int

    public init(dimensions: Int, inChannels: Int = 1, outChannels: Int = 1, channels: Int = 32, residualGroups: Int = 5,
                residualBlocks: Int = 3, channelReduction: Int = 8, kernelSize: Int = 3) {
        self.dimensions = dimensions
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.channels = channels
        self.residualGroups = residualGroups
        self.residualBlocks = residualBlocks
        self.channelReduction = channelReduction
        self.kernelSize = kernelSize
    }

    public var problems: [String] {
        var problems = dimensions == 2 || dimensions == 3 ? [] : ["dimensions must be 2 or 3, got \(dimensions)"]
        problems += NetworkLimits.channelProblems(inChannels: inChannels, outChannels: outChannels)
        problems += NetworkLimits.attentionProblems("RCAN", channels: channels, groups: residualGroups, blocks: residualBlocks, reduction: channelReduction)
        problems += NetworkLimits.kernelProblems(kernelSize)
        return problems + NetworkLimits.parameterProblems(parameterBound, others: problems)
    }

    /// Convolutions of the network: the head, two per block and one per group, the trunk's and the tail's.
    var convolutionCount: Int { residualGroups * (2 * residualBlocks + 1) + 3 }

    /// An upper bound on the parameter count: every convolution at the widest size, plus the
    /// attention's 1×1 kernels.
    var parameterBound: Int {
        let widest = Swift.max(channels, inChannels, outChannels)
        let kernel = [Int](repeating: kernelSize, count: dimensions).saturatingProduct
        return [widest, widest + 1, kernel + 1, convolutionCount].saturatingProduct
    }

    public var probabilistic: Bool { false }
    public var blockSize: Int { 1 }
    public var featureChannels: Int { channels }

    /// The convolutions along the longest path, each widening by k/2. The channel attention's
    /// means reach over the whole input (or prediction tile), so a tiled prediction differs from
    /// an untiled one by how those means change; the overlap bounds the rest.
    public var receptiveFieldRadius: Int { convolutionCount * (kernelSize / 2) }

    public var summary: String {
        "\(dimensions)-D RCAN, \(residualGroups) residual groups × \(residualBlocks) blocks, \(channels) channels, reduction \(channelReduction), kernel \(kernelSize)"
    }

    public func makeNetwork(random: RandomStream) -> any Network { RCAN(self, random: random) }
}

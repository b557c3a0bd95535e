import FluoCore

/// The architecture of CARE's U-Net (CSBDeep `Config` and `custom_unet`), with CSBDeep's
/// defaults: depth 2, 32 first-level filters doubling per level, kernel 5 in 2-D and 3 in
/// 3-D, 2 convolutions per level, residual learning when input and output channels agree.
public struct UNetConfiguration: NetworkConfiguration {
    /// 2 for images (y, x), 3 for stacks (z, y, x).
    public var dimensions: Int
    public var inChannels: Int
    public var outChannels: Int
    /// Number of poolings (levels below the first).
    public var depth: Int
    /// Filters of the first level; level l has firstFilters·2^l.
    public var firstFilters: Int
    /// Kernel size along every image axis (odd).
    public var kernelSize: Int
    public var convolutionsPerLevel: Int
    /// Adds the input to the output (needs inChannels == outChannels).
    public var residual: Bool
    /// Also outputs a Laplace scale per pixel (CARE's probabilistic model).
    public var probabilistic: Bool
    /// Batch normalisation after every convolution (before the ReLU).
    public var batchNorm: Bool
    /// Dropout rate after every convolution block (0: none).
    public var dropout: Double

    public init(dimensions: Int, inChannels: Int = 1, outChannels: Int = 1, depth: Int = 2, firstFilters: Int = 32,
                kernelSize: Int? = nil, convolutionsPerLevel: Int = 2, residual: Bool? = nil,
                probabilistic: Bool = false, batchNorm: Bool = false, dropout: Double = 0) {
        self.dimensions = dimensions
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.depth = depth
        self.firstFilters = firstFilters
        self.kernelSize = kernelSize ?? (dimensions == 2 ? 5 : 3)
        self.convolutionsPerLevel = convolutionsPerLevel
        self.residual = residual ?? (inChannels == outChannels)
        self.probabilistic = probabilistic
        self.batchNorm = batchNorm
        self.dropout = dropout
    }

    /// Problems with the values, empty when the architecture can be built.
    public var problems: [String] {
        var problems: [String] = []
        if dimensions != 2 && dimensions != 3 { problems.append("dimensions must be 2 or 3, got \(dimensions)") }
        problems += NetworkLimits.channelProblems(inChannels: inChannels, outChannels: outChannels)
        if depth < 0 || depth > 6 { problems.append("depth must be 0…6, got \(depth)") }
        if !(1...NetworkLimits.features).contains(firstFilters) {
            problems.append("filters must be 1…\(NetworkLimits.features), got \(firstFilters)")
        }
        problems += NetworkLimits.kernelProblems(kernelSize)
        if !(1...UNetConfiguration.maximumConvolutionsPerLevel).contains(convolutionsPerLevel) {
            problems.append("convolutions per level must be 1…\(UNetConfiguration.maximumConvolutionsPerLevel), got \(convolutionsPerLevel)")
        }
        problems += NetworkLimits.parameterProblems(parameterBound, others: problems)
        if residual && inChannels != outChannels { problems.append("residual learning needs as many output as input channels") }
        if !(0..<1).contains(dropout) { problems.append("dropout must be in [0, 1), got \(dropout)") }
        return problems
    }

    /// Convolutions per level a model may have (the other bounds are `NetworkLimits`).
    public static let maximumConvolutionsPerLevel = 16

    /// An upper bound on the parameter count: every convolution of the network (2·depth + 1
    /// blocks, with up to two more at the head) counted at the widest size, w·(w + 1)·k^dims
    /// weights and biases for w = max(firstFilters·2^depth, channels).
    var parameterBound: Int {
        let widest = Swift.max(firstFilters << depth, inChannels, outChannels)
        let kernel = [Int](repeating: kernelSize, count: dimensions).saturatingProduct
        return [widest, widest + 1, kernel, 2 * depth + 1, convolutionsPerLevel + 2].saturatingProduct
    }

    /// Image sizes must be multiples of this (2^depth) along every axis.
    public var blockSize: Int { 1 << depth }

    public var featureChannels: Int { firstFilters }

    public var summary: String {
        "\(dimensions)-D U-Net, depth \(depth), \(firstFilters) first filters, kernel \(kernelSize), \(convolutionsPerLevel) convolutions per level"
            + (batchNorm ? ", batch normalisation" : "") + (dropout > 0 ? ", dropout \(dropout)" : "")
            + (probabilistic ? ", probabilistic (Laplace scale output)" : "")
    }

    public func makeNetwork(random: RandomStream) -> any Network { UNet(self, random: random) }

    /// Filters of level `level`.
    func filters(_ level: Int) -> Int { firstFilters << level }

    /// How far (in pixels) an output pixel sees into the input: the largest distance from an
    /// output pixel to an input pixel it depends on, over all alignments to the pooling grid.
    ///
    /// Follows the interval of input positions back through the graph (convolutions widen it
    /// by k/2 each, pooling maps [a, b] to [2a, 2b + 1], nearest upsampling to [⌊a/2⌋, ⌊b/2⌋],
    /// a concatenation takes the hull of both inputs). For depth 2 this gives 22 (kernel 3)
    /// and 43 (kernel 5), CSBDeep's `tile_overlap` table.
    public var receptiveFieldRadius: Int {
        let widen = convolutionsPerLevel * (kernelSize / 2)
        typealias Span = (low: Int, high: Int)
        func expand(_ s: Span) -> Span { (s.low - widen, s.high + widen) }
        func hull(_ a: Span, _ b: Span) -> Span { (Swift.min(a.low, b.low), Swift.max(a.high, b.high)) }
        func coarse(_ s: Span) -> Span { (Int((Double(s.low) / 2).rounded(.down)), Int((Double(s.high) / 2).rounded(.down))) }
        // Output of the down block at `level` → image.
        func downToImage(_ level: Int, _ s: Span) -> Span {
            let before = expand(s)
            return level == 0 ? before : downToImage(level - 1, (2 * before.low, 2 * before.high + 1))
        }
        // Output of the middle block → image.
        func middleToImage(_ s: Span) -> Span {
            let before = expand(s)
            return depth == 0 ? before : downToImage(depth - 1, (2 * before.low, 2 * before.high + 1))
        }
        // Output of the up block at `level` → image.
        func upToImage(_ level: Int, _ s: Span) -> Span {
            let joined = expand(s)
            let below = coarse(joined)
            let deep = level + 1 == depth ? middleToImage(below) : upToImage(level + 1, below)
            return hull(downToImage(level, joined), deep)
        }
        var radius = 0
        for p in 0..<blockSize {
            let span = depth == 0 ? middleToImage((p, p)) : upToImage(0, (p, p))
            radius = Swift.max(radius, p - span.low, span.high - p)
        }
        return radius
    }
}

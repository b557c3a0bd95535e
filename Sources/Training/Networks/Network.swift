import DataIO
import FluoCore

/// A restoration network the trainer and predictor run: a forward pass from a normalised
/// batch (n, inChannels, …) to the prediction, and the backward pass that sets every
/// parameter's gradient.
public protocol Network: AnyObject {
    /// The prediction for a batch `x`: the mean (n, outChannels, …) and, for probabilistic
    /// networks, the Laplace scale. The tensors belong to the network until its next pass.
    func forward(_ x: Tensor, _ compute: Compute) -> (mean: Tensor, scale: Tensor?)
    /// Sets every parameter's gradient from ∂loss/∂mean (and ∂loss/∂scale) of the last forward pass.
    func backward(mean dMean: Tensor, scale dScale: Tensor?, _ compute: Compute)
    /// Every array saved with the model, in a fixed order (trainable and moving averages).
    var parameters: [Parameter] { get }
    /// The network at inference as an ONNX graph: input `input`, outputs `mean` (and `scale`);
    /// throws for an architecture without one.
    func onnxGraph(name: String) throws -> ONNXGraph
    /// Multiply-adds of one forward pass per input pixel as direct convolutions compute them
    /// (for FLOP counts comparable between implementations).
    var multiplyAddsPerPixel: Double { get }
    /// Multiply-adds of one forward pass per input pixel in the products this implementation
    /// runs: Winograd F(2×2, 3×3) layers take 4 per output pixel and channel pair instead of 9
    /// (3×3 kernels) or 16 instead of 25 (5×5), not counting the halo tiles of 5×5 blocks.
    var executedMultiplyAddsPerPixel: Double { get }
}

extension Network {
    /// Number of values in `parameters`.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }
}

/// What every architecture's configuration tells the trainer, the predictor and the model folder.
public protocol NetworkConfiguration: Codable, Equatable, Sendable {
    /// 2 for images (y, x), 3 for stacks (z, y, x).
    var dimensions: Int { get }
    var inChannels: Int { get }
    var outChannels: Int { get }
    /// Whether the network also predicts a Laplace scale per pixel.
    var probabilistic: Bool { get }
    /// Image sizes must be multiples of this along every axis.
    var blockSize: Int { get }
    /// The output grid is this many times finer than the input's along y and x (1: same size).
    var scale: Int { get }
    /// How far (in pixels) an output pixel sees into the input through its convolutions: the
    /// overlap of prediction tiles.
    var receptiveFieldRadius: Int { get }
    /// Feature channels per pixel at full resolution (sizes prediction tiles).
    var featureChannels: Int { get }
    /// Problems with the values, empty when the architecture can be built.
    var problems: [String] { get }
    /// One line for logs, e.g. "2-D U-Net, depth 2, 32 first filters, kernel 5".
    var summary: String { get }
    /// The network with freshly initialised weights drawn from `random`.
    func makeNetwork(random: RandomStream) -> any Network
}

extension NetworkConfiguration {
    public var scale: Int { 1 }
}

/// Limits that keep a model folder from another tool, or a damaged one, from asking for more
/// memory than any machine has: every architecture's `problems` checks them before anything
/// is allocated.
public enum NetworkLimits {
    /// Image channels in and out.
    public static let channels = 256
    /// Feature channels of a convolution.
    public static let features = 1024
    /// Kernel size along an axis.
    public static let kernelSize = 15
    public static let parameters = 1 << 28
    /// Residual groups, or attention blocks per group (RCAN, DFCAN).
    public static let groups = 64

    /// Channel counts in and out.
    static func channelProblems(inChannels: Int, outChannels: Int) -> [String] {
        (1...channels).contains(inChannels) && (1...channels).contains(outChannels) ? []
            : ["channel counts must be 1…\(channels), got \(inChannels) in and \(outChannels) out"]
    }

    static func kernelProblems(_ size: Int) -> [String] {
        (1...kernelSize).contains(size) && size % 2 == 1 ? [] : ["kernel size must be odd and 1…\(kernelSize), got \(size)"]
    }

    /// An upper bound on the parameter count, checked once everything else is fine (`others` empty).
    static func parameterProblems(_ bound: Int, others: [String]) -> [String] {
        others.isEmpty && bound > parameters ? ["about \(bound) parameters, more than the \(parameters) a model may have"] : []
    }

    /// The channel-attention networks' sizes: feature channels, groups, blocks, reduction.
    static func attentionProblems(_ name: String, channels: Int, groups: Int, blocks: Int, reduction: Int) -> [String] {
        var problems: [String] = []
        if !(1...features).contains(channels) { problems.append("\(name) channels must be 1…\(features), got \(channels)") }
        if !(1...self.groups).contains(groups) || !(1...self.groups).contains(blocks) {
            problems.append("residual groups and blocks must be 1…\(self.groups), got \(groups) and \(blocks)")
        }
        if !(1...Swift.max(1, channels)).contains(reduction) {
            problems.append("channel reduction must be 1…channels (\(channels)), got \(reduction)")
        }
        return problems
    }
}

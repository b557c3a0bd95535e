/// A trainable array of the network with its gradient from the last backward pass.
public final class Parameter: @unchecked Sendable {
    /// A stable name, e.g. `down0.conv1.weight`, used in weight files.
    public let name: String
    /// The array's shape, e.g. (out, in, ky, kx) for a 2-D convolution kernel.
    public let shape: [Int]
    public var value: [Float]
    /// ∂loss/∂value from the last backward pass (overwritten, not accumulated).
    public var gradient: [Float]
    /// False for state that is saved with the weights but not optimised (batch-norm moving averages).
    public let trainable: Bool

    public init(name: String, shape: [Int], value: [Float], trainable: Bool = true) {
        self.trainable = trainable
        precondition(value.count == shape.reduce(1, *), "Parameter \(name): \(value.count) values for shape \(shape)")
        self.name = name
        self.shape = shape
        self.value = value
        gradient = Array(repeating: 0, count: value.count)
    }

    public var count: Int { value.count }
}

/// One stage of the network with a forward and a backward pass.
///
/// `forward` may keep references to its input and output for `backward`; `backward` takes
/// ∂loss/∂output, sets the gradients of `parameters` and returns ∂loss/∂input. The returned
/// tensors belong to the layer and are overwritten by its next pass.
public protocol Layer: AnyObject {
    func forward(_ input: Tensor, _ compute: Compute) -> Tensor
    func backward(_ outputGradient: Tensor, _ compute: Compute) -> Tensor
    var parameters: [Parameter] { get }
}

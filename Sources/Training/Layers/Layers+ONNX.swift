import DataIO

extension ONNXGraph {
    /// A `Conv` node for `layer` (weights (out, in, k…) as stored, bias, zero padding k/2) applied
    /// to `x`; returns the output's name.
    @discardableResult
    mutating func convolution(_ layer: Convolution, _ x: String, output: String? = nil) -> String {
        let weight = initializer(layer.weight.name, shape: layer.weight.shape, values: layer.weight.value)
        let bias = initializer(layer.bias.name, shape: layer.bias.shape, values: layer.bias.value)
        let k = layer.kernelSize, ones = k.map { _ in 1 }
        return node("Conv", [x, weight, bias], output: output, attributes: [
            ("kernel_shape", .ints(k)), ("pads", .ints(k.map { $0 / 2 } + k.map { $0 / 2 })),
            ("strides", .ints(ones)), ("dilations", .ints(ones)),
        ])
    }

    /// `layer`'s channel attention of `x`: GlobalAveragePool, 1×1 Conv, Relu, 1×1 Conv, Sigmoid, Mul.
    mutating func channelAttention(_ layer: ChannelAttention, _ x: String) -> String {
        func pointwise(_ weight: Parameter, _ bias: Parameter, _ input: String) -> String {
            let w = initializer(weight.name, shape: weight.shape, values: weight.value)
            let b = initializer(bias.name, shape: bias.shape, values: bias.value)
            return node("Conv", [input, w, b], attributes: [("kernel_shape", .ints(Array(weight.shape[2...])))])
        }
        let pooled = node("GlobalAveragePool", [x])
        let hidden = node("Relu", [pointwise(layer.squeezeWeight, layer.squeezeBias, pooled)])
        let weights = node("Sigmoid", [pointwise(layer.exciteWeight, layer.exciteBias, hidden)])
        return node("Mul", [x, weights])
    }
}

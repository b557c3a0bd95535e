import DataIO

extension UNet {
    /// The network at inference as an ONNX graph, the same computation as `forward` with
    /// `training: false`.
    ///
    /// Input `input`: (batch, inChannels, [z,] y, x), percentile-normalised values, each image
    /// axis a multiple of `blockSize`. Outputs `mean` (and `scale` for probabilistic models),
    /// (batch, outChannels, [z,] y, x), in the input's normalised units. Operators: Conv
    /// (weights (out, in, k…) as stored, zero padding k/2), BatchNormalization (moving
    /// averages, ε = 10⁻³), Relu, MaxPool 2, Resize (nearest, asymmetric, floor: y[p] = x[⌊p/2⌋]),
    /// Concat on channels, Add (residual), Softplus + 10⁻³ (scale). Dropout is the identity at
    /// inference and is left out.
    public func onnxGraph(name: String) -> ONNXGraph {
        let c = configuration
        let spatial: [ONNXGraph.Dimension] = c.dimensions == 3 ? ["z", "y", "x"] : ["y", "x"]
        let twos = Array(repeating: 2, count: c.dimensions)
        var graph = ONNXGraph(name: name)
        graph.input("input", shape: ["batch", .size(c.inChannels)] + spatial)

        func block(_ b: ConvolutionBlock, _ x: String) -> String {
            var h = graph.convolution(b.conv, x)
            if let norm = b.norm {
                var inputs = [h]
                for p in norm.parameters { inputs.append(graph.initializer(p.name, shape: p.shape, values: p.value)) }
                h = graph.node("BatchNormalization", inputs, attributes: [("epsilon", .float(BatchNormalization.epsilon))])
            }
            return graph.node("Relu", [h])
        }

        var h = "input"
        var skips: [String] = []
        for level in 0..<c.depth {
            for b in down[level] { h = block(b, h) }
            skips.append(h)
            h = graph.node("MaxPool", [h], attributes: [("kernel_shape", .ints(twos)), ("strides", .ints(twos))])
        }
        for b in middle { h = block(b, h) }
        if c.depth > 0 {
            let scales = graph.initializer("upsample.scales", shape: [2 + c.dimensions], values: [1, 1] + twos.map(Float.init))
            for level in (0..<c.depth).reversed() {
                let upsampled = graph.node("Resize", [h, "", scales], attributes: [
                    ("mode", .string("nearest")), ("coordinate_transformation_mode", .string("asymmetric")),
                    ("nearest_mode", .string("floor")),
                ])
                h = graph.node("Concat", [upsampled, skips[level]], attributes: [("axis", .int(1))])
                for b in up[level] { h = block(b, h) }
            }
        }
        let outputShape: [ONNXGraph.Dimension] = ["batch", .size(c.outChannels)] + spatial
        if c.residual {
            let residual = graph.convolution(head, h)
            graph.node("Add", [residual, "input"], output: "mean")
        } else {
            graph.convolution(head, h, output: "mean")
        }
        graph.output("mean", shape: outputShape)
        if let scaleHead {
            let epsilon = graph.initializer("scale.epsilon", shape: [], values: [Softplus.epsilon])
            let linear = graph.convolution(scaleHead, h)
            let softplus = graph.node("Softplus", [linear])
            graph.node("Add", [softplus, epsilon], output: "scale")
            graph.output("scale", shape: outputShape)
        }
        return graph
    }
}

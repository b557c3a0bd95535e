import DataIO

extension RCAN {
    /// The network as an ONNX graph, the same computation as `forward`.
    ///
    /// Input `input`: (batch, inChannels, [z,] y, x), percentile-normalised values, any size.
    /// Output `mean`: (batch, outChannels, [z,] y, x) in the input's normalised units.
    /// Operators: Mul and Add (standardisation 2x − 1 and back), Conv, Relu, GlobalAveragePool,
    /// Sigmoid (channel attention).
    public func onnxGraph(name: String) -> ONNXGraph {
        let c = configuration
        let spatial: [ONNXGraph.Dimension] = c.dimensions == 3 ? ["z", "y", "x"] : ["y", "x"]
        var graph = ONNXGraph(name: name)
        graph.input("input", shape: ["batch", .size(c.inChannels)] + spatial)
        func affine(_ x: String, _ scale: Float, _ shift: Float, _ label: String, output: String? = nil) -> String {
            let a = graph.initializer("\(label).scale", shape: [], values: [scale])
            let b = graph.initializer("\(label).shift", shape: [], values: [shift])
            return graph.node("Add", [graph.node("Mul", [x, a]), b], output: output)
        }
        let first = graph.convolution(head, affine("input", 2, -1, "standardize"))
        var h = first
        for group in groups {
            let groupInput = h
            for block in group.blocks {
                let r = graph.node("Relu", [graph.convolution(block.first, h)])
                h = graph.node("Add", [graph.channelAttention(block.attention, graph.convolution(block.second, r)), h])
            }
            h = graph.node("Add", [graph.convolution(group.conv, h), groupInput])
        }
        let t = graph.node("Add", [graph.convolution(trunk, h), first])
        _ = affine(graph.convolution(tail, t), 0.5, 0.5, "destandardize", output: "mean")
        graph.output("mean", shape: ["batch", .size(c.outChannels)] + spatial)
        return graph
    }
}

import Foundation
import SwiftProtobuf

/// An ONNX model (float32 tensors, the default operator domain) built node by node and
/// serialised with swift-protobuf through the types generated from ONNX's own `onnx.proto`
/// (`onnx.pb.swift`, see `scripts/generate-onnx-swift`).
///
/// Tensors are referred to by name: `input` and `initializer` declare them, `node` returns
/// the name of the node's first output. Dimensions are fixed sizes or named symbols (e.g.
/// "batch", "y"), which onnxruntime binds at inference.
public struct ONNXGraph: Sendable {
    /// A tensor dimension: a fixed size or a symbol.
    public enum Dimension: Sendable, Equatable, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
        case size(Int)
        case symbol(String)

        public init(integerLiteral value: Int) { self = .size(value) }
        public init(stringLiteral value: String) { self = .symbol(value) }
    }

    /// A node attribute.
    public enum Attribute: Sendable, Equatable {
        case int(Int)
        case ints([Int])
        case float(Float)
        case string(String)
    }

    /// The operator set the graph is written against (ONNX 1.12, onnxruntime ≥ 1.12).
    public static let opsetVersion = 17
    /// The IR version that goes with `opsetVersion`.
    static let irVersion: Int64 = 8

    public let name: String
    private var graph = Onnx_GraphProto()
    private var counter = 0

    public init(name: String) {
        self.name = name
        graph.name = name
    }

    /// Declares a graph input.
    public mutating func input(_ name: String, shape: [Dimension]) {
        graph.input.append(Self.valueInfo(name, shape: shape))
    }

    /// Declares a graph output (the node that makes it must name it as its output).
    public mutating func output(_ name: String, shape: [Dimension]) {
        graph.output.append(Self.valueInfo(name, shape: shape))
    }

    /// A constant float32 tensor (weights); `values` in C order. Returns its name.
    @discardableResult
    public mutating func initializer(_ name: String, shape: [Int], values: [Float]) -> String {
        precondition(shape.reduce(1, *) == values.count, "ONNXGraph: \(name) has \(values.count) values for shape \(shape)")
        var tensor = Onnx_TensorProto()
        tensor.name = name
        tensor.dims = shape.map(Int64.init)
        tensor.dataType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensor.rawData = values.withUnsafeBufferPointer { buffer in
            Data(buffer.map(\.bitPattern.littleEndian).withUnsafeBytes { Array($0) })
        }
        graph.initializer.append(tensor)
        return name
    }

    /// Appends a node of operator `op` and returns its (first) output's name: `output` if
    /// given, else a fresh one. An empty string among `inputs` skips an optional input.
    @discardableResult
    public mutating func node(_ op: String, _ inputs: [String], output: String? = nil,
                              attributes: [(String, Attribute)] = []) -> String {
        counter += 1
        var node = Onnx_NodeProto()
        node.opType = op
        node.name = "\(op.lowercased())_\(counter)"
        node.input = inputs
        let result = output ?? "\(node.name)_out"
        node.output = [result]
        node.attribute = attributes.map { Self.attribute($0.0, $0.1) }
        graph.node.append(node)
        return result
    }

    /// The model as ONNX's protobuf bytes.
    public func serialized(producer: String, version: String, documentation: String = "") throws -> Data {
        var model = Onnx_ModelProto()
        model.irVersion = Self.irVersion
        model.producerName = producer
        model.producerVersion = version
        model.docString = documentation
        var opset = Onnx_OperatorSetIdProto()
        opset.domain = ""
        opset.version = Int64(Self.opsetVersion)
        model.opsetImport = [opset]
        model.graph = graph
        return try model.serializedData()
    }

    /// Operators used, in order of first use (for documentation and tests).
    public var operators: [String] {
        var seen: Set<String> = []
        return graph.node.map(\.opType).filter { seen.insert($0).inserted }
    }

    private static func valueInfo(_ name: String, shape: [Dimension]) -> Onnx_ValueInfoProto {
        var tensorType = Onnx_TypeProto.Tensor()
        tensorType.elemType = Int32(Onnx_TensorProto.DataType.float.rawValue)
        tensorType.shape.dim = shape.map { dimension in
            var d = Onnx_TensorShapeProto.Dimension()
            switch dimension {
            case .size(let n): d.dimValue = Int64(n)
            case .symbol(let s): d.dimParam = s
            }
            return d
        }
        var info = Onnx_ValueInfoProto()
        info.name = name
        info.type.tensorType = tensorType
        return info
    }

    private static func attribute(_ name: String, _ value: Attribute) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        switch value {
        case .int(let i): a.type = .int; a.i = Int64(i)
        case .ints(let v): a.type = .ints; a.ints = v.map(Int64.init)
        case .float(let f): a.type = .float; a.f = f
        case .string(let s): a.type = .string; a.s = Data(s.utf8)
        }
        return a
    }
}

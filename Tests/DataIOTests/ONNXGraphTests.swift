import Foundation
import Testing
import SwiftProtobuf
import Yams
@testable import DataIO

@Suite struct ONNXGraphTests {
    /// The bytes decode (with ONNX's own schema) to the graph that was built: opset, shapes
    /// with symbols, float32 little-endian weights, attributes of each type, node order.
    @Test func serialisedModelDecodesToTheGraph() throws {
        var graph = ONNXGraph(name: "tiny")
        graph.input("input", shape: ["batch", 1, "y", "x"])
        let weight = graph.initializer("w", shape: [2, 1, 3, 3], values: (0..<18).map { Float($0) - 8.5 })
        let conv = graph.node("Conv", ["input", weight, ""], attributes: [("kernel_shape", .ints([3, 3])), ("pads", .ints([1, 1, 1, 1]))])
        let scaled = graph.node("LeakyRelu", [conv], attributes: [("alpha", .float(0.25))])
        graph.node("Resize", [scaled, "", "s"], output: "out", attributes: [("mode", .string("nearest"))])
        graph.output("out", shape: ["batch", 2, "y2", "x2"])
        #expect(graph.operators == ["Conv", "LeakyRelu", "Resize"])

        let model = try Onnx_ModelProto(serializedBytes: try graph.serialized(producer: "fluosynth", version: "0"))
        #expect(model.irVersion == 8 && model.opsetImport.map(\.version) == [17] && model.producerName == "fluosynth")
        let g = model.graph
        #expect(g.name == "tiny" && g.node.map(\.opType) == ["Conv", "LeakyRelu", "Resize"])
        #expect(g.node[0].input == ["input", "w", ""] && g.node[1].input == g.node[0].output && g.node[2].output == ["out"])
        #expect(g.node[0].attribute[0].ints == [3, 3] && g.node[0].attribute[0].type == .ints)
        #expect(g.node[1].attribute[0].f == 0.25 && g.node[2].attribute[0].s == Data("nearest".utf8))
        let dims = g.input[0].type.tensorType.shape.dim
        #expect(dims.map(\.dimParam) == ["batch", "", "y", "x"] && dims[1].dimValue == 1)
        let tensor = g.initializer[0]
        #expect(tensor.dims == [2, 1, 3, 3] && tensor.dataType == 1 && tensor.rawData.count == 72)
        let values = tensor.rawData.withUnsafeBytes { raw in (0..<18).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
        #expect(values == (0..<18).map { Float($0) - 8.5 })
    }
}

@Suite struct ModelPackageTests {
    static func description(documentation: String = "README.md") -> ModelDescription {
        let axes: [ModelDescription.Axis] = [.batch, .channel(["c0"]), .space("y", size: .parameterized(min: 4, step: 4), micrometres: 0.065)]
        return ModelDescription(
            name: "n", description: "d", authors: [.init(name: "A. Person")], cite: [.init(text: "t", doi: "10.1/x")],
            license: "MIT", tags: ["2d"], documentation: documentation, covers: [], timestamp: Date(timeIntervalSince1970: 0),
            inputs: [.init(id: "input", description: "in", axes: axes, testTensor: "in.npy",
                           preprocessing: [.scaleRange(axes: ["y"], minPercentile: 1, maxPercentile: 99.8, eps: 1e-6)])],
            outputs: [.init(id: "mean", description: "out", axes: [.batch, .space("y", size: .reference(tensor: "input", axis: "y"), micrometres: 0.065)],
                            testTensor: "out.npy")],
            weights: .init(onnx: .init(source: "w.onnx", opsetVersion: 17)), attachments: [])
    }

    /// rdf.yaml has the spec's snake-case keys and types a YAML 1.1 reader agrees with
    /// (eps a float, the version and timestamp strings).
    @Test func rdfUsesTheSpecsKeysAndTypes() throws {
        let package = ModelPackage(description: Self.description(), files: [])
        let yaml = try package.rdfYAML()
        #expect(yaml.hasPrefix("%YAML 1.2\n---\n"))
        for line in ["format_version: '0.5.4'", "doi: '10.1/x'", "eps: 1.0e-06", "min_percentile: 1", "opset_version: 17", "tensor_id: input",
                     "timestamp: '1970-01-01T00:00:00Z'", "channel_names:"] {
            #expect(yaml.contains(line), "rdf.yaml lacks '\(line)':\n\(yaml)")
        }
        let loaded = try Yams.load(yaml: yaml) as? [String: Any]
        let inputs = loaded?["inputs"] as? [[String: Any]]
        let kwargs = (inputs?.first?["preprocessing"] as? [[String: Any]])?.first?["kwargs"] as? [String: Any]
        #expect(kwargs?["eps"] as? Double == 1e-6 && kwargs?["max_percentile"] as? Double == 99.8)
    }

    /// A package that names files it does not hold is refused and nothing is written.
    @Test func missingFilesAreRefused() throws {
        let package = ModelPackage(description: Self.description(), files: [("in.npy", Data()), ("w.onnx", Data())])
        #expect(Set(package.missingFiles) == ["README.md", "out.npy"])
        let path = NSTemporaryDirectory() + "fluosynth-package-\(UUID().uuidString).zip"
        #expect(throws: DataIOError.self) { try package.write(to: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

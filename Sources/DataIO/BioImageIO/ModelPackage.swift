import Foundation
import Yams

/// A bioimage.io model package: `rdf.yaml` (the description, in the spec's snake-case keys)
/// and the files it names, in one ZIP archive (`*.bioimageio.zip`) that bioimage.io tools,
/// Fiji's deepImageJ, ilastik and napari's bioimage.io plugin open.
public struct ModelPackage: Sendable {
    public var description: ModelDescription
    /// The files beside `rdf.yaml`, by name.
    public var files: [(name: String, data: Data)]

    public init(description: ModelDescription, files: [(name: String, data: Data)]) {
        (self.description, self.files) = (description, files)
    }

    /// `rdf.yaml`: the description encoded as JSON with snake-case keys in sorted order, then
    /// re-serialised as block YAML, strings quoted only where YAML would read them otherwise.
    public func rdfYAML() throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(description), as: UTF8.self)
        guard let node = try Yams.compose(yaml: json) else { throw DataIOError.writeFailed("rdf.yaml", "empty description") }
        return "%YAML 1.2\n---\n" + (try Yams.serialize(node: Self.block(node), width: -1, allowUnicode: true))
    }

    /// `node` in block style, its scalars plain where every YAML reader agrees on their type:
    /// numbers such as `1e-06` are written `1.0e-06` (a float for YAML 1.1 readers too, PyYAML
    /// and Fiji's SnakeYAML), and strings that such readers would take for numbers, dates,
    /// times or booleans (`0.5.4`, `2026-01-01T00:00:00Z`, `yes`) are quoted.
    private static func block(_ node: Node) -> Node {
        switch node {
        case .scalar(var scalar):
            let isString = scalar.style == .doubleQuoted
            scalar.style = isString && looksTyped(scalar.string) ? .singleQuoted : .any
            if !isString, let e = scalar.string.firstIndex(where: { $0 == "e" || $0 == "E" }), !scalar.string.contains(".") {
                scalar.string = scalar.string[..<e] + ".0" + scalar.string[e...]
            }
            return .scalar(scalar)
        case .mapping(let mapping):
            return .mapping(Node.Mapping(mapping.map { (block($0.key), block($0.value)) }, mapping.tag, .block))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map(block), sequence.tag, .block))
        case .alias:
            return node
        }
    }

    /// Whether a YAML 1.1 reader could read the plain string as something else.
    private static func looksTyped(_ string: String) -> Bool {
        guard let first = string.first else { return true }
        return first.isNumber || "+-.~".contains(first)
            || ["y", "n", "yes", "no", "on", "off", "true", "false", "null"].contains(string.lowercased())
    }

    /// Names the description refers to that are missing from `files`.
    public var missingFiles: [String] {
        let present = Set(files.map(\.name))
        let d = description
        let named = [d.documentation, d.weights.onnx.source] + d.covers + d.attachments.map(\.source)
            + (d.inputs + d.outputs).flatMap { [$0.testTensor.source] + ($0.sampleTensor.map { [$0.source] } ?? []) }
        return named.filter { !present.contains($0) }
    }

    /// Writes the archive (atomically); `path` should end in `.zip`.
    public func write(to path: String) throws {
        let missing = missingFiles
        guard missing.isEmpty else { throw DataIOError.writeFailed(path, "the description names files not in the package: \(missing.joined(separator: ", "))") }
        let entries = [ZipWriter.Entry(name: "rdf.yaml", data: Data(try rdfYAML().utf8), compressed: true)]
            + files.map { ZipWriter.Entry(name: $0.name, data: $0.data, compressed: true) }
        try ZipWriter.write(entries, to: path)
    }
}

import FluoCore
import Foundation
import Imaging
import Phantoms
import Yams

/// A spec read, checked and ready to be resolved per sample.
///
/// Loading decodes the spec twice, with every range at its lower and at its upper end, and
/// validates both, so a range reaching outside a parameter's physical domain is reported
/// before anything is made. Every problem becomes a `SpecError` at the offending key.
public struct LoadedSpec: @unchecked Sendable {
    /// The spec with conditions completed from the top-level optics and acquisition.
    public let document: SpecDocument
    /// Folder of the spec file (relative paths inside it resolve against it).
    public let folder: String
    /// The phantom's own document when it names a preset.
    let presetDocument: SpecDocument?
    /// The spec with each range at its lower end (fixed values as written).
    public let template: DatasetSpec
    public let phantomTemplate: PhantomParameters
    /// The resolved spec: defaults filled in, ranges kept as written; canonical JSON.
    public let resolvedJSON: Data
    /// `fnv1a64:` hash of `resolvedJSON`.
    public let hash: String
    /// Whether any number is a range (else every sample has the template's parameters).
    let hasRanges: Bool

    /// One sample's concrete parameters.
    public struct Sample: Sendable {
        public var spec: DatasetSpec
        public var phantom: PhantomParameters
        /// Every number drawn from a range, by key path.
        public var drawn: [String: Double]
    }

    /// The parameters of the sample whose stream is `stream` (numbers drawn from ranges).
    public func sample(stream: RandomStream) throws -> Sample {
        guard hasRanges else { return Sample(spec: template, phantom: phantomTemplate, drawn: [:]) }
        let spec = try document.decode(DatasetSpec.self, resolution: .sample(stream.substream("spec")))
        let phantom = try decodePhantom(.sample(stream.substream("phantom-parameters")))
        var drawn = spec.drawn
        for (key, value) in phantom.drawn { drawn[(presetDocument == nil ? "" : "phantom.") + key] = value }
        return Sample(spec: spec.value, phantom: phantom.value, drawn: drawn)
    }

    func decodePhantom(_ resolution: NumberResolution) throws -> (value: PhantomParameters, drawn: [String: Double], ranges: [String: Node]) {
        if let presetDocument { return try presetDocument.decode(PhantomParameters.self, resolution: resolution) }
        return try document.decode(PhantomParameters.self, at: [AnyCodingKey("phantom")], resolution: resolution)
    }
}

/// Reads spec files.
public enum SpecLoader {
    /// Loads and validates the spec at `path`; `presets` finds phantom presets by name.
    public static func load(_ path: String, presets: PresetLibrary) throws -> LoadedSpec {
        let raw = try SpecDocument(contentsOf: path)
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try load(raw, folder: folder, presets: presets)
    }

    /// Loads and validates a parsed spec.
    public static func load(_ raw: SpecDocument, folder: String, presets: PresetLibrary) throws -> LoadedSpec {
        let document = SpecDocument(root: NodeMerge.completingConditions(raw.root), file: raw.file)
        var presetDocument: SpecDocument?
        if case let .scalar(name)? = document.node(at: [AnyCodingKey("phantom")]) {
            guard let preset = presets.path(of: name.string) else {
                var message = "no phantom preset named '\(name.string)'"
                if let suggestion = nearestMatch(to: name.string, in: presets.names) { message += " (did you mean '\(suggestion)'?)" }
                message += "; presets: \(presets.names.joined(separator: ", "))"
                throw document.valueError(at: [AnyCodingKey("phantom")], message)
            }
            presetDocument = try SpecDocument(contentsOf: preset)
        }

        var bounds: [(spec: DatasetSpec, phantom: PhantomParameters)] = []
        var ranges: [String: Node] = [:]
        for upper in [false, true] {
            let spec = try document.decode(DatasetSpec.self, resolution: .bound(upper: upper))
            let phantom: (value: PhantomParameters, drawn: [String: Double], ranges: [String: Node])
            if let presetDocument {
                phantom = try presetDocument.decode(PhantomParameters.self, resolution: .bound(upper: upper))
            } else {
                phantom = try document.decode(PhantomParameters.self, at: [AnyCodingKey("phantom")], resolution: .bound(upper: upper))
            }
            try SpecValidation.validate(spec.value, document: document)
            do {
                try nested("") { try phantom.value.validate(rank: spec.value.shape.count) }
            } catch let problem as SpecProblem {
                let located = presetDocument ?? document
                let prefix = presetDocument == nil ? "phantom." : ""
                throw located.error(at: KeyPath.parse(prefix + problem.key), problem.problem)
            }
            bounds.append((spec.value, phantom.value))
            ranges.merge(spec.ranges) { $1 }
            for (key, node) in phantom.ranges { ranges["phantom." + key] = node }
        }
        if bounds[0].spec.shape != bounds[1].spec.shape || bounds[0].spec.samples != bounds[1].spec.samples {
            throw document.error(at: [AnyCodingKey("shape")], "shape and samples must be fixed numbers, not ranges")
        }

        let resolved = try resolvedJSON(bounds[0].spec, phantom: bounds[0].phantom, ranges: ranges,
                                        impliedConditions: document.node(at: [AnyCodingKey("conditions")]) == nil)
        return LoadedSpec(document: document, folder: folder, presetDocument: presetDocument,
                          template: bounds[0].spec, phantomTemplate: bounds[0].phantom,
                          resolvedJSON: resolved, hash: "fnv1a64:" + String(format: "%016llx", fnv1a64(resolved)),
                          hasRanges: !ranges.isEmpty)
    }

    /// The spec as canonical JSON: decoded values (defaults filled in), the phantom's
    /// parameters in place of a preset name, and ranges as written where they were. The
    /// output directory and the loop settings are left out (they say where a dataset goes and
    /// what is done with it, not what it is), and so is the single implied condition of a
    /// spec that lists none.
    static func resolvedJSON(_ spec: DatasetSpec, phantom: PhantomParameters, ranges: [String: Node],
                             impliedConditions: Bool) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var root = try JSONSerialization.jsonObject(with: encoder.encode(spec)) as! [String: Any]
        root["phantom"] = try JSONSerialization.jsonObject(with: encoder.encode(phantom))
        if impliedConditions { root["conditions"] = nil }
        root["loop"] = nil
        if var output = root["output"] as? [String: Any] {
            output["directory"] = nil
            root["output"] = output
        }
        for (path, node) in ranges.sorted(by: { $0.key < $1.key }) {
            root = JSONPath.setting(KeyPath.parse(path), to: JSONPath.value(of: node), in: root) as! [String: Any]
        }
        return try JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])
    }

    /// FNV-1a, 64-bit (G. Fowler, L. C. Noll, K.-P. Vo): identifies a spec, not a security hash.
    static func fnv1a64(_ data: Data) -> UInt64 {
        data.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01B3 }
    }
}

/// Reading and writing inside JSON values (as made by `JSONSerialization`) by key path.
enum JSONPath {
    /// `container` with the value at `path` replaced by `value` (missing levels are left alone).
    static func setting(_ path: [CodingKey], to value: Any, in container: Any) -> Any {
        guard let key = path.first else { return value }
        let rest = Array(path.dropFirst())
        if let index = key.intValue, var array = container as? [Any], index < array.count {
            array[index] = setting(rest, to: value, in: array[index])
            return array
        }
        if var object = container as? [String: Any], let child = object[key.stringValue] {
            object[key.stringValue] = setting(rest, to: value, in: child)
            return object
        }
        return container
    }

    /// A YAML node as a JSON value: numbers where a scalar reads as one.
    static func value(of node: Node) -> Any {
        switch node {
        case let .scalar(scalar):
            if let number = Double.construct(from: scalar) { return number }
            return scalar.string
        case let .sequence(sequence): return sequence.map(value(of:))
        case let .mapping(mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping { object[key.string ?? ""] = self.value(of: value) }
            return object
        case .alias: return NSNull()
        }
    }
}

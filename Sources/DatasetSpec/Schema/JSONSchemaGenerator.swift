import DataIO
import FluoCore
import Foundation
import Imaging
import Phantoms

/// The JSON Schema (draft-07) of the spec, derived from the spec types themselves: each type
/// is decoded from a `SchemaRecorder`, once per case of every enum it meets (one enum varied
/// at a time), and the observations are merged. Keys come from `rejectUnknownKeys`, so the
/// schema cannot drift from what the decoder accepts.
public enum JSONSchemaGenerator {
    /// The schema of `DatasetSpec` as pretty-printed JSON, preset names listed for `phantom`.
    public static func datasetSchema(presets: [String]) throws -> String {
        let phantom = node(for: PhantomParameters.self, special: specialNodes)
        var special = specialNodes
        special[ObjectIdentifier(PhantomChoice.self)] = SchemaNode.union([
            presets.isEmpty ? .primitive("string") : .enumeration(Set(presets)), phantom,
        ])
        var root = node(for: DatasetSpec.self, special: special).json as! [String: Any]
        root["$schema"] = "http://json-schema.org/draft-07/schema#"
        root["title"] = "FluoSynth dataset spec"
        root["description"] = "A YAML spec for `fluosynth generate`. Any number may also be a range [min, max] or a {distribution: …} mapping, drawn per sample."
        root["definitions"] = definitions.mapValues { documented($0, parent: nil) }
        root = documented(root, parent: nil) as! [String: Any]
        let data = try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The schema with each key's documentation (`KeyDocumentation`): description, unit
    /// (`x-unit`), default and bounds. A key's entry is found by its name and its parent key.
    static func documented(_ node: Any, parent: String?) -> Any {
        guard var object = node as? [String: Any] else { return node }
        if var properties = object["properties"] as? [String: Any] {
            for (key, value) in properties {
                let child = documented(value, parent: key)
                properties[key] = KeyDocumentation.of(key, parent: parent).map { annotated(child, $0) } ?? child
            }
            object["properties"] = properties
        }
        if let items = object["items"] { object["items"] = documented(items, parent: parent) }
        if let list = object["oneOf"] as? [Any] { object["oneOf"] = list.map { documented($0, parent: parent) } }
        return object
    }

    /// `node` with `documentation` added (a bare `$ref` is wrapped, since draft-07 ignores
    /// keywords beside one).
    static func annotated(_ node: Any, _ documentation: KeyDocumentation) -> Any {
        var object = bounded(node, documentation) as? [String: Any] ?? [:]
        if object.count == 1, object["$ref"] != nil { object = ["allOf": [object]] }
        object["description"] = documentation.description + (documentation.unit.map { " (\($0))" } ?? "")
        if let unit = documentation.unit { object["x-unit"] = unit }
        if let value = documentation.defaultValue { object["default"] = value }
        if let text = documentation.defaultText, let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) {
            object["default"] = value
        }
        return object
    }

    /// `node` with the bounds applied to its numbers: plain, each end of a range, each item
    /// of a list.
    static func bounded(_ node: Any, _ d: KeyDocumentation) -> Any {
        guard d.hasBounds, var object = node as? [String: Any] else { return node }
        var bounds: [String: Any] = [:]
        if let v = d.minimum { bounds["minimum"] = v }
        if let v = d.exclusiveMinimum { bounds["exclusiveMinimum"] = v }
        if let v = d.maximum { bounds["maximum"] = v }
        if let reference = object["$ref"] as? String, let type = ["#/definitions/number": "number", "#/definitions/integer": "integer"][reference] {
            let plain = bounds.merging(["type": type]) { $1 }
            return ["oneOf": [plain, ["type": "array", "items": plain, "minItems": 2, "maxItems": 2], ["$ref": "#/definitions/distribution"]]]
        }
        switch object["type"] as? String {
        case "array": object["items"] = object["items"].map { bounded($0, d) }
        case "number", "integer": object.merge(bounds) { $1 }
        default: if let list = object["oneOf"] as? [Any] { object["oneOf"] = list.map { bounded($0, d) } }
        }
        return object
    }

    /// Types with a hand-written schema: per-object distributions read like numbers.
    static var specialNodes: [ObjectIdentifier: SchemaNode] {
        [ObjectIdentifier(Distribution.self): .reference("number")]
    }

    /// A number written plainly, as a range or as a distribution (same for integers).
    static var definitions: [String: Any] {
        let distribution: [String: Any] = [
            "type": "object",
            "properties": [
                "distribution": ["type": "string", "enum": ["constant", "uniform", "loguniform", "normal", "lognormal", "poisson"]],
                "value": ["type": "number"], "min": ["type": "number"], "max": ["type": "number"],
                "mean": ["type": "number"], "sd": ["type": "number"],
            ],
            "required": ["distribution"],
            "additionalProperties": false,
        ]
        func scalar(_ type: String) -> [String: Any] {
            ["oneOf": [["type": type], ["type": "array", "items": ["type": type], "minItems": 2, "maxItems": 2],
                       ["$ref": "#/definitions/distribution"]]]
        }
        return ["number": scalar("number"), "integer": scalar("integer"), "distribution": distribution]
    }

    /// The merged observations of `type` over all explored enum variants.
    static func node<T: Decodable>(for type: T.Type, special: [ObjectIdentifier: SchemaNode]) -> SchemaNode {
        var queue: [[String: Int]] = [[:]]
        var expanded = Set<String>()
        var result = SchemaNode.any
        var runs = 0
        while let script = queue.popLast(), runs < 10_000 {
            runs += 1
            let run = SchemaRun(script: script)
            let slot = SchemaSlot()
            if (try? T(from: SchemaRecorder(slot: slot, run: run, codingPath: [], special: special))) != nil {
                result = result.merged(with: slot.resolved, requirement: .intersection)
            }
            for (path, cases) in run.decisions.sorted(by: { $0.key < $1.key }) where !expanded.contains(path) {
                expanded.insert(path)
                for choice in 1..<cases { queue.append(script.merging([path: choice]) { $1 }) }
            }
        }
        return result
    }
}

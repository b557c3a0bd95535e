import Foundation

/// A JSON Schema fragment, built by `SchemaRecorder` from the spec types themselves.
indirect enum SchemaNode: Equatable {
    /// A mapping with its allowed keys (from `rejectUnknownKeys`), the schemas of the keys
    /// seen, and the keys every explored variant required.
    case object(properties: [String: SchemaNode], required: Set<String>, allowed: Set<String>)
    case array(SchemaNode)
    case enumeration(Set<String>)
    /// `string`, `boolean`.
    case primitive(String)
    /// A shared definition, e.g. `number` (a number, a range or a distribution).
    case reference(String)
    case oneOf([SchemaNode])
    /// Anything (a key allowed but never decoded in any explored variant).
    case any

    /// How required keys combine: observations within one variant add up (`union`); across
    /// variants a key is required only if every variant requires it (`intersection`).
    enum Requirement { case union, intersection }

    /// Two observations of the same place, combined.
    func merged(with other: SchemaNode, requirement: Requirement = .union) -> SchemaNode {
        switch (self, other) {
        case (.any, _): return other
        case (_, .any): return self
        case let (.object(p1, r1, a1), .object(p2, r2, a2)):
            var properties = p1
            for (key, value) in p2 {
                properties[key] = properties[key].map { $0.merged(with: value, requirement: requirement) } ?? value
            }
            let required = requirement == .union ? r1.union(r2) : r1.intersection(r2)
            return .object(properties: properties, required: required, allowed: a1.union(a2))
        case let (.array(i1), .array(i2)): return .array(i1.merged(with: i2, requirement: requirement))
        case let (.enumeration(v1), .enumeration(v2)): return .enumeration(v1.union(v2))
        case let (.oneOf(list), _): return SchemaNode.union(list + [other], requirement: requirement)
        case let (_, .oneOf(list)): return SchemaNode.union([self] + list, requirement: requirement)
        default: return self == other ? self : SchemaNode.union([self, other], requirement: requirement)
        }
    }

    /// `oneOf` of the alternatives (nested `oneOf`s flattened), merging alternatives of the same kind.
    static func union(_ nodes: [SchemaNode], requirement: Requirement = .union) -> SchemaNode {
        var result: [SchemaNode] = []
        let flat = nodes.flatMap { node -> [SchemaNode] in if case let .oneOf(list) = node { return list } else { return [node] } }
        for node in flat where node != .any {
            if let index = result.firstIndex(where: { $0.sameKind(as: node) }) {
                result[index] = result[index].merged(with: node, requirement: requirement)
            } else {
                result.append(node)
            }
        }
        return result.count == 1 ? result[0] : .oneOf(result)
    }

    private func sameKind(as other: SchemaNode) -> Bool {
        switch (self, other) {
        case (.object, .object), (.array, .array), (.enumeration, .enumeration): return true
        default: return self == other
        }
    }

    /// The fragment as JSON-compatible values.
    var json: Any {
        switch self {
        case let .object(properties, required, allowed):
            var all = properties.mapValues(\.json)
            for key in allowed where all[key] == nil { all[key] = [String: Any]() }
            var object: [String: Any] = ["type": "object", "properties": all, "additionalProperties": false]
            let needed = required.intersection(allowed.isEmpty ? Set(properties.keys) : allowed)
            if !needed.isEmpty { object["required"] = needed.sorted() }
            return object
        case let .array(items): return ["type": "array", "items": items.json]
        case let .enumeration(values): return ["type": "string", "enum": values.sorted()]
        case let .primitive(type): return ["type": type]
        case let .reference(name): return ["$ref": "#/definitions/\(name)"]
        case let .oneOf(nodes): return ["oneOf": nodes.map(\.json)]
        case .any: return [String: Any]()
        }
    }
}

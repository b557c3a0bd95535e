import FluoCore
import Foundation
import Imaging
import Phantoms
import Yams

/// A parsed YAML spec: the node tree (with line and column of every node) and its file.
///
/// Decoding goes through `NodeDecoder`, so ranges can be resolved per sample and every
/// error, whether YAML syntax, an unknown key, a wrong type or a value out of range,
/// becomes a `SpecError` naming the file, line, column and key path.
public struct SpecDocument: @unchecked Sendable {
    /// The file name used in messages.
    public let file: String
    /// The root node.
    public let root: Node

    /// Parses YAML text; `file` names it in messages.
    public init(yaml: String, file: String) throws {
        self.file = file
        do {
            guard let root = try Yams.compose(yaml: yaml) else {
                throw SpecError(file: file, line: 1, column: 1, path: "", message: "the file is empty")
            }
            self.root = root
        } catch let error as YamlError {
            throw SpecDocument.locate(error, file: file)
        }
    }

    /// A document over an existing node tree (e.g. with conditions completed).
    init(root: Node, file: String) {
        self.root = root
        self.file = file
    }

    /// This document with the scalar at `path` (mapping keys) set to `value`, creating the
    /// entries as needed (command-line overrides such as `--samples`).
    public func replacing(_ path: [String], with value: String) -> SpecDocument {
        replacing(path.map { AnyCodingKey($0) }, with: Node(value))
    }

    /// This document with the node at `path` set to `value`, creating mapping entries as
    /// needed; a list entry (`conditions[0]`) must exist.
    public func replacing(_ path: [CodingKey], with value: Node) -> SpecDocument {
        func set(_ node: Node?, _ path: ArraySlice<CodingKey>) -> Node {
            guard let key = path.first else { return value }
            if case var .sequence(sequence)? = node, let index = key.intValue, index < sequence.count {
                let position = sequence.index(sequence.startIndex, offsetBy: index)
                sequence[position] = set(sequence[position], path.dropFirst())
                return .sequence(sequence)
            }
            var mapping = node?.mapping ?? Node.Mapping([])
            mapping[key.stringValue] = set(mapping[key.stringValue], path.dropFirst())
            return .mapping(mapping)
        }
        return SpecDocument(root: set(root, path[...]), file: file)
    }

    /// The node at a key path as users write it (`optics.na`, `conditions[0].optics`).
    public func node(atKeyPath text: String) -> Node? { node(at: KeyPath.parse(text)) }

    /// The coding keys of a key path as users write it.
    public static func keyPath(_ text: String) -> [CodingKey] { KeyPath.parse(text) }

    /// This document with `overrides` laid over it (mappings merged key by key, as a
    /// condition is laid over the top-level acquisition) and the entries at `removing`
    /// (paths of mapping keys) taken out first.
    public func merging(_ overrides: Node, removing: [[String]] = []) -> SpecDocument {
        func remove(_ node: Node?, _ path: ArraySlice<String>) -> Node? {
            guard let node, let key = path.first, var mapping = node.mapping else { return node }
            mapping[key] = path.count == 1 ? nil : remove(mapping[key], path.dropFirst())
            return .mapping(mapping)
        }
        let trimmed = removing.reduce(root) { remove($0, $1[...]) ?? $0 }
        return SpecDocument(root: NodeMerge.merge(trimmed, overrides) ?? trimmed, file: file)
    }

    /// The document as YAML text.
    public func yaml() throws -> String { try Yams.serialize(node: root) }

    /// The largest spec file read: specs are a few kilobytes, so a bigger file is a mistake
    /// (or an attack), refused before parsing.
    public static let maximumFileBytes = 1 << 20

    /// Reads and parses the YAML file at `path` (at most `maximumFileBytes`).
    public init(contentsOf path: String) throws {
        let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0
        guard size <= SpecDocument.maximumFileBytes else {
            throw SpecError(file: path, line: 0, column: 0, path: "",
                            message: "is \(size) bytes; a spec may have at most \(SpecDocument.maximumFileBytes) (1 MiB)")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(file: path, line: 0, column: 0, path: "", message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SpecError(file: path, line: 0, column: 0, path: "", message: "is not UTF-8 text")
        }
        try self.init(yaml: text, file: path)
    }

    /// The value of type `T` at `path` (default: the root), numbers given as ranges resolved
    /// by `resolution`, the numbers drawn and the range nodes met (by key path).
    func decode<T: Decodable>(_ type: T.Type, at path: [CodingKey] = [],
                              resolution: NumberResolution) throws -> (value: T, drawn: [String: Double], ranges: [String: Node]) {
        let session = DecodingSession(file: file, resolution: resolution)
        do {
            guard let node = node(at: path) else { throw error(at: path, "missing") }
            let value = try T(from: NodeDecoder(node: node, codingPath: path, session: session))
            return (value, session.drawn, session.ranges)
        } catch let error as DecodingError {
            throw locate(error)
        }
    }

    /// A `SpecError` for `message` at `path` (the key itself where it exists, else the
    /// deepest enclosing node that does).
    public func error(at path: [CodingKey], _ message: String) -> SpecError {
        let mark = self.mark(of: path)
        return SpecError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                         path: KeyPath.string(path), message: message)
    }

    /// A `SpecError` for `message` about the value at `path` (its position, not its key's).
    public func valueError(at path: [CodingKey], _ message: String) -> SpecError {
        let mark = valueMark(of: path)
        return SpecError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, path: KeyPath.string(path), message: message)
    }

    /// Position of the node at `path`: for a mapping entry, the position of its key.
    func mark(of path: [CodingKey]) -> Mark? {
        var node = root
        var mark = root.mark
        for key in path {
            switch node {
            case let .mapping(mapping):
                guard let entry = mapping.first(where: { $0.key.string == key.stringValue }) else { return mark }
                mark = entry.key.mark
                node = entry.value
            case let .sequence(sequence):
                guard let index = key.intValue, index < sequence.count else { return mark }
                node = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
                mark = node.mark
            default:
                return mark
            }
        }
        return mark
    }

    /// Position of the value (not the key) at `path`.
    func valueMark(of path: [CodingKey]) -> Mark? {
        var node = root
        for key in path {
            switch node {
            case let .mapping(mapping):
                guard let value = mapping[key.stringValue] else { return mark(of: path) }
                node = value
            case let .sequence(sequence):
                guard let index = key.intValue, index < sequence.count else { return mark(of: path) }
                node = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
            default:
                return mark(of: path)
            }
        }
        return node.mark
    }

    private func locate(_ error: DecodingError) -> SpecError {
        switch error {
        case let .keyNotFound(key, context):
            return self.error(at: context.codingPath, "missing key '\(key.stringValue)'")
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            let mark = valueMark(of: context.codingPath)
            return SpecError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                             path: KeyPath.string(context.codingPath), message: context.debugDescription)
        case let .dataCorrupted(context):
            // Unknown keys point at the key; bad values (e.g. an unknown enum case) at the value.
            if context.debugDescription.hasPrefix("unknown key") {
                return self.error(at: context.codingPath, context.debugDescription)
            }
            let mark = valueMark(of: context.codingPath)
            return SpecError(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0,
                             path: KeyPath.string(context.codingPath), message: SpecDocument.explain(context, node: node(at: context.codingPath)))
        @unknown default:
            return SpecError(file: file, line: 0, column: 0, path: "", message: String(describing: error))
        }
    }

    /// The node at `path`, if it exists.
    func node(at path: [CodingKey]) -> Node? {
        var node = root
        for key in path {
            switch node {
            case let .mapping(mapping):
                guard let value = mapping[key.stringValue] else { return nil }
                node = value
            case let .sequence(sequence):
                guard let index = key.intValue, index < sequence.count else { return nil }
                node = sequence[sequence.index(sequence.startIndex, offsetBy: index)]
            default:
                return nil
            }
        }
        return node
    }

    /// Rewrites Swift's "Cannot initialize X from invalid String value y" for users.
    static func explain(_ context: DecodingError.Context, node: Node?) -> String {
        let text = context.debugDescription
        if text.hasPrefix("Cannot initialize"), let value = node?.string {
            return "'\(value)' is not one of the allowed values"
        }
        return text
    }

    /// A YAML syntax error as a `SpecError` with its position.
    static func locate(_ error: YamlError, file: String) -> SpecError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return SpecError(file: file, line: mark.line, column: mark.column, path: "", message: "YAML syntax: \(what)")
        case let .composer(context, problem, mark, _):
            let what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
            return SpecError(file: file, line: mark.line, column: mark.column, path: "", message: "YAML: \(what)")
        default:
            return SpecError(file: file, line: 0, column: 0, path: "", message: "YAML: \(error)")
        }
    }
}

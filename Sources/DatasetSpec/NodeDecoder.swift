import FluoCore
import Foundation
import Phantoms
import Yams

/// How numbers written as ranges or distributions are turned into values while decoding.
///
/// Wherever a spec type asks for a plain number (`Double`, `Float`, `Int`), the YAML may
/// instead hold a range `[min, max]` (uniform; for integers both ends included) or a
/// `{distribution: …}` mapping (see `Phantoms.Distribution`). Types that ask for a
/// `Distribution` themselves (per-object draws such as granule radii) get it unchanged.
enum NumberResolution {
    /// One value per sample: the draw for key path p comes from `stream.substream(p)`, so it
    /// depends only on the sample and the path, not on decoding order.
    case sample(RandomStream)
    /// Each range at its lower or upper end (to validate a spec before any sample is made).
    case bound(upper: Bool)
}

/// State shared by every container of one decoding pass.
final class DecodingSession {
    let file: String
    let resolution: NumberResolution
    /// Every number drawn from a range, by key path (for the manifest).
    private(set) var drawn: [String: Double] = [:]
    /// The range nodes met, by key path (for the resolved spec, which keeps them).
    private(set) var ranges: [String: Node] = [:]

    init(file: String, resolution: NumberResolution) {
        self.file = file
        self.resolution = resolution
    }

    /// A number for `path` from a range or distribution node.
    func number(from node: Node, path: [CodingKey], integer: Bool) throws -> Double {
        let key = KeyPath.string(path)
        ranges[key] = node
        let distribution: Distribution
        do {
            distribution = try Distribution(from: NodeDecoder(node: node, codingPath: path, session: plain))
        } catch {
            throw DecodingError.typeMismatch(Double.self, .init(codingPath: path, debugDescription:
                "expected a number, a range [min, max] or {distribution: …}"))
        }
        // A distribution that cannot be drawn from (a reversed range, a log-uniform reaching 0,
        // a negative sd) is refused here; whether its values suit the key is the key's to say.
        do {
            try distribution.validate(key, .real)
        } catch let PhantomError.invalidParameter(_, problem) {
            throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: problem))
        }
        // An integer range is drawn by counting its integers, which must fit a Double exactly.
        if integer, case let .uniform(low, high) = distribution, !(high - low < 0x1p53) {
            throw DecodingError.typeMismatch(Int.self, .init(codingPath: path, debugDescription: "expected an integer range narrower than 2^53"))
        }
        let value: Double
        switch resolution {
        case let .sample(root):
            var stream = root.substream(key)
            if integer, case let .uniform(low, high) = distribution {
                value = low + Double(stream.integer(below: Int(high - low) + 1))
            } else {
                value = integer ? distribution.sample(&stream).rounded() : distribution.sample(&stream)
            }
        case let .bound(upper):
            switch distribution {
            case let .uniform(low, high), let .logUniform(low, high): value = upper ? high : low
            default: value = distribution.mean
            }
        }
        drawn[key] = value
        return value
    }

    /// A session that reads numbers only as written (used inside a range node).
    private lazy var plain = DecodingSession(file: file, resolution: .bound(upper: false))
}

/// A `Decoder` over a Yams node tree that resolves ranges (see `NumberResolution`).
///
/// Unlike Yams' own decoder it keeps every node, so errors can point at a line and column,
/// and it is strict: quoted numbers are not numbers, and types reject unknown keys.
struct NodeDecoder: Decoder {
    let node: Node
    let codingPath: [CodingKey]
    let session: DecodingSession
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case let .mapping(mapping) = node else {
            throw mismatch([String: Node].self, "a mapping (key: value)")
        }
        return KeyedDecodingContainer(KeyedNodeContainer<Key>(mapping: mapping, codingPath: codingPath, session: session))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        guard case let .sequence(sequence) = node else { throw mismatch([Node].self, "a list") }
        return UnkeyedNodeContainer(nodes: Array(sequence), codingPath: codingPath, session: session)
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { self }

    func mismatch(_ type: Any.Type, _ expected: String) -> DecodingError {
        DecodingError.typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(NodeDecoder.describe(node))"))
    }

    /// A short description of a node for messages: `'twenty'`, `a list`, `a mapping`.
    static func describe(_ node: Node) -> String {
        switch node {
        case let .scalar(scalar): return scalar.string.isEmpty ? "nothing" : "'\(scalar.string)'"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }
}

extension NodeDecoder: SingleValueDecodingContainer {
    private var scalar: Node.Scalar? { if case let .scalar(s) = node { return s } else { return nil } }

    func decodeNil() -> Bool {
        guard let scalar else { return false }
        return scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard let scalar, let value = Bool.construct(from: scalar) else { throw mismatch(type, "true or false") }
        return value
    }

    func decode(_ type: String.Type) throws -> String {
        guard let scalar else { throw mismatch(type, "a string") }
        return scalar.string
    }

    func decode(_ type: Double.Type) throws -> Double {
        if let scalar {
            guard let value = Double.construct(from: scalar) else { throw mismatch(type, "a number") }
            return value
        }
        return try session.number(from: node, path: codingPath, integer: false)
    }

    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }

    func decode(_ type: Int.Type) throws -> Int {
        if let scalar {
            guard let value = Int.construct(from: scalar) else { throw mismatch(type, "an integer") }
            return value
        }
        guard let value = Int(exactly: try session.number(from: node, path: codingPath, integer: true)) else {
            throw mismatch(type, "integers in \(Int.min)…\(Int.max)")
        }
        return value
    }

    func decode(_ type: Int8.Type) throws -> Int8 { try narrow(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try narrow(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try narrow(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try narrow(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try narrow(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try narrow(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try narrow(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try narrow(type) }

    func decode(_ type: UInt64.Type) throws -> UInt64 {
        guard let scalar, let value = UInt64.construct(from: scalar) else { throw mismatch(type, "a non-negative integer") }
        return value
    }

    private func narrow<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let value = T(exactly: try decode(Int.self)) else { throw mismatch(type, "an integer in \(T.min)…\(T.max)") }
        return value
    }

    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        switch type {
        case is Double.Type: return try decode(Double.self) as! T
        case is Int.Type: return try decode(Int.self) as! T
        case is String.Type: return try decode(String.self) as! T
        case is Bool.Type: return try decode(Bool.self) as! T
        default:
            if let enumeration = type as? any (CaseIterable & RawRepresentable<String>).Type {
                try checkCase(of: enumeration)
            }
            return try T(from: self)
        }
    }

    /// Throws a message listing the allowed values (and the nearest) when the scalar is not
    /// one of a string enum's cases.
    private func checkCase<E: CaseIterable & RawRepresentable>(of type: E.Type) throws where E.RawValue == String {
        let value = try decode(String.self)
        let names = type.allCases.map(\.rawValue)
        guard !names.contains(value) else { return }
        var message = "'\(value)' is not one of: \(names.joined(separator: ", "))"
        if let suggestion = nearestMatch(to: value, in: names) { message += " (did you mean '\(suggestion)'?)" }
        throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: message))
    }
}

/// A mapping's entries by key.
struct KeyedNodeContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let mapping: Node.Mapping
    let codingPath: [CodingKey]
    let session: DecodingSession

    var allKeys: [Key] { mapping.keys.compactMap { $0.string.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool { mapping[key.stringValue] != nil }

    private func node(_ key: Key) throws -> Node {
        guard let node = mapping[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing key '\(key.stringValue)'"))
        }
        return node
    }

    private func decoder(_ key: Key) throws -> NodeDecoder {
        NodeDecoder(node: try node(key), codingPath: codingPath + [key], session: session)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try decoder(key).decodeNil() }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decode(type) }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        let decoder = try decoder(key)
        return decoder.decodeNil() ? nil : try decoder.decode(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer { try decoder(key).unkeyedContainer() }
    func superDecoder() throws -> Decoder { NodeDecoder(node: .mapping(mapping), codingPath: codingPath, session: session) }
    func superDecoder(forKey key: Key) throws -> Decoder { try decoder(key) }
}

/// A list's entries in order.
struct UnkeyedNodeContainer: UnkeyedDecodingContainer {
    let nodes: [Node]
    let codingPath: [CodingKey]
    let session: DecodingSession
    private(set) var currentIndex = 0

    init(nodes: [Node], codingPath: [CodingKey], session: DecodingSession) {
        self.nodes = nodes
        self.codingPath = codingPath
        self.session = session
    }

    var count: Int? { nodes.count }
    var isAtEnd: Bool { currentIndex >= nodes.count }

    private mutating func next() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(Any.self, .init(codingPath: codingPath, debugDescription: "the list has only \(nodes.count) entries"))
        }
        defer { currentIndex += 1 }
        return NodeDecoder(node: nodes[currentIndex], codingPath: codingPath + [AnyCodingKey(intValue: currentIndex)!], session: session)
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd else { return false }
        let decoder = NodeDecoder(node: nodes[currentIndex], codingPath: codingPath, session: session)
        if decoder.decodeNil() { currentIndex += 1; return true }
        return false
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decode(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> Decoder { try next() }
}

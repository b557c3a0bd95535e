import FluoCore
import Foundation
import Phantoms

/// The case names of a string enum, and its case number `index`: string enums are listed
/// in the schema, and explored case by case because the keys that follow may depend on them
/// (as `model:` decides the keys of a PSF).
private func caseNames<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String] where E.RawValue == String {
    type.allCases.map(\.rawValue)
}

private func enumCase<E: CaseIterable & RawRepresentable>(_ type: E.Type, _ index: Int) -> Any where E.RawValue == String {
    Array(type.allCases)[index]
}

/// One exploration of a type: which case each enum takes (by decision path), what was met.
final class SchemaRun {
    let script: [String: Int]
    /// Enum decision points met: path → number of cases.
    var decisions: [String: Int] = [:]

    init(script: [String: Int]) { self.script = script }

    func choice(at path: String, cases: Int) -> Int {
        decisions[path] = cases
        return Swift.min(script[path] ?? 0, cases - 1)
    }
}

/// A place in the schema tree the recorder writes into. Children (mapping entries, list
/// items) are slots of their own, resolved at the end, because a container is described
/// only after the caller has finished decoding from it.
final class SchemaSlot {
    private var node: SchemaNode = .any
    private var properties: [(key: String, slot: SchemaSlot, required: Bool)] = []
    private var items: [SchemaSlot] = []

    func record(_ other: SchemaNode) { node = node.merged(with: other) }

    /// The slot of mapping entry `key`.
    func property(_ key: String, required: Bool) -> SchemaSlot {
        let slot = SchemaSlot()
        properties.append((key, slot, required))
        return slot
    }

    /// The slot of a list's items.
    func listItems() -> SchemaSlot {
        let slot = SchemaSlot()
        items.append(slot)
        return slot
    }

    /// Everything recorded here and below.
    var resolved: SchemaNode {
        var result = node
        for (key, slot, required) in properties {
            result = result.merged(with: .object(properties: [key: slot.resolved], required: required ? [key] : [], allowed: [key]))
        }
        for slot in items { result = result.merged(with: .array(slot.resolved)) }
        return result
    }
}

/// A `Decoder` that describes the type decoding from it instead of reading data: mappings
/// record their keys (all allowed keys through `rejectUnknownKeys`), leaves their kind, enums
/// their cases. Every decode succeeds with a placeholder value.
struct SchemaRecorder: Decoder, AllowedKeysRecorder {
    let slot: SchemaSlot
    let run: SchemaRun
    let codingPath: [CodingKey]
    /// Known types with a hand-written schema (the union types of the spec).
    let special: [ObjectIdentifier: SchemaNode]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func recordAllowedKeys(_ keys: [String]) {
        slot.record(.object(properties: [:], required: [], allowed: Set(keys)))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        slot.record(.object(properties: [:], required: [], allowed: []))
        return KeyedDecodingContainer(SchemaKeyedContainer<Key>(recorder: self))
    }

    func unkeyedContainer() throws -> UnkeyedDecodingContainer {
        SchemaUnkeyedContainer(recorder: child(slot.listItems(), AnyCodingKey(intValue: 0)!))
    }

    func singleValueContainer() throws -> SingleValueDecodingContainer { SchemaValue(recorder: self) }

    func child(_ slot: SchemaSlot, _ key: CodingKey) -> SchemaRecorder {
        SchemaRecorder(slot: slot, run: run, codingPath: codingPath + [key], special: special)
    }

    /// Records and returns a placeholder of type `T`.
    func value<T: Decodable>(_ type: T.Type) throws -> T {
        if let node = special[ObjectIdentifier(type)] {
            slot.record(node)
            return try T(from: SchemaRecorder(slot: SchemaSlot(), run: run, codingPath: codingPath, special: [:]))
        }
        if let enumeration = type as? any (CaseIterable & RawRepresentable<String>).Type {
            let names = caseNames(enumeration)
            slot.record(.enumeration(Set(names)))
            return enumCase(enumeration, run.choice(at: KeyPath.string(codingPath), cases: names.count)) as! T
        }
        switch type {
        case is Double.Type, is Float.Type:
            slot.record(.reference("number"))
            return (type == Float.self ? Float(1) as Any : 1.0 as Any) as! T
        case is Int.Type:
            slot.record(.reference("integer"))
            return 1 as! T
        case is UInt64.Type:
            slot.record(.primitive("integer"))
            return UInt64(1) as! T
        case is String.Type:
            slot.record(.primitive("string"))
            return "placeholder" as! T
        case is Bool.Type:
            slot.record(.primitive("boolean"))
            return false as! T
        default:
            return try T(from: self)
        }
    }
}

struct SchemaKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let recorder: SchemaRecorder
    var codingPath: [CodingKey] { recorder.codingPath }
    var allKeys: [Key] { [] }
    func contains(_ key: Key) -> Bool { true }

    private func property<T: Decodable>(_ type: T.Type, _ key: Key, required: Bool) throws -> T {
        try recorder.child(recorder.slot.property(key.stringValue, required: required), key).value(type)
    }

    func decodeNil(forKey key: Key) throws -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try property(type, key, required: true) }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? { try property(type, key, required: false) }
    // The standard library's defaults for these route optional primitives through `decode`;
    // they must be caught here to be recorded as optional.
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try property(type, key, required: false) }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try property(type, key, required: false) }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try property(type, key, required: false) }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try property(type, key, required: false) }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try property(type, key, required: false) }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try property(type, key, required: false) }
    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try recorder.child(recorder.slot.property(key.stringValue, required: true), key).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> UnkeyedDecodingContainer {
        try recorder.child(recorder.slot.property(key.stringValue, required: true), key).unkeyedContainer()
    }
    func superDecoder() throws -> Decoder { recorder }
    func superDecoder(forKey key: Key) throws -> Decoder { recorder.child(SchemaSlot(), key) }
}

/// A list that yields one element, whose schema becomes the list's item schema.
struct SchemaUnkeyedContainer: UnkeyedDecodingContainer {
    let recorder: SchemaRecorder
    var codingPath: [CodingKey] { recorder.codingPath }
    var count: Int? { nil }
    var currentIndex = 0
    var isAtEnd: Bool { currentIndex > 0 }

    init(recorder: SchemaRecorder) { self.recorder = recorder }

    mutating func decodeNil() throws -> Bool { false }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        currentIndex += 1
        return try recorder.value(type)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        currentIndex += 1
        return try recorder.container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> UnkeyedDecodingContainer {
        currentIndex += 1
        return try recorder.unkeyedContainer()
    }
    mutating func superDecoder() throws -> Decoder {
        currentIndex += 1
        return recorder
    }
}

struct SchemaValue: SingleValueDecodingContainer {
    let recorder: SchemaRecorder
    var codingPath: [CodingKey] { recorder.codingPath }
    func decodeNil() -> Bool { false }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try recorder.value(type) }
}

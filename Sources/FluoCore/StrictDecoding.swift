/// Strict decoding for parameter types: Codable silently ignores keys it does not know,
/// so a misspelt optional key in a spec would be dropped without a word. Types that users
/// write call `rejectUnknownKeys` in their `init(from:)`.

/// A decoder that describes types instead of decoding data (the JSON Schema generator):
/// `rejectUnknownKeys` tells it the keys a mapping may hold.
public protocol AllowedKeysRecorder {
    func recordAllowedKeys(_ keys: [String])
}

/// A coding key made from any string.
public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public var stringValue: String
    public var intValue: Int?
    public init(_ string: String) { stringValue = string; intValue = nil }
    public init(stringValue: String) { self.init(stringValue) }
    public init?(intValue: Int) { stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Throws `DecodingError.dataCorrupted` naming the first key of this mapping that is not
    /// in `allowed`, with the nearest allowed key as a suggestion.
    public func rejectUnknownKeys(allowed: [String]) throws {
        if let recorder = self as? AllowedKeysRecorder {
            recorder.recordAllowedKeys(allowed)
            return
        }
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Set(allowed)
        for key in container.allKeys where !known.contains(key.stringValue) {
            var message = "unknown key '\(key.stringValue)'"
            if let suggestion = nearestMatch(to: key.stringValue, in: allowed) {
                message += " (did you mean '\(suggestion)'?)"
            }
            message += "; allowed: \(allowed.sorted().joined(separator: ", "))"
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: message)
        }
    }

    /// `rejectUnknownKeys(allowed:)` with the cases of a `CaseIterable` key type.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type, also extra: [String] = []) throws {
        try rejectUnknownKeys(allowed: Keys.allCases.map(\.stringValue) + extra)
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo
/// (at most a third of the word's length, and at least 1).
public func nearestMatch(to word: String, in candidates: [String]) -> String? {
    let scored = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= Swift.max(1, word.count / 3) ? best.0 : nil
}

/// Levenshtein distance between two strings (insertions, deletions, substitutions).
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = Array(repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}

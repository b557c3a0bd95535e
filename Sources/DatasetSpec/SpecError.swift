import FluoCore

/// An error in a spec file, located by file, line and column, with the key path.
///
/// Printed as `spec.yaml:12:5: acquisition.camera.peak_photons: must be ≥ 0, got -3.0`.
public struct SpecError: Error, Equatable, CustomStringConvertible, Sendable {
    public var file: String
    /// 1-based line and column; 0 where the position is unknown.
    public var line: Int
    public var column: Int
    /// Dotted key path, e.g. `acquisition.camera.peak_photons` (list entries as `[2]`).
    public var path: String
    public var message: String

    public init(file: String, line: Int, column: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        return path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
    }
}

/// Key paths as users write them: `a.b[2].c`.
enum KeyPath {
    /// The coding keys of `a.b[2].c`.
    static func parse(_ text: String) -> [CodingKey] {
        var keys: [CodingKey] = []
        for part in text.split(separator: ".") {
            var name = Substring(part)
            var indices: [Int] = []
            while let open = name.lastIndex(of: "["), name.hasSuffix("]"), let index = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) {
                indices.insert(index, at: 0)
                name = name[..<open]
            }
            if !name.isEmpty { keys.append(AnyCodingKey(String(name))) }
            keys += indices.map { AnyCodingKey(intValue: $0)! }
        }
        return keys
    }

    static func string(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return text
    }
}

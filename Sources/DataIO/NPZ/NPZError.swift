/// Errors of reading and writing `.npz` files; every message names the file.
public enum NPZError: Error, Equatable, CustomStringConvertible {
    /// The file is missing, not a ZIP archive or damaged: (path, reason).
    case unreadable(String, String)
    /// An array in the archive is damaged or of an unsupported kind: (array name, reason).
    case badArray(String, String)
    /// A required array is missing or has the wrong layout: (path, reason).
    case layout(String, String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): not a readable .npz file: \(reason)"
        case let .badArray(name, reason): return "\(name): \(reason)"
        case let .layout(path, reason): return "\(path): \(reason)"
        }
    }
}

/// Errors of reading and writing files; every message names the file.
public enum DataIOError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or created: (path, reason).
    case cannotOpen(String, String)
    /// The file is damaged or not what it claims to be: (path, reason).
    case corrupt(String, String)
    /// The file is valid but holds something FluoSynth does not read: (path, what).
    case unsupported(String, String)
    /// Writing failed: (path, reason).
    case writeFailed(String, String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "\(path): cannot open: \(reason)"
        case let .corrupt(path, reason): return "\(path): not a readable TIFF: \(reason)"
        case let .unsupported(path, what): return "\(path): unsupported: \(what)"
        case let .writeFailed(path, reason): return "\(path): write failed: \(reason)"
        }
    }
}

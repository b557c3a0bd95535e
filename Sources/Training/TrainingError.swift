/// Errors of training data, models and prediction; every message names the file or folder.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// Training data that cannot be used: (path, reason).
    case data(String, String)
    /// A model folder that is damaged: (path, reason).
    case corruptModel(String, String)
    /// A model that does not fit what it is used with: (path, reason).
    case mismatch(String, String)
    /// Options that cannot work together: (reason).
    case options(String)
    /// The loss stopped being a number: (model folder, what happened and what was kept).
    case diverged(String, String)

    public var description: String {
        switch self {
        case let .data(path, reason): return "\(path): \(reason)"
        case let .corruptModel(path, reason): return "\(path): damaged model: \(reason)"
        case let .mismatch(path, reason): return "\(path): \(reason)"
        case let .options(reason): return reason
        case let .diverged(path, reason): return "\(path): training diverged: \(reason)"
        }
    }
}

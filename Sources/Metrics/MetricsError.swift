/// Why a measure cannot be computed on the images it was given.
public enum MetricsError: Error, Equatable, CustomStringConvertible {
    /// Images that should match (shape, rank) do not.
    case mismatch(String)
    /// An image too small (or too empty) for the measure.
    case tooSmall(String)
    /// An image without the contrast the measure needs (a constant ground truth).
    case degenerate(String)

    public var description: String {
        switch self {
        case let .mismatch(message), let .tooSmall(message), let .degenerate(message): return message
        }
    }
}

/// A request the teaching page cannot show: a sample the spec does not make, a sweep that does
/// not apply to the spec's optics or camera.
public enum TeachingError: Error, CustomStringConvertible, Equatable {
    case invalidRequest(String)

    public var description: String {
        switch self {
        case let .invalidRequest(message): return message
        }
    }
}

/// Errors of the imaging model. Messages name the parameter and say what was expected.
public enum ImagingError: Error, Equatable, CustomStringConvertible {
    /// A parameter is out of its physical or logical range: (name, what is wrong).
    case invalidParameter(String, String)
    /// Two inputs do not fit together (e.g. a 3-D PSF for a 2-D image).
    case mismatch(String)

    public var description: String {
        switch self {
        case let .invalidParameter(name, problem): return "\(name): \(problem)"
        case let .mismatch(problem): return problem
        }
    }
}

/// Throws `ImagingError.invalidParameter(name, …)` unless `condition` holds.
func require(_ condition: Bool, _ name: String, _ problem: @autoclosure () -> String) throws {
    if !condition { throw ImagingError.invalidParameter(name, problem()) }
}

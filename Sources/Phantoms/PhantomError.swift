/// Errors of the phantom generators. Messages name the parameter (its spec key) and say what
/// was expected.
public enum PhantomError: Error, Equatable, CustomStringConvertible {
    /// A parameter is out of its range: (key, what is wrong).
    case invalidParameter(String, String)
    /// The request does not fit the grid (e.g. a 1-D shape): (what is wrong).
    case invalidGrid(String)

    public var description: String {
        switch self {
        case let .invalidParameter(key, problem): return "\(key): \(problem)"
        case let .invalidGrid(problem): return problem
        }
    }

    /// The same error with `prefix` in front of the key, e.g. `components[1].` or `cell.`.
    func nested(in prefix: String) -> PhantomError {
        switch self {
        case let .invalidParameter(key, problem): return .invalidParameter(prefix + key, problem)
        case .invalidGrid: return self
        }
    }
}

/// Throws `PhantomError.invalidParameter(key, …)` unless `condition` holds.
func require(_ condition: Bool, _ key: String, _ problem: @autoclosure () -> String) throws {
    if !condition { throw PhantomError.invalidParameter(key, problem()) }
}

/// Runs `body`, prefixing the key of any `PhantomError` it throws with `prefix`.
func nested<T>(_ prefix: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch let error as PhantomError {
        throw error.nested(in: prefix)
    }
}

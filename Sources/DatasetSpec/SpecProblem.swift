import Imaging
import Phantoms

/// A value out of range in a spec section: the key (relative to the section) and what is wrong.
public struct SpecProblem: Error, Equatable, Sendable {
    public var key: String
    public var problem: String
}

/// Throws `SpecProblem(key, problem)` unless `condition` holds.
func check(_ condition: Bool, _ key: String, _ problem: @autoclosure () -> String) throws {
    if !condition { throw SpecProblem(key: key, problem: problem()) }
}

/// Runs `body`, prefixing the key of any parameter problem it throws with `prefix`.
func nested(_ prefix: String, _ body: () throws -> Void) throws {
    do {
        try body()
    } catch let problem as SpecProblem {
        throw SpecProblem(key: prefix + problem.key, problem: problem.problem)
    } catch let ImagingError.invalidParameter(key, problem) {
        throw SpecProblem(key: prefix + key, problem: problem)
    } catch let PhantomError.invalidParameter(key, problem) {
        throw SpecProblem(key: prefix + key, problem: problem)
    }
}

import FluoCore
import Phantoms

/// Phantom parameters read on their own (the `phantom` command), with the spec's strict
/// decoding: errors at file:line:column, ranges checked at both ends, drawn per sample.
public struct PhantomFile: @unchecked Sendable {
    public let document: SpecDocument

    /// Reads a phantom YAML file or preset and checks it for `rank`-D grids.
    public init(_ nameOrPath: String, presets: PresetLibrary, rank: Int) throws {
        document = try SpecDocument(contentsOf: presets.resolve(nameOrPath))
        for upper in [false, true] {
            let phantom = try document.decode(PhantomParameters.self, resolution: .bound(upper: upper)).value
            do {
                try nested("") { try phantom.validate(rank: rank) }
            } catch let problem as SpecProblem {
                throw document.error(at: KeyPath.parse(problem.key), problem.problem)
            }
        }
    }

    /// The parameters with ranges drawn from `stream` (as `generate` draws them per sample).
    public func parameters(stream: RandomStream) throws -> PhantomParameters {
        try document.decode(PhantomParameters.self, resolution: .sample(stream)).value
    }
}

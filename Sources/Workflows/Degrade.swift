import DataIO
import FluoCore
import Foundation
import Imaging

/// Runs the imaging model on a ground-truth image from disk: the `degrade` command.
public enum Degrade {
    /// The result of degrading one ground truth.
    public struct Result: Sendable {
        public var input: Volume
        public var psf: Volume?
    }

    /// Degrades `groundTruth` with `optics` (none: no blur) and `acquisition`; the random
    /// stream is `RandomStream(seed:)`. Files named in the parameters are resolved against `folder`.
    public static func run(_ groundTruth: Volume, optics: PSFModel?, acquisition: Acquisition, seed: UInt64,
                           relativeTo folder: String? = nil, threads: Int = Parallel.availableCores) throws -> Result {
        let psf = try optics.map {
            try PSFFactory.render($0, forImageShape: groundTruth.shape, spacingUm: groundTruth.spacingUm,
                                  relativeTo: folder, threads: threads)
        }
        let model = try acquisition.model(psf: psf, groundTruthShape: groundTruth.shape) { path in
            try TIFFReader.read(PSFFactory.resolve(path, relativeTo: folder)).volume()
        }
        let input = try model.apply(groundTruth, stream: RandomStream(seed: seed), threads: threads)
        return Result(input: input, psf: psf)
    }
}

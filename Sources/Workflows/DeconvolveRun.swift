import DataIO
import FluoCore
import Foundation
import Imaging
import Metrics

/// The classical restorations a network is compared with.
public enum Baseline: Sendable, Equatable {
    /// Richardson–Lucy deconvolution with the PSF of a model (`RichardsonLucy`).
    case richardsonLucy(psf: PSFModel, parameters: RichardsonLucyParameters)
    /// Gaussian smoothing (`GaussianFilter.smooth`) with σ in µm along y and x, and along z
    /// for stacks.
    case gaussian(sigmaUm: Double, axialSigmaUm: Double = 0)
}

/// `fluosynth deconvolve`: restores an image or stack with a classical baseline.
public enum DeconvolveRun {
    /// Voxels × iterations from which a Richardson–Lucy run shows progress.
    public static let progressWork = 50_000_000

    /// `image` restored by `baseline`. PSF files named by the model are resolved against
    /// `folder`; `progress` shows Richardson–Lucy's iterations on standard error when the run is
    /// long enough to need it (at least `progressWork` voxel-iterations, a few seconds).
    public static func restore(_ image: Volume, with baseline: Baseline, relativeTo folder: String? = nil,
                               threads: Int = Parallel.availableCores, progress: Bool = false) throws -> Volume {
        switch baseline {
        case let .gaussian(sigmaUm, axialSigmaUm):
            guard [sigmaUm, axialSigmaUm].allSatisfy({ $0 >= 0 && $0.isFinite }) else {
                throw ImagingError.invalidParameter("sigma", "must be ≥ 0 µm, got \(sigmaUm) (lateral) and \(axialSigmaUm) (axial)")
            }
            return GaussianFilter.smooth(image, sigmaUm: (image.rank == 3 ? [axialSigmaUm] : []) + [sigmaUm, sigmaUm])
        case let .richardsonLucy(model, parameters):
            try parameters.validate(rank: image.rank)
            let psf = try PSFFactory.render(model, forImageShape: image.shape, spacingUm: image.spacingUm,
                                            relativeTo: folder, threads: threads)
            return try richardsonLucy(image, psf: psf, parameters: parameters, threads: threads,
                                      progress: progress && image.count * parameters.iterations >= progressWork)
        }
    }

    /// Richardson–Lucy with a PSF already on the image's grid (same rank and spacing).
    public static func richardsonLucy(_ image: Volume, psf: Volume, parameters: RichardsonLucyParameters,
                                      threads: Int = Parallel.availableCores, progress: Bool = false) throws -> Volume {
        let deconvolution = try RichardsonLucy(psf: psf, imageShape: image.shape, parameters: parameters, threads: threads)
        let display = ProgressDisplay(total: parameters.iterations, label: "richardson-lucy", unit: "iterations", quiet: !progress)
        let result = deconvolution.run(image) { _, _ in display.advance() }
        display.finish()
        return result
    }

    /// Reads `input` (TIFF or OME-Zarr), restores it and writes float32 with the input's
    /// spacing to `output`. `pixelSizeUm` and `zStepUm` override the file's spacing; a file
    /// that records neither is refused (the PSF's size in pixels depends on them).
    public static func run(input: String, output: String, baseline: Baseline, pixelSizeUm: Double? = nil, zStepUm: Double? = nil,
                           threads: Int = Parallel.availableCores, progress: Bool = false) throws -> Volume {
        _ = try ImageFile.kind(of: output)
        let file = try ImageFile.read(input)
        var image = try file.volume()
        guard image.rank >= 2 else { throw WorkflowError.mismatch("\(input): needs a 2-D image or a 3-D stack, got shape \(image.shape)") }
        if pixelSizeUm == nil && file.metadata.pixelSizeUm == nil {
            throw WorkflowError.incomplete("\(input) does not record its pixel size: give --pixel-size (µm)")
        }
        if zStepUm == nil && file.metadata.zStepUm == nil && image.rank == 3 {
            throw WorkflowError.incomplete("\(input) does not record its z step: give --z-step (µm)")
        }
        if let pixelSizeUm { image.spacingUm[image.rank - 1] = pixelSizeUm; image.spacingUm[image.rank - 2] = pixelSizeUm }
        if let zStepUm, image.rank == 3 { image.spacingUm[0] = zStepUm }
        let restored = try restore(image, with: baseline, threads: threads, progress: progress)
        try ImageFile.write(restored, to: output)
        return restored
    }
}

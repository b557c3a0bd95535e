import DataIO
import FluoCore
import Foundation
import Imaging

/// A stack to restore: one (z, y, x) volume per channel, with its lateral pixel size and z step.
public struct AnisotropicStack: Sendable {
    public var channels: [Volume]
    public var pixelSizeUm: Double
    public var zStepUm: Double

    /// Reads a TIFF or OME-Zarr stack (channels kept together); the spacing comes from the
    /// flags or, failing those, from the file's ImageJ/OME/NGFF metadata.
    public static func read(_ path: String, pixelSizeUm: Double?, zStepUm: Double?) throws -> AnisotropicStack {
        let image = try ImageFile.read(path)
        let frames = try image.hyperstack()
        guard frames.count == 1 else {
            throw WorkflowError.mismatch("\(path) holds \(frames.count) time points; isotropic restoration takes one stack (split the series first)")
        }
        guard frames[0][0].rank == 3, frames[0][0].shape[0] >= 2 else {
            throw WorkflowError.mismatch("\(path) is not a z-stack (shape \(frames[0][0].shape))")
        }
        guard let pixel = pixelSizeUm ?? image.metadata.pixelSizeUm?.x else {
            throw WorkflowError.incomplete("\(path) does not record its pixel size: give --pixel-size (µm)")
        }
        guard let step = zStepUm ?? image.metadata.zStepUm else {
            throw WorkflowError.incomplete("\(path) does not record its z step: give --z-step (µm)")
        }
        let channels = frames[0].map { volume -> Volume in
            var volume = volume
            volume.spacingUm = [step, pixel, pixel]
            return volume
        }
        return AnisotropicStack(channels: channels, pixelSizeUm: pixel, zStepUm: step)
    }

    /// The z-stack's PSF widths, from `psf` rendered on a fine isotropic grid.
    public func degradation(psf model: PSFModel, relativeTo folder: String? = nil, threads: Int) throws -> AxialDegradation {
        let (lateral, axial) = AnisotropicStack.expectedWidths(model)
        // Fine enough to measure the lateral width (≥ 8 samples per FWHM), wide enough for the axial one.
        let spacing = Swift.min(pixelSizeUm, lateral / 8)
        let lateralCount = 2 * Int((3 * lateral / spacing).rounded(.up)) + 1
        let axialCount = 2 * Int((3 * axial / spacing).rounded(.up)) + 1
        let grid = PSFGrid(shape: [axialCount, lateralCount, lateralCount], spacingUm: [spacing, spacing, spacing])
        let psf = try PSFFactory.render(model, on: grid, relativeTo: folder, threads: threads)
        return try AxialDegradation(psf: psf, pixelSizeUm: pixelSizeUm, zStepUm: zStepUm)
    }

    /// Rough lateral and axial FWHM (µm) of a model, to size the grid the PSF is measured on.
    static func expectedWidths(_ model: PSFModel) -> (lateral: Double, axial: Double) {
        if let optics = model.optics {
            return (PSFMeasurement.theoreticalLateralFWHM(wavelengthUm: optics.wavelengthUm, na: optics.na),
                    PSFMeasurement.theoreticalAxialFWHM(wavelengthUm: optics.wavelengthUm, na: optics.na, immersionIndex: optics.immersionIndex))
        }
        if case let .gaussian(g) = model { return (g.fwhmUm.last!, g.fwhmUm.count == 3 ? g.fwhmUm[0] : g.fwhmUm.last!) }
        return (0.3, 1.0)   // a measured PSF keeps its own extent; these only size the grid
    }
}

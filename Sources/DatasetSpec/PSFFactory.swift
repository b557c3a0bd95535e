import DataIO
import FluoCore
import Foundation
import Imaging

/// Turns a `PSFModel` into a PSF on a grid, loading measured PSFs from disk.
public enum PSFFactory {
    /// Reads a measured PSF stack: a file (relative paths are resolved against `folder`) or a
    /// bundled PSF by name. The spacing comes from the model, else the bundled PSF's
    /// description, else the file's ImageJ/OME metadata.
    public static func loadMeasured(_ file: PSFFile, relativeTo folder: String? = nil) throws -> MeasuredPSF {
        var path = resolve(file.path ?? "", relativeTo: folder), given = file.spacingUm
        if let name = file.name {
            let bundled = try BundledPSF.load(name)
            (path, given) = (bundled.stack, given ?? bundled.psf.voxelSizeUm)
        }
        let image = try TIFFReader.read(path)
        var stack = try image.volume()
        if let spacing = given {
            guard spacing.count == stack.rank else {
                throw ImagingError.invalidParameter("spacing_um", "needs \(stack.rank) values for the \(stack.shape) stack in \(path), got \(spacing)")
            }
            stack.spacingUm = spacing
        } else if image.metadata.pixelSizeUm == nil || (stack.rank == 3 && image.metadata.zStepUm == nil) {
            throw ImagingError.invalidParameter("spacing_um", "\(path) does not record its voxel size; give it (z, y, x in µm)")
        }
        return MeasuredPSF(stack: stack, backgroundLevel: file.background)
    }

    /// `path` as is if absolute, else inside `folder`.
    public static func resolve(_ path: String, relativeTo folder: String?) -> String {
        guard let folder, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: folder).appendingPathComponent(path).path
    }

    /// The PSF of `model` on `grid`.
    public static func render(_ model: PSFModel, on grid: PSFGrid, relativeTo folder: String? = nil,
                              threads: Int = Parallel.availableCores) throws -> Volume {
        let psf = try model.pointSpreadFunction { try loadMeasured($0, relativeTo: folder) }
        return try psf.render(on: grid, threads: threads)
    }

    /// The PSF of `model` on a grid that suits images of `imageShape` and `spacingUm`
    /// (`PSFGrid.covering`); a measured PSF keeps its own physical extent.
    public static func render(_ model: PSFModel, forImageShape imageShape: [Int], spacingUm: [Double],
                              relativeTo folder: String? = nil, threads: Int = Parallel.availableCores) throws -> Volume {
        let rank = imageShape.count
        let axialExtent = rank == 3 ? Double(imageShape[0] - 1) * spacingUm[0] : 0
        let halfWidth: [Double]
        if let support = model.supportHalfWidthUm(rank: rank, axialExtentUm: axialExtent) {
            halfWidth = support
        } else if case let .file(file) = model {
            let stack = try loadMeasured(file, relativeTo: folder).stack
            halfWidth = zip(stack.shape.suffix(rank), stack.spacingUm.suffix(rank)).map { Double($0 / 2) * $1 }
        } else {
            halfWidth = spacingUm
        }
        let grid = PSFGrid.covering(imageShape: imageShape, spacingUm: spacingUm, halfWidthUm: halfWidth)
        return try render(model, on: grid, relativeTo: folder, threads: threads)
    }
}

/// Measured widths of a PSF beside the textbook values.
public struct PSFReport: Sendable {
    public var lateralFWHMUm: Double
    public var axialFWHMUm: Double?
    public var theoreticalLateralFWHMUm: Double?
    public var theoreticalAxialFWHMUm: Double?
    public var psfSum: Double

    public init(psf: Volume, model: PSFModel) {
        lateralFWHMUm = PSFMeasurement.fwhm(psf, axis: psf.rank - 1)
        axialFWHMUm = psf.rank == 3 ? PSFMeasurement.fwhm(psf, axis: 0) : nil
        psfSum = psf.sum()
        // Textbook widths exist for the widefield models and the Gaussian; none for confocal.
        if let optics = model.optics, model.kind != .confocal {
            theoreticalLateralFWHMUm = PSFMeasurement.theoreticalLateralFWHM(wavelengthUm: optics.wavelengthUm, na: optics.na)
            if psf.rank == 3 {
                theoreticalAxialFWHMUm = PSFMeasurement.theoreticalAxialFWHM(
                    wavelengthUm: optics.wavelengthUm, na: optics.na, immersionIndex: optics.immersionIndex)
            }
        } else if case let .gaussian(g) = model {
            theoreticalLateralFWHMUm = g.fwhmUm.last
            theoreticalAxialFWHMUm = psf.rank == 3 && g.fwhmUm.count == 3 ? g.fwhmUm[0] : nil
        }
    }

    /// Lines for the terminal: measured, theory and their ratio.
    public var lines: [String] {
        func row(_ name: String, _ measured: Double, _ theory: Double?, _ formula: String) -> String {
            var text = "\(name) FWHM  \(Format.um(measured))"
            if let theory {
                text += "   theory \(Format.um(theory)) (\(formula))   ratio \(String(format: "%.3f", measured / theory))"
            }
            return text
        }
        var result = [row("lateral", lateralFWHMUm, theoreticalLateralFWHMUm, "0.51 λ/NA")]
        if let axialFWHMUm {
            result.append(row("axial  ", axialFWHMUm, theoreticalAxialFWHMUm, "0.88 λ/(n − √(n² − NA²))"))
        }
        return result
    }
}

/// Number formatting for terminal output.
public enum Format {
    /// A length in µm with three decimals.
    public static func um(_ value: Double) -> String { String(format: "%.3f µm", value) }
}

import FluoCore
import Foundation

/// Makes a lateral (XY) slice of a stack look like an axial slice of the same stack after
/// its z axis has been interpolated to the lateral pixel size: the semi-synthetic training
/// data of isotropic restoration (Weigert et al., Nat. Methods 15 (2018) 1090; CSBDeep's
/// `anisotropic_distortions`).
///
/// An axial slice differs from a lateral one in two ways, both reproduced along one axis of
/// the lateral slice (the "degraded axis", which plays the role of z):
/// 1. **Blur.** The lateral slice already carries the lateral PSF, so only the anisotropic
///    part is added: a Gaussian with σ_extra² = σ_axial² − σ_lateral² (σ = FWHM/(2√(2 ln 2)),
///    FWHMs measured on the PSF), which makes the total width along the degraded axis the
///    axial FWHM. This is the exact Gaussian deconvolution; CSBDeep's example uses the cruder
///    σ_axial − σ_lateral.
/// 2. **Sampling.** The stack was sampled every z step, i.e. every σ = z step / pixel size
///    lateral pixels: the slice is point-sampled at positions j·σ along the degraded axis
///    (exact for non-integer σ) and linearly interpolated back onto its grid, as the stack's z
///    axis is before prediction.
/// Borders are extended by reflection before blurring, so slice edges are not darkened.
public struct AxialDegradation: Codable, Equatable, Sendable {
    /// Lateral and axial FWHM of the microscope's PSF in µm.
    public var lateralFWHMUm: Double
    public var axialFWHMUm: Double
    /// Lateral pixel size and z step of the stack in µm.
    public var pixelSizeUm: Double
    public var zStepUm: Double

    public init(lateralFWHMUm: Double, axialFWHMUm: Double, pixelSizeUm: Double, zStepUm: Double) {
        self.lateralFWHMUm = lateralFWHMUm
        self.axialFWHMUm = axialFWHMUm
        self.pixelSizeUm = pixelSizeUm
        self.zStepUm = zStepUm
    }

    /// The degradation for a stack imaged with `psf` (a 3-D PSF, any spacing: widths are
    /// measured on it) at `pixelSizeUm` × `zStepUm`.
    public init(psf: Volume, pixelSizeUm: Double, zStepUm: Double) throws {
        guard psf.rank == 3 else { throw ImagingError.mismatch("isotropic restoration needs a 3-D PSF, got \(psf.shape)") }
        self.init(lateralFWHMUm: PSFMeasurement.fwhm(psf, axis: 2), axialFWHMUm: PSFMeasurement.fwhm(psf, axis: 0),
                  pixelSizeUm: pixelSizeUm, zStepUm: zStepUm)
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case lateralFWHMUm = "lateral_fwhm_um"
        case axialFWHMUm = "axial_fwhm_um"
        case pixelSizeUm = "pixel_size_um"
        case zStepUm = "z_step_um"
    }

    /// σ = z step / pixel size: how many lateral pixels one z step spans.
    public var factor: Double { zStepUm / pixelSizeUm }

    /// FWHM in µm of the Gaussian added along the degraded axis.
    public var extraFWHMUm: Double {
        (Swift.max(axialFWHMUm * axialFWHMUm - lateralFWHMUm * lateralFWHMUm, 0)).squareRoot()
    }

    public func validate() throws {
        try require(pixelSizeUm > 0 && zStepUm > 0, "spacing", "pixel size and z step must be positive, got \(pixelSizeUm) and \(zStepUm) µm")
        try require(factor >= 1, "z_step_um", "the z step (\(zStepUm) µm) must be at least the pixel size (\(pixelSizeUm) µm)")
        try require(lateralFWHMUm > 0 && axialFWHMUm > 0, "psf", "has no measurable width")
    }

    /// The slice (2-D, y and x spaced by `pixelSizeUm`) degraded along `axis` (`.y` or `.x`).
    public func apply(_ slice: Volume, along axis: Axis) throws -> Volume {
        try validate()
        guard slice.rank == 2, let a = axis.index(inRank: 2) else {
            throw ImagingError.mismatch("axial degradation works on 2-D slices along y or x, got \(slice.shape) along \(axis.rawValue)")
        }
        var blurred = slice
        let sigmaPixels = GaussianPSF.sigma(fwhm: extraFWHMUm) / pixelSizeUm
        if sigmaPixels > 0.05 {
            let radius = Int((4 * sigmaPixels).rounded(.up))
            var kernelShape = [1, 1], kernelFWHM = [1e-9, 1e-9]
            kernelShape[a] = 2 * radius + 1
            kernelFWHM[a] = extraFWHMUm
            let kernel = try GaussianPSF(fwhmUm: kernelFWHM)
                .render(on: PSFGrid(shape: kernelShape, spacingUm: [pixelSizeUm, pixelSizeUm]))
            let padded = Self.reflectPad(slice, axis: a, by: radius)
            let convolved = try FFTConvolver(kernel: kernel, imageShape: padded.shape).apply(padded)
            blurred = Self.crop(convolved, axis: a, by: radius)
        }
        let sampling = AxisResampling(axis: axis, factor: factor, mode: .point)
        var result = try sampling.upsample(try sampling.apply(blurred), count: slice.shape[a])
        result.spacingUm = slice.spacingUm
        return result
    }

    /// `volume` extended by `margin` samples at both ends of `axis`, mirrored (… c b a | a b c …).
    static func reflectPad(_ volume: Volume, axis: Int, by margin: Int) -> Volume {
        let n = volume.shape[axis]
        var shape = volume.shape
        shape[axis] = n + 2 * margin
        let outer = volume.shape[..<axis].reduce(1, *), inner = volume.shape[(axis + 1)...].reduce(1, *)
        var data = [Float](repeating: 0, count: shape.reduce(1, *))
        for o in 0..<outer {
            for i in 0..<(n + 2 * margin) {
                var j = i - margin
                let period = 2 * n
                j = ((j % period) + period) % period
                if j >= n { j = period - 1 - j }
                let target = (o * (n + 2 * margin) + i) * inner, source = (o * n + j) * inner
                for k in 0..<inner { data[target + k] = volume.data[source + k] }
            }
        }
        return Volume(shape: shape, spacingUm: volume.spacingUm, data: data)
    }

    /// `volume` without `margin` samples at both ends of `axis`.
    static func crop(_ volume: Volume, axis: Int, by margin: Int) -> Volume {
        var shape = volume.shape
        shape[axis] -= 2 * margin
        let outer = volume.shape[..<axis].reduce(1, *), inner = volume.shape[(axis + 1)...].reduce(1, *)
        var data = [Float]()
        data.reserveCapacity(shape.reduce(1, *))
        for o in 0..<outer {
            let start = (o * volume.shape[axis] + margin) * inner
            data += volume.data[start ..< start + shape[axis] * inner]
        }
        return Volume(shape: shape, spacingUm: volume.spacingUm, data: data)
    }
}

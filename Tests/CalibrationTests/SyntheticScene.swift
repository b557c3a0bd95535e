import FluoCore
import Foundation
import Imaging
import Phantoms

/// Images with known imaging parameters for the calibration estimators to recover: microtubules
/// blurred by a Born–Wolf PSF on a smooth background that ramps from dark to bright across x,
/// recorded by a Poisson–Gaussian camera.
enum SyntheticScene {
    static let na = 1.4, wavelengthUm = 0.52

    /// Expected photons per pixel: a background ramp from 0 to `backgroundPhotons` along x plus
    /// filaments whose brightest blurred pixel is about `filamentPhotons`.
    static func photons(side: Int = 512, pixelUm: Double = 0.06, backgroundPhotons: Double = 300,
                        filamentPhotons: Double = 150, filaments: Int = 30, seed: UInt64 = 1) throws -> Volume {
        let spacing = [pixelUm, pixelUm]
        let structure = MicrotubuleParameters(number: ObjectCount(count: .constant(Double(filaments))), persistenceLengthUm: 20,
                                              contourLengthUm: .logNormal(mean: 8, sd: 3))
        let phantom = try PhantomParameters(.microtubules(structure)).generate(shape: [side, side], spacingUm: spacing, stream: RandomStream(seed: seed), threads: 2)
        let psf = try BornWolfPSF(na: na, wavelengthUm: wavelengthUm, immersionIndex: 1.518)
            .render(on: PSFGrid(shape: [33, 33], spacingUm: spacing))
        var blurred = try FFTConvolver(kernel: psf, imageShape: [side, side]).apply(phantom.channels[0])
        let scale = filamentPhotons / Double(blurred.data.max()!)
        for y in 0..<side {
            for x in 0..<side {
                let ramp = backgroundPhotons * Double(x) / Double(side - 1) * (0.8 + 0.2 * sin(Double(y) / 40))
                blurred.data[y * side + x] = Float(Double(blurred.data[y * side + x]) * scale + ramp)
            }
        }
        return blurred
    }

    /// Filaments of 160 units of dye per µm through the Born–Wolf PSF (and a Gaussian of
    /// `extraBlurUm` FWHM, for haze), and their length in the field (the ground truth's sum / 160).
    static func filaments(side: Int, pixelUm: Double = 0.06, filaments: Int, seed: UInt64, na: Double = na, extraBlurUm: Double? = nil) throws -> (image: Volume, lengthUm: Double) {
        let spacing = [pixelUm, pixelUm]
        let structure = MicrotubuleParameters(number: ObjectCount(count: .constant(Double(filaments))), persistenceLengthUm: 20,
                                              contourLengthUm: .logNormal(mean: 8, sd: 3), intensityPerUm: .constant(160))
        let truth = try PhantomParameters(.microtubules(structure)).generate(shape: [side, side], spacingUm: spacing,
                                                                            stream: RandomStream(seed: seed), threads: 2).channels[0]
        var psf = try BornWolfPSF(na: na, wavelengthUm: wavelengthUm, immersionIndex: 1.518).render(on: PSFGrid(shape: [33, 33], spacingUm: spacing))
        if let extraBlurUm {
            let blur = try GaussianPSF(fwhmUm: [extraBlurUm, extraBlurUm]).render(on: PSFGrid(shape: [65, 65], spacingUm: spacing))
            psf = try FFTConvolver(kernel: blur, imageShape: psf.shape).apply(psf)
        }
        return (try FFTConvolver(kernel: psf, imageShape: truth.shape).apply(truth), truth.sum() / 160)
    }

    /// `image` (expected photons) recorded with QE 1 by a camera of gain `gain` ADU/e⁻,
    /// `offset` ADU and `readNoiseE` e⁻ of read noise; `frames` repeats along a new first axis.
    static func record(_ image: Volume, gain: Double, offset: Double, readNoiseE: Double, frames: Int? = nil, seed: UInt64 = 7) throws -> Volume {
        let parameters = CameraParameters(photonsPerUnit: 1, readNoiseE: readNoiseE, gainADUPerE: gain, offsetADU: offset)
        let camera = try Camera(parameters, sensorShape: image.shape) { _ in image }
        guard let frames else { return try camera.record(image, stream: RandomStream(seed: seed), threads: 2) }
        var stack = Volume(shape: [frames] + image.shape, spacingUm: [1] + image.spacingUm)
        for t in 0..<frames {
            let frame = try camera.record(image, stream: RandomStream(seed: seed).substream(t), threads: 2)
            stack.data.replaceSubrange(t * image.count..<(t + 1) * image.count, with: frame.data)
        }
        return stack
    }
}

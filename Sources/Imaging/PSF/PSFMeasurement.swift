import FluoCore
import Foundation

/// Measurements on a rendered PSF, and the textbook values to compare them with.
public enum PSFMeasurement {
    /// Full width at half maximum (µm) of the profile through the brightest sample along
    /// `axis`, with the half-maximum crossings located by linear interpolation.
    public static func fwhm(_ psf: Volume, axis: Int) -> Double {
        let peak = psf.argmax()
        let n = psf.shape[axis]
        let profile = (0..<n).map { i -> Double in
            var index = peak
            index[axis] = i
            return Double(psf.data[psf.flatIndex(index)])
        }
        return fwhm(profile: profile, peakIndex: peak[axis]) * psf.spacingUm[axis]
    }

    /// FWHM in samples of a 1-D profile around its maximum at `peakIndex`.
    public static func fwhm(profile: [Double], peakIndex: Int) -> Double {
        let half = profile[peakIndex] / 2
        var left = Double(peakIndex), right = Double(peakIndex)
        var i = peakIndex
        while i > 0 && profile[i - 1] > half { i -= 1 }
        if i > 0 { left = Double(i) - (profile[i] - half) / (profile[i] - profile[i - 1]) } else { left = 0 }
        i = peakIndex
        while i < profile.count - 1 && profile[i + 1] > half { i += 1 }
        if i < profile.count - 1 {
            right = Double(i) + (profile[i] - half) / (profile[i] - profile[i + 1])
        } else {
            right = Double(profile.count - 1)
        }
        return right - left
    }

    /// Lateral FWHM of the Airy pattern, 0.51 λ/NA (µm).
    public static func theoreticalLateralFWHM(wavelengthUm: Double, na: Double) -> Double {
        0.51 * wavelengthUm / na
    }

    /// Axial FWHM of a widefield PSF, 0.88 λ/(n − √(n² − NA²)) (µm).
    public static func theoreticalAxialFWHM(wavelengthUm: Double, na: Double, immersionIndex n: Double) -> Double {
        0.88 * wavelengthUm / (n - (n * n - na * na).squareRoot())
    }
}

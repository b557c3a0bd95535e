import FluoCore
import Foundation

/// The spectral isotropy ratio of a stack sampled isotropically (spacing p on every axis):
///
///     Φ = Σ_{|k_z| > k₀} P(k) / Σ_{|k_lat| > k₀} P(k),
///
/// P the power spectrum of the mean-subtracted, Hann-windowed stack, k in cycles/µm: the
/// energy of detail finer than 1/k₀ along z over the same along a lateral axis. k₀ defaults
/// to half the Nyquist frequency, 1/(4p), which lies above the Nyquist frequency of any z
/// sampling coarser than 2p: detail there cannot come from interpolating such a stack. Φ = 1
/// for a stack that is as sharp along z as laterally; axial blur or coarse z sampling give
/// Φ < 1, and isotropic restoration moves Φ towards 1.
public enum SpectralIsotropy {
    /// Φ of a (z, y, x) stack against lateral axis `lateralAxis` (1 = y, 2 = x), with band
    /// edge `cutoff` in cycles/µm (default 1/(4p), p the lateral spacing).
    public static func ratio(_ stack: Volume, lateralAxis: Int = 2, cutoff: Double? = nil) -> Double {
        precondition(stack.rank == 3 && (lateralAxis == 1 || lateralAxis == 2), "SpectralIsotropy needs a (z, y, x) stack")
        let shape = stack.shape
        let fft = RealFFT.plan(shape: shape)
        let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
        let mean = Float(stack.mean())
        let windows = shape.map { n in (0..<n).map { Float(0.5 - 0.5 * cos(2 * Double.pi * (Double($0) + 0.5) / Double(n))) } }
        for flat in 0..<stack.count {
            let z = flat / (shape[1] * shape[2]), y = flat / shape[2] % shape[1], x = flat % shape[2]
            real.pointer[flat] = (stack.data[flat] - mean) * windows[0][z] * windows[1][y] * windows[2][x]
        }
        fft.forward(real.pointer, spectrum.pointer)
        let half = shape[2] / 2 + 1
        let edge = cutoff ?? 1 / (4 * stack.spacingUm[lateralAxis])
        var axial = 0.0, lateral = 0.0
        for c in 0..<fft.complexCount {
            let z = c / (shape[1] * half), y = c / half % shape[1], x = c % half
            func frequency(_ i: Int, _ n: Int, _ d: Double) -> Double { Double(i <= n / 2 ? i : i - n) / (Double(n) * d) }
            let kz = frequency(z, shape[0], stack.spacingUm[0])
            let kLateral = lateralAxis == 2 ? Double(x) / (Double(shape[2]) * stack.spacingUm[2]) : frequency(y, shape[1], stack.spacingUm[1])
            // Columns 1…n/2−1 stand for their conjugate mirrors too.
            let weight = (x == 0 || (shape[2] % 2 == 0 && x == shape[2] / 2)) ? 1.0 : 2.0
            let re = Double(spectrum.pointer[2 * c]), im = Double(spectrum.pointer[2 * c + 1])
            let power = weight * (re * re + im * im)
            if abs(kz) > edge { axial += power }
            if abs(kLateral) > edge { lateral += power }
        }
        return lateral > 0 ? axial / lateral : 1
    }
}

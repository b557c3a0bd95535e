import FluoCore
import Foundation

/// The spectrum DFCAN's Fourier channel attention looks at (C. Qiao et al., Nature Methods 18,
/// 194 (2021); DL-SR's `fft2` and `fftshift`), per 2-D feature map:
///
///     X = FFT₂(x),   a_k = (|X_k| + ε)^γ,   A = fftshift(a)   (ε = 10⁻⁸, γ = 0.8),
///
/// fftshift moving frequency 0 to (H/2, W/2) as numpy does. The transforms are FFTW's real
/// ones (`RealFFT`): |X| of a real map is symmetric, so the half spectrum gives every entry.
///
/// Backward: with g = ∂L/∂a (∂L/∂A shifted back), G_k = g_k·γ(|X_k| + ε)^(γ−1) / |X_k|,
/// ∂L/∂x_n = Re Σ_k G_k X_k e^(2πi k·n/N). Symmetrising G (Ĝ_k = (G_k + G₋ₖ)/2) makes Ĝ·X
/// Hermitian, so the sum is FFTW's unnormalised real inverse transform of Ĝ·X.
public final class FourierMagnitude: Layer {
    public static let exponent: Float = 0.8, epsilon: Float = 1e-8
    private var output: Tensor?
    private var inputGradient: Tensor?
    /// Every map's half spectrum X from the last forward pass.
    private var spectra: [Float] = []

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        precondition(x.spatialRank == 2, "FourierMagnitude: input \(x.shape) is not 2-D")
        let height = x.shape[2], width = x.shape[3], plane = height * width, half = width / 2 + 1
        let fft = RealFFT.plan(shape: [height, width])
        let y = Tensor.reusing(output, shape: x.shape)
        output = y
        let maps = x.batch * x.channels, spectrumCount = 2 * height * half
        if spectra.count != maps * spectrumCount { spectra = [Float](repeating: 0, count: maps * spectrumCount) }
        spectra.withUnsafeMutableBufferPointer { spectra in
            nonisolated(unsafe) let spectra = spectra
            compute.parallel(maps) { map, worker in
                let real = compute.scratch(worker: worker, slot: 0, count: plane)
                let spectrum = compute.scratch(worker: worker, slot: 1, count: spectrumCount)
                real.update(from: x.pointer + map * plane, count: plane)
                fft.forward(real, spectrum)
                (spectra.baseAddress! + map * spectrumCount).update(from: spectrum, count: spectrumCount)
                let target = y.pointer + map * plane
                for ky in 0..<height {
                    for kx in 0..<width {
                        // Entries beyond the half spectrum are conjugates of (−ky, −kx).
                        let (row, column) = kx < half ? (ky, kx) : ((height - ky) % height, width - kx)
                        let re = spectrum[2 * (row * half + column)], im = spectrum[2 * (row * half + column) + 1]
                        let magnitude = (re * re + im * im).squareRoot()
                        target[((ky + height / 2) % height) * width + (kx + width / 2) % width] =
                            powf(magnitude + FourierMagnitude.epsilon, FourierMagnitude.exponent)
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        let height = dy.shape[2], width = dy.shape[3], plane = height * width, half = width / 2 + 1
        let fft = RealFFT.plan(shape: [height, width])
        let dx = Tensor.reusing(inputGradient, shape: dy.shape)
        inputGradient = dx
        let maps = dy.batch * dy.channels, spectrumCount = 2 * height * half
        let gamma = FourierMagnitude.exponent, epsilon = FourierMagnitude.epsilon
        spectra.withUnsafeBufferPointer { spectra in
            nonisolated(unsafe) let spectra = spectra
            compute.parallel(maps) { map, worker in
                let product = compute.scratch(worker: worker, slot: 1, count: spectrumCount)
                let source = spectra.baseAddress! + map * spectrumCount
                let gradient = dy.pointer + map * plane
                func g(_ ky: Int, _ kx: Int) -> Float { gradient[((ky + height / 2) % height) * width + (kx + width / 2) % width] }
                for ky in 0..<height {
                    for kx in 0..<half {
                        let index = 2 * (ky * half + kx)
                        let re = source[index], im = source[index + 1]
                        let magnitude = (re * re + im * im).squareRoot()
                        let symmetric = 0.5 * (g(ky, kx) + g((height - ky) % height, (width - kx) % width))
                        let weight = magnitude > 0 ? symmetric * gamma * powf(magnitude + epsilon, gamma - 1) / magnitude : 0
                        product[index] = weight * re
                        product[index + 1] = weight * im
                    }
                }
                let real = compute.scratch(worker: worker, slot: 0, count: plane)
                fft.inverse(product, real)
                (dx.pointer + map * plane).update(from: real, count: plane)
            }
        }
        return dx
    }
}

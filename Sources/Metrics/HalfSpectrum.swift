import FluoCore
import Foundation

/// The discrete Fourier transform of a 2-D image as FFTW's non-redundant half (x frequencies
/// 0…n/2), with each bin's radial frequency and its multiplicity in the full plane, so sums
/// over the whole spectrum are weighted sums over the half (Hermitian symmetry).
struct HalfSpectrum {
    /// Image shape (y, x).
    let shape: [Int]
    /// Interleaved (re, im) pairs, `rows · (nx/2 + 1)` of them.
    let values: [Float]
    /// Radial frequency of each bin as a fraction of the Nyquist frequency 1/(2·p), p the
    /// larger of the two pixel sizes (1 = Nyquist; the corners of the plane reach √2).
    let radius: [Double]
    /// 1 for bins that stand for themselves (x frequency 0, and n/2 for even n), 2 for the others.
    let weight: [Double]
    /// The pixel size p in µm that `radius` refers to.
    let pixelUm: Double

    init(_ image: Volume) {
        precondition(image.rank == 2, "HalfSpectrum: needs a 2-D image, got \(image.shape)")
        shape = image.shape
        let ny = shape[0], nx = shape[1], columns = nx / 2 + 1
        let fft = RealFFT.plan(shape: shape)
        let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
        for i in 0..<image.count { real.pointer[i] = image.data[i] }
        fft.forward(real.pointer, spectrum.pointer)
        values = Array(UnsafeBufferPointer(start: spectrum.pointer, count: 2 * fft.complexCount))
        let dy = image.spacingUm[0], dx = image.spacingUm[1]
        pixelUm = Swift.max(dy, dx)
        var radius = [Double](repeating: 0, count: fft.complexCount), weight = radius
        for row in 0..<ny {
            let fy = Double(row <= ny / 2 ? row : row - ny) / (Double(ny) * dy)
            for column in 0..<columns {
                let fx = Double(column) / (Double(nx) * dx)
                radius[row * columns + column] = 2 * pixelUm * (fy * fy + fx * fx).squareRoot()
                weight[row * columns + column] = column == 0 || (nx % 2 == 0 && column == nx / 2) ? 1 : 2
            }
        }
        self.radius = radius
        self.weight = weight
    }

    /// |F|² of bin `index`.
    func power(_ index: Int) -> Double {
        let re = Double(values[2 * index]), im = Double(values[2 * index + 1])
        return re * re + im * im
    }
}

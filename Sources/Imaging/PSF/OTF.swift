import FluoCore

/// The optical transfer function's magnitude, |FFT(psf)|, for reports.
public enum OTF {
    /// |FFT(psf)| on the full frequency grid with zero frequency at index n/2 of every axis,
    /// normalised to 1 there. Spacing is the frequency step per axis, 1/(n·d) cycles/µm.
    public static func magnitude(of psf: Volume) -> Volume {
        let fft = RealFFT.plan(shape: psf.shape)
        let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
        _ = real.buffer.update(fromContentsOf: psf.data)
        fft.forward(real.pointer, spectrum.pointer)

        let shape = psf.shape, rank = psf.rank
        let halfShape = shape.dropLast() + [shape[rank - 1] / 2 + 1]
        let halfStrides = Volume.strides(of: Array(halfShape))
        var otf = Volume(shape: shape, spacingUm: zip(shape, psf.spacingUm).map { 1 / (Double($0) * $1) })
        for flat in 0..<otf.count {
            // Output index → signed frequency → (possibly conjugate-mirrored) half-spectrum entry.
            let index = otf.unravel(flat)
            var frequency = zip(index, shape).map { $0 - $1 / 2 }
            if frequency[rank - 1] < 0 { frequency = frequency.map { -$0 } }
            var source = 0
            for axis in 0..<rank {
                let n = shape[axis]
                source += (((frequency[axis] % n) + n) % n) * halfStrides[axis]
            }
            let re = spectrum.pointer[2 * source], im = spectrum.pointer[2 * source + 1]
            otf.data[flat] = (re * re + im * im).squareRoot()
        }
        let dc = otf.data[otf.flatIndex(shape.map { $0 / 2 })]
        if dc > 0 { otf.scale(by: 1 / dc) }
        return otf
    }

    /// The widefield lateral cut-off frequency 2·NA/λ (cycles/µm).
    public static func lateralCutoff(na: Double, wavelengthUm: Double) -> Double { 2 * na / wavelengthUm }

    /// The widefield axial cut-off frequency (n − √(n² − NA²))/λ (cycles/µm).
    public static func axialCutoff(na: Double, wavelengthUm: Double, immersionIndex n: Double) -> Double {
        (n - (n * n - na * na).squareRoot()) / wavelengthUm
    }
}

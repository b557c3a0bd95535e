import FluoCore
@testable import Imaging
import Testing

@Suite("FFT convolution")
struct ConvolutionTests {
    static func random(_ shape: [Int], seed: UInt64) -> Volume {
        var rng = RandomStream(seed: seed)
        return Volume(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.uniform()) })
    }

    /// out[i] = Σ_k image[i − (k − c)] · kernel[k], written out directly.
    static func direct(_ image: Volume, _ kernel: Volume, periodic: Bool) -> Volume {
        var output = Volume(shape: image.shape, spacingUm: image.spacingUm)
        for i in 0..<image.count {
            let index = image.unravel(i)
            var total = 0.0
            for k in 0..<kernel.count {
                let kIndex = kernel.unravel(k)
                var source = [Int]()
                var inside = true
                for axis in 0..<image.rank {
                    var s = index[axis] - (kIndex[axis] - kernel.shape[axis] / 2)
                    if periodic { s = ((s % image.shape[axis]) + image.shape[axis]) % image.shape[axis] }
                    if s < 0 || s >= image.shape[axis] { inside = false }
                    source.append(s)
                }
                if inside { total += Double(image.data[image.flatIndex(source)]) * Double(kernel.data[k]) }
            }
            output.data[i] = Float(total)
        }
        return output
    }

    /// Includes kernels longer than the image and lengths where the guard band is exactly the
    /// smooth length chosen (14 + 4 = 18, 8 + 2 = 10, 7 + 5 = 12, 5 + 3 = 8), so a band one
    /// sample too narrow would wrap light into the field and fail.
    @Test(arguments: [([13, 17], [5, 4]), ([9, 8], [7, 9]), ([6, 7, 9], [3, 4, 5]), ([5, 6, 6], [5, 3, 3]),
                      ([14, 10], [9, 21]), ([7, 8, 5], [11, 4, 6])])
    func fftEqualsDirectConvolution(imageShape: [Int], kernelShape: [Int]) throws {
        let image = Self.random(imageShape, seed: 1), kernel = Self.random(kernelShape, seed: 2)
        for boundary in FFTConvolver.Boundary.allCases {
            let fft = try FFTConvolver(kernel: kernel, imageShape: imageShape, boundary: boundary).apply(image)
            let direct = Self.direct(image, kernel, periodic: boundary == .periodic)
            let scale = Double(direct.extrema().max)
            let worst = zip(fft.data, direct.data).map { Double(abs($0 - $1)) }.max()!
            #expect(worst < 1e-5 * scale, "\(boundary): worst difference \(worst / scale) of the maximum")
        }
    }

    /// The zero-boundary transform holds the field plus one guard band, not the whole linear
    /// convolution: a 32×128×128 stack with a 63×129×129 PSF transforms on 64×192×192
    /// (2.7 times fewer samples than 96×256×256).
    @Test func zeroBoundaryPaddingIsOneGuardBand() throws {
        #expect(FFTConvolver.zeroBoundaryLength(image: 32, kernel: 63) == 64)
        #expect(FFTConvolver.zeroBoundaryLength(image: 128, kernel: 129) == 192)
        #expect(FFTConvolver.zeroBoundaryLength(image: 14, kernel: 9) == 18)
        #expect(FFTConvolver.zeroBoundaryLength(image: 6, kernel: 21) == 24)
        #expect(FFTConvolver.zeroBoundaryLength(image: 5, kernel: 6) == 8)
        let convolver = try FFTConvolver(kernel: Volume(shape: [63, 129, 129]), imageShape: [32, 128, 128])
        #expect(convolver.transformShape == [64, 192, 192])
    }

    @Test func deltaConvolvesToThePSF() throws {
        let psf = try BornWolfPSF(na: 1.1, wavelengthUm: 0.5, immersionIndex: 1.33)
            .render(on: PSFGrid(shape: [9, 21, 21], spacingUm: [0.2, 0.06, 0.06]))
        var delta = Volume(shape: [16, 40, 40], spacingUm: psf.spacingUm)
        delta[7, 18, 21] = 1
        let image = try FFTConvolver(kernel: psf, imageShape: delta.shape).apply(delta)
        var worst: Float = 0
        for z in 0..<9 {
            for y in 0..<21 {
                for x in 0..<21 { worst = max(worst, abs(image[7 + z - 4, 18 + y - 10, 21 + x - 10] - psf[z, y, x])) }
            }
        }
        #expect(worst < 1e-7)
        #expect(abs(image.sum() - 1) < 1e-5)
    }

    @Test func totalIntensityIsConserved() throws {
        // Periodic: exactly, for any kernel of unit sum.
        let psf = try BornWolfPSF(na: 1.4, wavelengthUm: 0.52, immersionIndex: 1.518)
            .render(on: PSFGrid(shape: [17, 65, 65], spacingUm: [0.1, 0.04, 0.04]))
        let image = Self.random([24, 48, 48], seed: 3)
        let periodic = try FFTConvolver(kernel: psf, imageShape: image.shape, boundary: .periodic).apply(image)
        #expect(abs(periodic.sum() / image.sum() - 1) < 1e-4)
        // Zero boundary: whenever the blurred object stays inside the field.
        let gaussian = try GaussianPSF(fwhmUm: [0.3, 0.3]).render(on: PSFGrid(shape: [25, 25], spacingUm: [0.05, 0.05]))
        var object = Volume(shape: [96, 96], spacingUm: [0.05, 0.05])
        for y in 30..<66 { for x in 40..<56 { object[y, x] = Float(y + x) } }
        let blurred = try FFTConvolver(kernel: gaussian, imageShape: object.shape).apply(object)
        #expect(abs(blurred.sum() / object.sum() - 1) < 1e-4)
    }

    @Test func rankMismatchAndSpacingMismatchAreErrors() throws {
        #expect(throws: ImagingError.self) {
            try FFTConvolver(kernel: Volume(shape: [3, 3, 3]), imageShape: [8, 8])
        }
        let stage = ConvolutionStage(psf: Volume(shape: [3, 3], spacingUm: [0.1, 0.1], repeating: 1))
        #expect(throws: ImagingError.self) {
            try stage.apply(Volume(shape: [8, 8], spacingUm: [0.2, 0.2]), stream: RandomStream(seed: 0), threads: 1)
        }
    }
}

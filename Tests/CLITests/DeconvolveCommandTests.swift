import DataIO
import FluoCore
import Foundation
import Imaging
import Testing
import TestSupport

@Suite("fluosynth deconvolve")
struct DeconvolveCommandTests {
    static func rmse(_ a: Volume, _ b: Volume) -> Double {
        (zip(a.data, b.data).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(a.count)).squareRoot()
    }

    /// Beads blurred by a Gaussian PSF with a camera offset: RL with the same PSF model and the
    /// offset as background restores them (lower RMSE to the object); Gaussian smoothing runs too.
    @Test func richardsonLucyImprovesASyntheticImage() throws {
        let folder = TestPaths.temporaryDirectory("deconvolve")
        var object = Volume(shape: [64, 64], spacingUm: [0.08, 0.08])
        var random = RandomStream(seed: 3)
        for _ in 0..<10 {
            let y = 8 + random.integer(below: 48), x = 8 + random.integer(below: 48)
            for dy in 0..<2 { for dx in 0..<2 { object[y + dy, x + dx] += 500 } }
        }
        let psf = try GaussianPSF(fwhmUm: [0.25, 0.25]).render(on: PSFGrid(shape: [31, 31], spacingUm: object.spacingUm))
        let blurred = try FFTConvolver(kernel: psf, imageShape: object.shape).apply(object)
        let input = blurred.map { Float(random.poisson(Double($0) * 10) / 10) + 100 }
        try TIFFWriter.write(input, to: folder + "/input.tif")
        let result = try fluosynth(["deconvolve", folder + "/input.tif", "--model", "gaussian", "--fwhm", "0.25,0.25",
                                    "--iterations", "40", "--background", "100", "-o", folder + "/rl.tif", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let restored = try TIFFReader.read(folder + "/rl.tif").volume()
        #expect(restored.shape == object.shape && abs(restored.spacingUm[1] - 0.08) < 1e-6)
        let before = Self.rmse(input.map { $0 - 100 }, object), after = Self.rmse(restored, object)
        #expect(after < 0.7 * before, "RMSE to the object: input \(before), RL \(after)")

        let smoothed = try fluosynth(["deconvolve", folder + "/input.tif", "--method", "gaussian", "--sigma", "0.08", "-o", folder + "/g.tif"])
        #expect(smoothed.status == 0, "\(smoothed.stderr)")
        let gaussian = try TIFFReader.read(folder + "/g.tif").volume()
        #expect(gaussian.extrema().max < input.extrema().max && abs(gaussian.mean() - input.mean()) < 1e-3 * input.mean())
    }

    @Test func badInputFailsNamingTheProblem() throws {
        let folder = TestPaths.temporaryDirectory("deconvolve")
        try TIFFWriter.write(Volume(shape: [32, 32], spacingUm: [0.05, 0.05], repeating: 1), to: folder + "/flat.tif")
        let cases: [([String], String)] = [
            (["deconvolve", folder + "/missing.tif", "--na", "1.4", "--wavelength", "0.5", "-o", folder + "/a.tif"], "missing.tif: cannot open"),
            (["deconvolve", folder + "/flat.tif", "--wavelength", "0.5", "-o", folder + "/b.tif"], "needs --na"),
            (["deconvolve", folder + "/flat.tif", "--na", "1.4", "--wavelength", "0.5", "--tv", "0.3", "-o", folder + "/c.tif"], "tv: must lie in"),
            (["deconvolve", folder + "/flat.tif", "--method", "gaussian", "-o", folder + "/d.tif"], "needs --sigma"),
        ]
        for (arguments, message) in cases {
            let result = try fluosynth(arguments)
            #expect(result.status != 0, "\(arguments) succeeded")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["flat.tif"], "a failed run left files behind")
    }
}

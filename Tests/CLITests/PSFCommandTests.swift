import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport

@Suite("fluosynth psf and degrade")
struct PSFCommandTests {
    @Test func psfCommandWritesThePSFAndReportsWidths() throws {
        let folder = TestPaths.temporaryDirectory("cli")
        let result = try fluosynth(["psf", "--model", "born-wolf", "--na", "1.4", "--wavelength", "0.52",
                                    "--immersion-index", "1.518", "--pixel-size", "0.02", "--z-step", "0.05",
                                    "--shape", "32,64,64", "-o", folder + "/psf.tif", "--otf", folder + "/otf.tif"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("lateral FWHM  0.19"))
        #expect(result.stdout.contains("theory 0.189 µm"))
        #expect(result.stdout.contains("axial"))
        let psf = try TIFFReader.read(folder + "/psf.tif").volume()
        #expect(psf.shape == [32, 64, 64] && abs(psf.sum() - 1) < 1e-4)
        #expect(abs(psf.spacingUm[0] - 0.05) < 1e-9 && abs(psf.spacingUm[2] - 0.02) < 1e-6)
        #expect(FileManager.default.fileExists(atPath: folder + "/otf.tif"))
    }

    @Test func everyModelRunsFromTheCommandLine() throws {
        let folder = TestPaths.temporaryDirectory("cli")
        let common = ["--shape", "9,33,33", "--pixel-size", "0.05", "--z-step", "0.15"]
        let models: [[String]] = [
            ["--model", "gaussian", "--fwhm", "0.6,0.25,0.25"],
            ["--model", "gibson-lanni", "--na", "1.4", "--wavelength", "0.6", "--sample-index", "1.33", "--depth", "3"],
            ["--model", "confocal", "--na", "1.2", "--wavelength", "0.52", "--excitation-wavelength", "0.488",
             "--immersion-index", "1.333", "--pinhole", "1"],
        ]
        for (i, model) in models.enumerated() {
            let result = try fluosynth(["psf"] + model + common + ["-o", folder + "/m\(i).tif"])
            #expect(result.status == 0, "\(model): \(result.stderr)")
        }
        // A measured PSF, resampled from the file just written.
        let measured = try fluosynth(["psf", "--psf-file", folder + "/m1.tif", "--shape", "7,21,21", "--pixel-size", "0.1",
                                      "--z-step", "0.2", "-o", folder + "/measured.tif"])
        #expect(measured.status == 0, "\(measured.stderr)")
        #expect(try TIFFReader.read(folder + "/measured.tif").volume().argmax() == [3, 10, 10])
    }

    @Test func badInputFailsWithAClearMessage() throws {
        let folder = TestPaths.temporaryDirectory("cli")
        let cases: [([String], String)] = [
            (["psf", "--na", "1.6", "--wavelength", "0.5", "-o", folder + "/a.tif"], "na: must be below the immersion index"),
            (["psf", "--wavelength", "0.5", "-o", folder + "/b.tif"], "needs --na"),
            (["psf", "--na", "1.2", "--wavelength", "0.5", "--shape", "4", "-o", folder + "/c.tif"], "--shape needs 2 or 3 values"),
            (["psf", "--psf-file", folder + "/missing.tif", "-o", folder + "/d.tif"], "missing.tif: cannot open: no such file"),
            (["degrade", folder + "/missing.tif", "-o", folder + "/e.tif"], "missing.tif: cannot open"),
        ]
        for (arguments, message) in cases {
            let result = try fluosynth(arguments)
            #expect(result.status != 0, "\(arguments) succeeded")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty, "a failed run left files behind")
    }

    /// The whole imaging model from the command line: blur, 2× pixel integration, camera.
    @Test func degradeRunsTheImagingModel() throws {
        let folder = TestPaths.temporaryDirectory("cli")
        var gt = Volume(shape: [64, 64], spacingUm: [0.03, 0.03])
        for y in 20..<44 { gt[y, 32] = 10 }
        try TIFFWriter.write(gt, to: folder + "/gt.tif")
        let arguments = ["degrade", folder + "/gt.tif", "--na", "1.4", "--wavelength", "0.52",
                         "--subsample", "y:2:integrate", "--subsample", "x:2:integrate", "--peak-photons", "100",
                         "--read-noise", "1", "--offset", "100", "--bit-depth", "12", "--dtype", "uint16", "--seed", "3"]
        let result = try fluosynth(arguments + ["-o", folder + "/low.tif", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let low = try TIFFReader.read(folder + "/low.tif")
        #expect(low.sampleType == "uint16")
        let image = try low.volume()
        #expect(image.shape == [32, 32] && abs(image.spacingUm[0] - 0.06) < 1e-6)
        #expect(image.extrema().max > 150 && image.extrema().min > 90)
        let again = try fluosynth(arguments + ["-o", folder + "/again.tif", "--threads", "2"])
        #expect(again.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/low.tif")) == Data(contentsOf: URL(fileURLWithPath: folder + "/again.tif")))
    }

    @Test func helpIsAvailableForEveryCommand() throws {
        for command in [[], ["psf"], ["degrade"]] {
            let result = try fluosynth(command + ["--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("USAGE"))
        }
    }
}

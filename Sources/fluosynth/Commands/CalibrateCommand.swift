import ArgumentParser
import Workflows

struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Estimate the imaging model from your own image and write a spec that simulates it.",
        discussion: reflowed("""
        From one image (or --frames, a stack of repeated frames of a still scene, and
        --dark frames): the camera's gain, offset and read noise; the optical cut-off
        against 2·NA/λ (a mismatch means the pixel size, NA or wavelength given is
        wrong); the diffuse floor and out-of-focus haze; the filaments' density,
        brightness and profile width. With --base, synthetic images of that spec are
        measured the same way in rounds and its photon level, background, haze,
        effective NA and filament count are matched to the real image; the spec is
        written with ranges around each estimate. A resampled image (bicubic
        upsampling) is calibrated on the camera's own grid. --compare DATASET measures
        a dataset's inputs the same way and reports its domain gap to the image (power
        spectrum and intensity-histogram distances).

        Example:
          fluosynth calibrate ../shared/data/microtubules-wf-sim/widefield-high.tif \\
              --na 1.4 --wavelength 0.52 --pixel-size 0.03 \\
              --base Examples/loop-microtubules.yaml -o calibrated.yaml \\
              --report calibration
          fluosynth loop calibrated.yaml
        """)
    )

    @Argument(help: "The real image (TIFF, 2-D).")
    var image: String

    @Option(help: "A stack of repeated frames of a still scene (photon-transfer curve).")
    var frames: String?

    @Option(help: "A stack of frames taken without light (offset and read noise).")
    var dark: String?

    @Option(help: "Numerical aperture of the objective.")
    var na: Double

    @Option(name: .customLong("wavelength"), help: "Emission wavelength in µm.")
    var wavelengthUm: Double

    @Option(name: .customLong("pixel-size"), help: "Pixel size of the image in µm.")
    var pixelSizeUm: Double

    @Option(name: .customLong("offset"), help: "Camera offset in ADU (default: from --dark or the base spec).")
    var offsetADU: Double?

    @Option(help: "A spec to adapt: its optics, acquisition and phantom count are replaced by the estimates.")
    var base: String?

    @Option(name: [.short, .customLong("output")], help: "The spec to write (YAML).")
    var output: String

    @Option(help: "Folder for the report (index.html with every fit).")
    var report: String?

    @Option(help: "A dataset (fluosynth generate output) to measure against the image: statistics and domain gap.")
    var compare: String?

    @Option(help: "Synthetic samples measured per round of matching.")
    var samples: Int = 8

    @Option(help: "Rounds of matching synthetic to real statistics.")
    var rounds: Int = 8

    func validate() throws {
        guard na > 0 && na < 1.7 else { throw ValidationError("--na must be in (0, 1.7), got \(na)") }
        guard wavelengthUm > 0.2 && wavelengthUm < 2 else { throw ValidationError("--wavelength is in µm (0.2–2), got \(wavelengthUm)") }
        guard pixelSizeUm > 0 && pixelSizeUm < 10 else { throw ValidationError("--pixel-size is in µm (0–10), got \(pixelSizeUm)") }
        guard samples >= 1, rounds >= 1 else { throw ValidationError("--samples and --rounds must be at least 1") }
    }

    func run() throws {
        var options = CalibrateOptions(imagePath: image, na: na, wavelengthUm: wavelengthUm, pixelSizeUm: pixelSizeUm, outputPath: output)
        options.framesPath = frames
        options.darkPath = dark
        options.offsetADU = offsetADU
        options.basePath = base
        options.reportDirectory = report
        options.compareDataset = compare
        options.samples = samples
        options.rounds = rounds
        let result = try CalibrateRun.run(options) { print($0) }
        print("wrote \(output)")
        if let report {
            try CalibrationReport(result).write(to: report)
            print("wrote \(report)/index.html")
        }
    }
}

import ArgumentParser
import Workflows

extension FFTConvolver.Boundary: ExpressibleByArgument {}

struct DeconvolveCommand: ParsableCommand {
    enum Method: String, ExpressibleByArgument, CaseIterable {
        case rl
        case gaussian
    }

    static let configuration = CommandConfiguration(
        commandName: "deconvolve",
        abstract: "Restore an image or stack with a classical baseline: Richardson–Lucy or Gaussian smoothing.",
        discussion: reflowed("""
        Richardson–Lucy (--method rl, the default) needs the PSF: the PSF-model
        options, as for fluosynth psf, or a measured stack with --psf-file. --tv adds
        Dey et al.'s total-variation regularisation (λ about 0.001–0.01; below 0.25
        for images, 1/6 for stacks). --background is a constant level (the camera
        offset, say) kept out of the deconvolution. Output is float32 with the input's
        spacing.

        Examples:
          fluosynth deconvolve ../shared/data/microtubules-wf-sim/widefield-high.tif \\
              --na 1.4 --wavelength 0.52 --pixel-size 0.03 --background 150 \\
              --iterations 30 -o rl.tif
          fluosynth deconvolve stack.tif --psf-file psf.tif --iterations 50 \\
              --tv 0.002 -o rl.tif
          fluosynth deconvolve low.tif --method gaussian --sigma 0.06 -o smooth.tif
        """)
    )

    @Argument(help: "Input image (TIFF, OME-TIFF or OME-Zarr .zarr): a 2-D image or a z-stack.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "Output image: .tif (ImageJ), .ome.tif (OME-TIFF) or .zarr (OME-Zarr).")
    var output: String

    @Option(help: "rl (Richardson–Lucy) or gaussian.")
    var method: Method = .rl

    @Option(help: "rl: number of iterations.")
    var iterations: Int = 20

    @Option(name: .customLong("tv"), help: "rl: total-variation weight λ (0: none).")
    var tvWeight: Double = 0

    @Option(help: "rl: constant background level in the input's units.")
    var background: Double = 0

    @Option(help: "rl: boundary, zero (no wrap-around) or periodic.")
    var boundary: FFTConvolver.Boundary = .zero

    @Option(name: .customLong("sigma"), help: "gaussian: lateral σ in µm.")
    var sigmaUm: Double?

    @Option(name: .customLong("sigma-z"), help: "gaussian: axial σ in µm for stacks (default 0: none).")
    var sigmaZUm: Double = 0

    @Option(name: .customLong("pixel-size"), help: "Lateral pixel size of the input in µm (default: from the file).")
    var pixelSizeUm: Double?

    @Option(name: .customLong("z-step"), help: "z step of the input in µm (default: from the file).")
    var zStepUm: Double?

    @OptionGroup(title: "PSF model (rl)") var psf: PSFOptions

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    /// Checks the method's own options before any work, so a missing one is named with this
    /// command's usage.
    func validate() throws {
        try validateImageOutput(output, option: "--output")
        switch method {
        case .rl: _ = try psf.psfModel()
        case .gaussian: guard sigmaUm != nil else { throw ValidationError("--method gaussian needs --sigma (µm)") }
        }
    }

    func run() throws {
        let baseline: Baseline
        switch method {
        case .rl:
            baseline = .richardsonLucy(psf: try psf.psfModel(), parameters: RichardsonLucyParameters(
                iterations: iterations, tvWeight: tvWeight, background: background, boundary: boundary))
        case .gaussian:
            baseline = .gaussian(sigmaUm: sigmaUm!, axialSigmaUm: sigmaZUm)
        }
        let restored = try DeconvolveRun.run(input: input, output: output, baseline: baseline, pixelSizeUm: pixelSizeUm,
                                             zStepUm: zStepUm, threads: threads, progress: true)
        print("wrote \(output): \(restored.shape.map(String.init).joined(separator: "×")) (\(method == .rl ? "Richardson–Lucy, \(iterations) iterations" : "Gaussian"))")
    }
}

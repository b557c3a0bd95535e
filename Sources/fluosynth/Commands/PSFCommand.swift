import ArgumentParser
import Workflows

struct PSFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psf",
        abstract: "Render a PSF model to a TIFF and compare its widths with theory.",
        discussion: """
        Example:
          fluosynth psf --model born-wolf --na 1.4 --wavelength 0.52 \\
              --immersion-index 1.518 \\
              --pixel-size 0.02 --z-step 0.05 --shape 64,128,128 -o psf.tif
        The PSF is centred at index n/2 of every axis and normalised to unit sum. With
        --otf the |FFT| of the PSF (zero frequency in the centre) is written too.
        """
    )

    @OptionGroup(title: "PSF model") var psf: PSFOptions

    @Option(name: .customLong("shape"), help: "Grid size z,y,x (or y,x for a 2-D PSF).")
    var shape: IntList = IntList(argument: "64,128,128")!

    @Option(name: .customLong("pixel-size"), help: "Lateral pixel size in µm.")
    var pixelSizeUm: Double = 0.05

    @Option(name: .customLong("z-step"), help: "Axial step in µm.")
    var zStepUm: Double = 0.1

    @Option(help: "Lateral supersampling per pixel (odd); default chosen from λ/NA.")
    var oversampling: Int?

    @Option(name: [.short, .customLong("output")], help: "Output TIFF (float32, ImageJ metadata).")
    var output: String

    @Option(help: "Also write the OTF magnitude to this TIFF.")
    var otf: String?

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func validate() throws {
        try validateImageOutput(output, option: "--output")
        try validateImageOutput(otf, option: "--otf")
    }

    func run() throws {
        let model = try psf.psfModel()
        let dims = shape.values
        guard dims.count == 2 || dims.count == 3 else { throw ValidationError("--shape needs 2 or 3 values, got \(dims.count)") }
        let spacing = dims.count == 3 ? [zStepUm, pixelSizeUm, pixelSizeUm] : [pixelSizeUm, pixelSizeUm]
        let grid = PSFGrid(shape: dims, spacingUm: spacing, oversampling: oversampling)
        let volume = try PSFFactory.render(model, on: grid, threads: threads)
        try ImageFile.write(volume, to: output)
        print("wrote \(output): \(model.kind.rawValue) PSF \(dims.map(String.init).joined(separator: "×")) at \(spacing.map { "\($0)" }.joined(separator: ", ")) µm")
        for line in PSFReport(psf: volume, model: model).lines { print(line) }
        if let otf {
            try ImageFile.write(OTF.magnitude(of: volume), to: otf)
            print("wrote \(otf): OTF magnitude (spacing in cycles/µm)")
        }
    }
}

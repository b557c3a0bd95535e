import ArgumentParser
import Workflows

struct PSFCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "psf",
        abstract: "Render a PSF model to a TIFF and compare its widths with theory.",
        discussion: reflowed("""
        Example:
          fluosynth psf --model born-wolf --na 1.4 --wavelength 0.52 \\
              --immersion-index 1.518 \\
              --pixel-size 0.02 --z-step 0.05 --shape 64,128,128 -o psf.tif
        The PSF is centred at index n/2 of every axis and normalised to unit sum. With
        --otf the |FFT| of the PSF (zero frequency in the centre) is written too.
        """)
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

    @Option(name: [.short, .customLong("output")], help: "Output image: .tif (ImageJ), .ome.tif or .zarr (float32).")
    var output: String?

    @Flag(help: "List the PSFs bundled in PSFs/ (use them as --psf-name NAME or optics: {model: file, name: NAME}).")
    var list = false

    @Option(help: "Also write the OTF magnitude to this TIFF.")
    var otf: String?

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func validate() throws {
        guard list || output != nil else { throw ValidationError("Missing expected argument '--output <output>' (or --list)") }
        try validateImageOutput(output, option: "--output")
        try validateImageOutput(otf, option: "--otf")
    }

    func run() throws {
        if list { return try listBundled() }
        guard let output else { return }
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

    /// The bundled PSFs, one line each: name, kind, shape, voxel size, optics, licence.
    private func listBundled() throws {
        let entries = try BundledPSF.all()
        guard !entries.isEmpty else { return print("no PSFs/ folder found (set $FLUOSYNTH_PSFS)") }
        for (name, p) in entries {
            let optics = [p.na.map { "NA \($0)" }, p.wavelengthUm.map { "λ \(Int(($0 * 1000).rounded())) nm" },
                          p.immersionIndex.map { "n \($0)" }].compactMap { $0 }.joined(separator: ", ")
            print("\(name.padding(toLength: 24, withPad: " ", startingAt: 0)) \(p.kind.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) "
                  + "\(p.shape.map(String.init).joined(separator: "×")) at \(p.voxelSizeUm.map { "\($0)" }.joined(separator: ", ")) µm"
                  + (optics.isEmpty ? "" : "; \(optics)") + "; \(p.licence)")
            print("    \(p.description)")
        }
    }
}

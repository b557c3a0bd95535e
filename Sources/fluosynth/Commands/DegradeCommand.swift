import ArgumentParser
import Foundation
import Workflows

extension AxisResampling: ExpressibleByArgument {
    /// `AXIS:FACTOR[:MODE]`, e.g. `z:4` or `x:2.5:integrate`.
    public init?(argument: String) {
        let parts = argument.split(separator: ":").map(String.init)
        guard (2...3).contains(parts.count), let axis = Axis(rawValue: parts[0]), let factor = Double(parts[1]) else { return nil }
        let mode = parts.count == 3 ? Mode(rawValue: parts[2]) : .point
        guard let mode else { return nil }
        self.init(axis: axis, factor: factor, mode: mode)
    }
}

extension TIFFSampleType: ExpressibleByArgument {}

struct DegradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "degrade",
        abstract: "Degrade a ground-truth TIFF with the imaging model (PSF, background, sampling, camera).",
        discussion: reflowed("""
        Stages run in the microscope's order: background → PSF → subsampling → camera.
        Example (a SIM image as ground truth, made to look like a noisy widefield
        image):
          fluosynth degrade ../shared/data/microtubules-wf-sim/sim-high.tif \\
              --na 1.4 --wavelength 0.52 --pixel-size 0.03 \\
              --subsample y:2:integrate --subsample x:2:integrate \\
              --peak-photons 60 --read-noise 2 --offset 100 -o low.tif
        """)
    )

    @Argument(help: "Ground-truth image or stack (TIFF).")
    var groundTruth: String

    @Option(name: [.short, .customLong("output")], help: "Output TIFF.")
    var output: String

    @Option(name: .customLong("pixel-size"), help: "Lateral pixel size of the ground truth in µm (default: from the file).")
    var pixelSizeUm: Double?

    @Option(name: .customLong("z-step"), help: "z step of the ground truth in µm (default: from the file).")
    var zStepUm: Double?

    @Flag(name: .customLong("no-psf"), help: "Skip the PSF convolution.")
    var noPSF = false

    @OptionGroup(title: "PSF model") var psf: PSFOptions

    @Option(name: .customLong("background"), help: "Perlin background amplitude (ground-truth units).")
    var backgroundAmplitude: Double?

    @Option(name: .customLong("background-size"), help: "Perlin background feature size in µm.")
    var backgroundSizeUm: Double = 5

    @Option(name: .customLong("subsample"), help: "Resample an axis: AXIS:FACTOR[:point|integrate], e.g. z:4. Repeatable.")
    var subsample: [AxisResampling] = []

    @Option(name: .customLong("photons-per-unit"), help: "Expected photons per unit of ground truth.")
    var photonsPerUnit: Double?

    @Option(name: .customLong("peak-photons"), help: "Expected photons at the brightest pixel (instead of --photons-per-unit).")
    var peakPhotons: Double?

    @Option(name: .customLong("qe"), help: "Quantum efficiency.")
    var quantumEfficiency: Double = 1

    @Option(name: .customLong("read-noise"), help: "Read noise in electrons (rms).")
    var readNoiseE: Double = 0

    @Option(name: .customLong("em-gain"), help: "EM gain (EMCCD).")
    var emGain: Double?

    @Option(name: .customLong("gain"), help: "Conversion gain in ADU per electron.")
    var gain: Double = 1

    @Option(name: .customLong("offset"), help: "Camera offset in ADU.")
    var offset: Double = 0

    @Option(name: .customLong("bit-depth"), help: "Digitiser bit depth (rounds and clips).")
    var bitDepth: Int?

    @Option(help: "Output sample type: float32 or uint16.")
    var dtype: TIFFSampleType = .float32

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    @Option(name: .customLong("save-psf"), help: "Also write the PSF used to this TIFF.")
    var savePSF: String?

    func validate() throws {
        try validateImageOutput(output, option: "--output")
        try validateImageOutput(savePSF, option: "--save-psf")
    }

    func run() throws {
        let image = try ImageFile.read(groundTruth)
        var gt = try image.volume()
        let rank = gt.rank
        if pixelSizeUm == nil && image.metadata.pixelSizeUm == nil {
            throw ValidationError("\(groundTruth) does not record its pixel size: give --pixel-size (µm)")
        }
        if rank == 3 && zStepUm == nil && image.metadata.zStepUm == nil {
            throw ValidationError("\(groundTruth) does not record its z step: give --z-step (µm)")
        }
        if let pixelSizeUm { gt.spacingUm[rank - 1] = pixelSizeUm; gt.spacingUm[rank - 2] = pixelSizeUm }
        if let zStepUm, rank == 3 { gt.spacingUm[0] = zStepUm }

        let camera: CameraParameters? = (photonsPerUnit == nil && peakPhotons == nil) ? nil : CameraParameters(
            photonsPerUnit: photonsPerUnit, peakPhotons: peakPhotons, quantumEfficiency: quantumEfficiency,
            readNoiseE: readNoiseE, emGain: emGain, gainADUPerE: gain, offsetADU: offset, bitDepth: bitDepth)
        let acquisition = Acquisition(
            background: backgroundAmplitude.map { PerlinBackground(amplitude: $0, featureSizeUm: backgroundSizeUm) },
            subsample: subsample, camera: camera)
        let optics = noPSF ? nil : try psf.psfModel()
        let result = try Degrade.run(gt, optics: optics, acquisition: acquisition, seed: seed, threads: threads)
        try ImageFile.write(result.input, to: output, as: dtype)
        print("wrote \(output): \(result.input.shape.map(String.init).joined(separator: "×")) at \(result.input.spacingUm.map { String(format: "%.4g", $0) }.joined(separator: ", ")) µm")
        if let savePSF, let volume = result.psf {
            try ImageFile.write(volume, to: savePSF)
            print("wrote \(savePSF): PSF \(volume.shape.map(String.init).joined(separator: "×"))")
        }
    }
}

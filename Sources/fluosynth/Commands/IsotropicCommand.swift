import ArgumentParser
import Foundation
import Workflows

extension ViewCombination: ExpressibleByArgument {}

struct IsotropicCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isotropic",
        abstract: "Restore an anisotropic stack to isotropic resolution from its own lateral slices.",
        discussion: reflowed("""
        Lateral (XY) slices are the ground truth; degraded with the PSF's axial blur
        and the z sampling they look like axial slices, and a 2-D network trained on
        them restores the stack's XZ and YZ slices (CARE's isotropic restoration).
        Example (a confocal stack with 1.16 µm z steps and 0.26 µm pixels):
          fluosynth isotropic run stack.tif --z-step 1.16 --pixel-size 0.26 \\
              --model confocal --na 1.2 --wavelength 0.52 \\
              --excitation-wavelength 0.488 \\
              --immersion-index 1.33 --steps 4000 -o stack-isotropic.tif
        """),
        subcommands: [IsotropicRunCommand.self, IsotropicPrepareCommand.self, IsotropicTrainCommand.self, IsotropicPredictCommand.self]
    )
}

/// The stack and its spacing.
struct StackOptions: ParsableArguments {
    @Argument(help: "The anisotropic stack (TIFF, OME-TIFF or OME-Zarr; z, y, x; channels kept together).")
    var stack: String

    @Option(name: .customLong("pixel-size"), help: "Lateral pixel size in µm (default: from the file).")
    var pixelSizeUm: Double?

    @Option(name: .customLong("z-step"), help: "z step in µm (default: from the file).")
    var zStepUm: Double?
}

struct IsotropicPrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Write training pairs from the stack's lateral slices.",
        discussion: reflowed("""
        Each XY slice is convolved with the PSF turned so that its z axis lies along
        y (and, for a second set, along x), subsampled along that axis by
        σ = z step / pixel size and interpolated back, exactly as `isotropic predict`
        will upsample the stack. Patches with enough foreground are kept.
        Example:
          fluosynth isotropic prepare stack.tif --z-step 1.0 --pixel-size 0.25 \\
              --model born-wolf --na 1.2 --wavelength 0.52 -o pairs/
        """)
    )

    @OptionGroup var input: StackOptions
    @OptionGroup(title: "PSF model") var psf: PSFOptions

    @Option(name: [.short, .customLong("output")], help: "Folder for the pairs (train|val/GT, train|val/low, low.npz, isotropic.json).")
    var output: String

    @Option(help: "Patch size of the .npz patches.")
    var patch: Int = 128

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func request() throws -> IsotropicPrepareRequest {
        var request = IsotropicPrepareRequest(stack: input.stack, output: output, psf: try psf.psfModel())
        request.pixelSizeUm = input.pixelSizeUm
        request.zStepUm = input.zStepUm
        request.patch = patch
        request.threads = threads
        return request
    }

    func run() throws { try IsotropicPrepare.run(try request()) { print($0) } }
}

struct IsotropicTrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train the 2-D network on prepared pairs (as `fluosynth train`).",
        discussion: reflowed("""
        Example:
          fluosynth isotropic train pairs/ --out model --steps 4000
        """)
    )

    @Argument(help: "The folder `isotropic prepare` wrote.")
    var data: String

    @Option(name: .customLong("out"), help: "Model folder to write.")
    var modelDirectory: String

    @Flag(help: "Continue the stopped training in --out.")
    var resume = false

    @OptionGroup(title: "Training") var training: TrainingOptions

    func request() throws -> TrainRequest {
        _ = try IsotropicSetup.read(from: data)
        var request = TrainRequest(data: data, modelDirectory: modelDirectory)
        request.resume = resume
        try training.apply(to: &request)
        return request
    }

    func run() throws { try TrainRun.run(try request()) { print($0) } }
}

struct IsotropicPredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Restore the stack with a trained model.",
        discussion: reflowed("""
        The stack is upsampled along z by σ, every XZ and every YZ slice is restored
        and the two views are combined (geometric mean by default); the result has
        isotropic spacing.
        Example:
          fluosynth isotropic predict model stack.tif -o stack-isotropic.tif
        """)
    )

    @Argument(help: "The model folder.")
    var model: String

    @OptionGroup var input: StackOptions

    @Option(name: [.short, .customLong("output")], help: "The isotropic stack to write (float32; .tif, .ome.tif or .zarr).")
    var output: String

    @Option(help: "How to combine the XZ and YZ views: geometric (CSBDeep) or arithmetic.")
    var combine: ViewCombination = .geometric

    @Option(help: "Tiles per slice axis, e.g. 2,2 (default: as memory requires).")
    var tiles: IntList?

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func request() -> IsotropicPredictRequest {
        var request = IsotropicPredictRequest(modelDirectory: model, stack: input.stack, output: output)
        request.pixelSizeUm = input.pixelSizeUm
        request.zStepUm = input.zStepUm
        request.combination = combine
        request.tiles = tiles?.values
        request.threads = threads
        return request
    }

    func validate() throws { try validateImageOutput(output, option: "--output") }

    func run() throws { try IsotropicPredict.run(request()) { print($0) } }
}

struct IsotropicRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Prepare, train and predict in one go.",
        discussion: reflowed("""
        The pairs and the model go to --work (default <output>.isotropic/), where
        each step can be inspected or redone alone with `isotropic prepare|train|
        predict`.
        Example:
          fluosynth isotropic run stack.tif --z-step 1.0 --pixel-size 0.25 \\
              --model born-wolf --na 1.2 --wavelength 0.52 --steps 4000 \\
              -o stack-isotropic.tif
        """)
    )

    @OptionGroup var input: StackOptions
    @OptionGroup(title: "PSF model") var psf: PSFOptions
    @OptionGroup(title: "Training") var training: TrainingOptions

    @Option(name: [.short, .customLong("output")], help: "The isotropic stack to write.")
    var output: String

    @Option(help: "Work folder for the pairs and the model (default: <output>.isotropic/).")
    var work: String?

    @Option(help: "How to combine the XZ and YZ views: geometric (CSBDeep) or arithmetic.")
    var combine: ViewCombination = .geometric

    func validate() throws { try validateImageOutput(output, option: "--output") }

    func run() throws {
        let folder = work ?? URL(fileURLWithPath: output).deletingPathExtension().path + ".isotropic"
        var prepare = IsotropicPrepareRequest(stack: input.stack, output: folder + "/data", psf: try psf.psfModel())
        prepare.pixelSizeUm = input.pixelSizeUm
        prepare.zStepUm = input.zStepUm
        prepare.threads = training.threads
        prepare.seed = training.seed
        var train = TrainRequest(data: folder + "/data", modelDirectory: folder + "/model")
        try training.apply(to: &train)
        var predict = IsotropicPredictRequest(modelDirectory: folder + "/model", stack: input.stack, output: output)
        predict.pixelSizeUm = input.pixelSizeUm
        predict.zStepUm = input.zStepUm
        predict.combination = combine
        predict.threads = training.threads
        try IsotropicRun.run(prepare: prepare, train: train, predict: predict) { print($0) }
    }
}

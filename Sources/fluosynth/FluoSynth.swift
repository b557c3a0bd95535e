import ArgumentParser
import Workflows

@main
struct FluoSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluosynth",
        abstract: "Paired training data for fluorescence-microscopy image restoration.",
        discussion: """
        FluoSynth renders ground truth through a physical model of a fluorescence microscope
        (PSF, background, sampling, camera) to make registered low/high-quality pairs.
        Lengths are in µm and axes are ordered z, y, x.
        """,
        version: ToolInfo.version,
        subcommands: [GenerateCommand.self, CalibrateCommand.self, AdaptCommand.self, PhantomCommand.self, PSFCommand.self, DegradeCommand.self, SchemaCommand.self, MergeCommand.self, TrainCommand.self, PredictCommand.self, IsotropicCommand.self, LoopCommand.self, EvaluateCommand.self, DeconvolveCommand.self, ResolutionCommand.self, ExplainCommand.self]
    )

    /// Restarts with the right OpenBLAS kernels first when the library misdetected the CPU.
    static func main() {
        OpenBLASRuntime.reexecWithBestCoreIfNeeded()
        main(nil)
    }
}

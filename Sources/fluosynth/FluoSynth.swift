import ArgumentParser
import CLineBuffer
import Foundation
import Workflows

@main
struct FluoSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluosynth",
        abstract: "Paired training data for fluorescence-microscopy image restoration.",
        discussion: reflowed("""
        FluoSynth renders ground truth through a physical model of a fluorescence microscope
        (PSF, background, sampling, camera) to make registered low/high-quality pairs.
        Lengths are in µm and axes are ordered z, y, x.
        """),
        version: ToolInfo.version,
        subcommands: [GenerateCommand.self, CalibrateCommand.self, AdaptCommand.self, PhantomCommand.self, PSFCommand.self, DegradeCommand.self, SchemaCommand.self, MergeCommand.self, TrainCommand.self, PredictCommand.self, ExportCommand.self, IsotropicCommand.self, LoopCommand.self, EvaluateCommand.self, DeconvolveCommand.self, ResolutionCommand.self, ExplainCommand.self]
    )

    /// Restarts first with the library settings this machine runs fastest with (`RuntimeEnvironment`);
    /// a mistyped command gets the nearest one suggested.
    static func main() {
        RuntimeEnvironment.reexecIfNeeded()
        fluosynth_line_buffer_stdout()
        if let word = CommandLine.arguments.dropFirst().first, !word.hasPrefix("-") {
            let names = configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
            if !names.contains(word) {
                let suggestion = nearestMatch(to: word, in: names).map { " (did you mean '\($0)'?)" } ?? ""
                FileHandle.standardError.write(Data("Error: unknown command '\(word)'\(suggestion)\nUsage: fluosynth <subcommand>\n  See 'fluosynth --help' for the commands.\n".utf8))
                Foundation.exit(64)
            }
        }
        main(nil)
    }
}

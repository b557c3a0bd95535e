import ArgumentParser
import Workflows

@main
struct FluoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluobench",
        abstract: "FluoSynth benchmarks: medians over repeated runs, with ratios to a named peer measured in the same run.",
        subcommands: [ConvolutionBenchmark.self, PhantomBenchmark.self, GenerateBenchmark.self, TrainingBenchmark.self, IsotropicBenchmark.self,
                      ExplainLiveBenchmark.self, TrainFromSpecBenchmark.self, LayerBenchmark.self]
    )

    /// Restarts first with the library settings this machine runs fastest with (`RuntimeEnvironment`).
    static func main() {
        RuntimeEnvironment.reexecIfNeeded()
        main(nil)
    }
}

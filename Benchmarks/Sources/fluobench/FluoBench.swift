import ArgumentParser

@main
struct FluoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluobench",
        abstract: "FluoSynth benchmarks: medians over repeated runs, with ratios to a named peer measured in the same run.",
        subcommands: [ConvolutionBenchmark.self, PhantomBenchmark.self]
    )
}

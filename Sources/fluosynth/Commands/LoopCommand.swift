import ArgumentParser
import Workflows

struct LoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "The fully synthetic loop: generate, train, restore the test split, compare with Richardson–Lucy, report.",
        discussion: """
        Writes into the work folder (default out/<spec name>-loop): data/ (the
        dataset), model/, predictions/, baselines/richardson-lucy/, metrics.csv,
        metrics.json and report.html. The spec's optional `loop:` section sets the
        training steps, batch, patch, network and the Richardson–Lucy iterations. A
        rerun continues where an interrupted one stopped.
        Example:
          fluosynth loop Examples/loop-microtubules.yaml
        """
    )

    @Argument(help: "The dataset spec (YAML) with an optional loop: section.")
    var spec: String

    @Option(name: .customLong("out"), help: "Work folder.")
    var output: String?

    @Option(help: "Number of samples (overrides the spec).")
    var samples: Int?

    @Option(help: "Training steps (overrides loop.steps).")
    var steps: Int?

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func run() throws {
        var request = LoopRequest(spec: spec)
        request.output = output
        request.samples = samples
        request.steps = steps
        request.threads = threads
        _ = try LoopRun.run(request) { print($0) }
    }
}

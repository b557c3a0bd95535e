import ArgumentParser
import Workflows

struct LoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loop",
        abstract: "The fully synthetic loop: generate, train, restore the test split, compare with Richardson–Lucy, report.",
        discussion: reflowed("""
        Writes into the work folder (default out/<spec name>-loop): data/ (the
        dataset), model/, predictions/, baselines/richardson-lucy/, metrics.csv,
        metrics.json and report.html. The spec's optional `loop:` section sets the
        training steps, batch, patch, network and the Richardson–Lucy iterations. A
        rerun continues where an interrupted one stopped. A super-resolution spec
        (2-D, targets on the ground-truth grid 2× or 3× finer than the inputs) takes
        loop: {arch: dfcan}, which upsamples; the input and Richardson–Lucy are then
        scored on the input interpolated onto the targets' grid (inputs-interpolated/).

        With --real, real images (on the spec's input grid) are restored by the
        network and by Richardson–Lucy, whose iterations (10, 20 or 50) are chosen on
        the synthetic validation split, never on a reference; --reference scores them.
        --adapt also fine-tunes the network on them (fluosynth adapt, the loop's data
        replayed) and restores them with the adapted model.
        Examples:
          fluosynth loop Examples/loop-microtubules.yaml
          fluosynth loop calibrated.yaml \\
              --real ../shared/data/microtubules-wf-sim/widefield-high.tif \\
              --reference ../shared/data/microtubules-wf-sim/sim-high.tif
        """)
    )

    @Argument(help: "The dataset spec (YAML) with an optional loop: section.")
    var spec: String

    @Option(name: .customLong("out"), help: "Work folder.")
    var output: String?

    @Option(parsing: .unconditional, help: "Number of samples (overrides the spec).")
    var samples: Int?

    @Option(parsing: .unconditional, help: "Training steps (overrides loop.steps).")
    var steps: Int?

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    @Option(name: .customLong("real"), help: "A real image to restore (repeat for several).")
    var realImages: [String] = []

    @Option(name: .customLong("reference"), help: "The reference of each --real image, in order (e.g. SIM for widefield).")
    var references: [String] = []

    @Flag(help: "Also adapt the network to the --real images (fluosynth adapt) and restore them with it.")
    var adapt = false

    @Option(name: .customLong("adapt-steps"), help: "Adaptation steps with --adapt.")
    var adaptSteps: Int = 600

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
        guard adaptSteps >= 1 else { throw ValidationError("--adapt-steps must be at least 1") }
        guard !adapt || !realImages.isEmpty else { throw ValidationError("--adapt needs --real images to adapt to") }
        guard references.isEmpty || references.count == realImages.count else {
            throw ValidationError("give one --reference per --real image (\(realImages.count)), or none; got \(references.count)")
        }
    }

    func run() throws {
        var request = LoopRequest(spec: spec)
        request.output = output
        request.samples = samples
        request.steps = steps
        request.threads = threads
        request.realImages = realImages
        request.references = references
        request.adapt = adapt
        request.adaptSteps = adaptSteps
        _ = try LoopRun.run(request) { print($0) }
    }
}

import ArgumentParser
import Foundation
import Workflows

/// Training straight from a spec (pairs rendered while training runs) against training from
/// the same spec's dataset written to disk first, same network and steps, in the same run.
struct TrainFromSpecBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-from-spec",
        abstract: "Steps/s of fluosynth train SPEC.yaml vs train on the dataset generate writes (the loop example's network).",
        discussion: """
        The spec is Examples/loop-microtubules.yaml with its loop: settings (batch 16, patch 64,
        depth 2, 32 filters, kernel 3). Both runs train --steps steps as one epoch; the rate is
        the trainer's training-only steps/s (training.csv), and the wall time includes loading
        the dataset or rendering the validation samples. Generating the dataset is timed apart.
        """
    )

    @Option(help: "Training steps per run.")
    var steps: Int = 60

    @Option(help: "Threads for training (the generator adds --generator-threads).")
    var threads: Int = Parallel.availableCores

    @Option(help: "Threads rendering pairs in the streamed run.")
    var generatorThreads: Int = 1

    func run() throws {
        print("machine: \(Measure.machine); training threads \(threads), generator threads \(generatorThreads)")
        let root = FileManager.default.currentDirectoryPath
        let spec = root + "/Examples/loop-microtubules.yaml"
        let scratch = NSTemporaryDirectory() + "fluobench-train-from-spec-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }

        let started = Date()
        let options = GenerateOptions(specPath: spec, outputDirectory: scratch + "/data", threads: threads, quiet: true)
        _ = try Generator.run(try Generator.plan(options), options: options)
        let generation = Date().timeIntervalSince(started)

        let disk = try train(data: scratch + "/data", model: scratch + "/from-disk")
        let streamed = try train(data: spec, model: scratch + "/from-spec")
        print("| data | training steps/s | wall time of \(steps) steps | ratio to disk |")
        print("|---|---|---|---|")
        print(String(format: "| dataset on disk (generated first in %.1f s) | %.2f | %.1f s | 1.00 |", generation, disk.rate, disk.wall))
        print(String(format: "| spec, streamed | %.2f | %.1f s | %.2f |", streamed.rate, streamed.wall, streamed.rate / disk.rate))
    }

    /// The training-only rate (the one epoch's steps/s) and the wall time of a run.
    private func train(data: String, model: String) throws -> (rate: Double, wall: Double) {
        var request = TrainRequest(data: data, modelDirectory: model)
        request.steps = steps
        request.stepsPerEpoch = steps
        request.batchSize = 16
        request.patch = [64]
        request.depth = 2
        request.filters = 32
        request.kernel = 3
        request.seed = 7
        request.threads = threads
        request.generatorThreads = generatorThreads
        let started = Date()
        try TrainRun.run(request) { _ in }
        let wall = Date().timeIntervalSince(started)
        return (try Measure.trainingStepsPerSecond(model: model), wall)
    }
}

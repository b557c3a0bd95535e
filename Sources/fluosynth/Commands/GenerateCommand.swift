import ArgumentParser
import Foundation
import Workflows

extension Shard: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a paired dataset from a YAML spec.",
        discussion: reflowed("""
        Writes <out>/<split>/GT/<id>.tif and <out>/<split>/<condition>/<id>.tif
        (CSBDeep's RawData.from_folder layout), <out>/<split>/<condition>.npz
        (csbdeep.io.load_training_data), PNG previews and manifest.json. The same seed
        gives the same bytes for any --threads.

        Examples:
          fluosynth generate Examples/microtubules-widefield-2d.yaml
          fluosynth generate spec.yaml --out /data/mt --samples 5000 --threads 16
          fluosynth generate spec.yaml --shard 3/10        # one of 10 disjoint shares
          fluosynth merge /data/mt                         # join the shards
          fluosynth generate spec.yaml --resume            # finish an interrupted run
        """)
    )

    @Argument(help: "The dataset spec (YAML). `fluosynth schema` prints its JSON Schema.")
    var spec: String

    @Option(name: .customLong("out"), help: "Output directory (default: the spec's output.directory).")
    var outputDirectory: String?

    @Option(parsing: .unconditional, help: "Number of samples (overrides the spec).")
    var samples: Int?

    @Option(help: "Root seed (overrides the spec).")
    var seed: UInt64?

    @Option(help: "Worker threads (this machine's core count unless given); the output does not depend on it.")
    var threads: Int = Parallel.availableCores

    @Option(help: "Make only share I of N (0-based), e.g. 3/10; join the shares with `fluosynth merge`.")
    var shard: Shard?

    @Flag(help: "Finish an interrupted run in the same directory.")
    var resume = false

    @Flag(help: "Replace a dataset already in the output directory.")
    var overwrite = false

    @Flag(name: .customLong("dry-run"), help: "Check the spec and show the plan without writing anything.")
    var dryRun = false

    @Flag(help: "No progress display.")
    var quiet = false

    func validate() throws {
        if let samples, samples < 1 { throw ValidationError("--samples must be at least 1") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let options = GenerateOptions(specPath: spec, outputDirectory: outputDirectory, samples: samples, seed: seed,
                                      threads: threads, shard: shard, resume: resume, overwrite: overwrite, quiet: quiet)
        let plan = try Generator.plan(options)
        for line in plan.description { print(line) }
        if dryRun {
            print("dry run: nothing written")
            return
        }
        let summary = try Generator.run(plan, options: options)
        let rate = Double(summary.pairs) / Swift.max(summary.seconds, 1e-9)
        var line = "made \(summary.made) samples (\(summary.pairs) pairs) in \(String(format: "%.1f", summary.seconds)) s, \(String(format: "%.1f", rate)) pairs/s"
        if summary.skipped > 0 { line += "; \(summary.skipped) were already made" }
        print(line + " → \(summary.directory)")
    }
}

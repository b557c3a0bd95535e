import ArgumentParser
import Workflows

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a dataset (made with generate --shard I/N) into one.",
        discussion: reflowed("""
        The result is byte-identical to an unsharded run: manifest.json, the npz files
        and the previews are made from all samples in order; the shard manifests and
        npz are removed.
        Examples:
          fluosynth merge /data/mt                         # shards wrote into /data/mt
          fluosynth merge /data/mt /scratch/s0 /scratch/s1 # shards in own folders
        """)
    )

    @Argument(help: "The dataset directory to complete.")
    var target: String

    @Argument(help: "Other directories holding shards of the same dataset.")
    var sources: [String] = []

    func run() throws {
        let count = try Merger.merge(into: target, from: sources)
        print("merged \(count) samples → \(target)")
    }
}

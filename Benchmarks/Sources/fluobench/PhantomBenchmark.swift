import ArgumentParser
import Foundation
import Workflows

/// Ground-truth generation rate: microtubules in 2-D and spherical phantoms in 3-D, on one
/// thread and on all, with the threads used inside one sample or across samples.
struct PhantomBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantoms",
        abstract: "Phantom generation rate: 2-D 128×128 with 20 filaments, 3-D 64×128×128 with 50 spheres."
    )

    @Option(help: "Timed runs per case (the median is reported).")
    var runs: Int = 5

    @Option(help: "Threads for the multi-threaded rows (default: all cores).")
    var threads: Int = Parallel.availableCores

    func run() throws {
        let threads = self.threads, runs = self.runs
        print("machine: \(Measure.machine); threads \(threads)")
        print("| case | threads | parallel over | time per sample | samples/s |")
        print("|---|---|---|---|---|")
        let microtubules = PhantomParameters(.microtubules(MicrotubuleParameters(number: ObjectCount(count: 20))))
        var spheres = GranuleParameters.sphericalPhantomDefaults
        spheres.number = ObjectCount(count: 50)
        let cases: [(String, PhantomParameters, [Int], Int)] = [
            ("2-D 128×128, 20 microtubules (0.1 µm pixels)", microtubules, [128, 128], 64),
            ("3-D 64×128×128, 50 spheres (0.1 µm voxels)", PhantomParameters(.spheres(spheres)), [64, 128, 128], 8),
        ]
        for (name, parameters, shape, batch) in cases {
            let spacing = Array(repeating: 0.1, count: shape.count)
            let root = RandomStream(seed: 1)
            let sample: @Sendable (Int, Int) -> Void = { index, threads in
                _ = try! parameters.generate(shape: shape, spacingUm: spacing, stream: root.substream(index), threads: threads)
            }
            let single = Measure.median(runs: runs) { for i in 0..<batch { sample(i, 1) } } / Double(batch)
            report(name, 1, "—", single)
            guard threads > 1 else { continue }
            let within = Measure.median(runs: runs) { for i in 0..<batch { sample(i, threads) } } / Double(batch)
            report(name, threads, "inside a sample", within)
            let across = Measure.median(runs: runs) {
                Parallel.forEach(batch, threads: threads) { sample($0, 1) }
            } / Double(batch)
            report(name, threads, "samples", across)
        }
    }

    private func report(_ name: String, _ threads: Int, _ mode: String, _ seconds: Double) {
        print("| \(name) | \(threads) | \(mode) | \(Measure.format(seconds)) | \(String(format: "%.1f", 1 / seconds)) |")
    }
}

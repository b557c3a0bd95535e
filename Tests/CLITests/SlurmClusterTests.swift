import Foundation
import Testing
import TestSupport

/// `Examples/slurm-array.sh` submitted to a real Slurm cluster (`scripts/slurm-local start`) as a
/// user would: a 4-task job array, one task cancelled mid-shard and resubmitted, then the
/// dependent merge job; the merged dataset equals a single run's, byte for byte.
@Suite("Slurm cluster")
struct SlurmClusterTests {
    /// snr-ladder's microscope with dense filaments: about 0.3 s a sample on one core, so each
    /// shard of 8 samples takes seconds and a cancel lands mid-way.
    static let spec = """
        name: slurm-cluster
        seed: 3
        samples: 32
        shape: [256, 256]
        pixel_size_um: [0.0325, 0.0325]
        phantom: {kind: microtubules, count: 1000}
        optics: {model: born-wolf, na: 1.3, wavelength_um: 0.52, immersion_index: 1.518}
        acquisition:
          subsample:
            - {axis: y, factor: 2, mode: integrate}
            - {axis: x, factor: 2, mode: integrate}
          camera: {peak_photons: 100, quantum_efficiency: 0.8, read_noise_e: 1.5, offset_adu: 100}
        conditions:
          - {name: low, acquisition: {camera: {peak_photons: 5}}}
          - {name: high, acquisition: {camera: {peak_photons: 80}}}
        target: {grid: input}
        output: {directory: out/slurm-cluster}
        """

    @Test(.enabled(if: SlurmCluster.isAvailable))
    func cancelledTaskResubmittedThenMergedEqualsASingleRun() throws {
        let folder = TestPaths.temporaryDirectory("slurm-cluster")
        let spec = folder + "/spec.yaml", shared = folder + "/shared"
        try Self.spec.write(toFile: spec, atomically: true, encoding: .utf8)
        let bin = URL(fileURLWithPath: TestPaths.executable("fluosynth")).deletingLastPathComponent().path
        let task = ["-o", folder + "/task-%A_%a.log", TestPaths.packageRoot + "/Examples/slurm-array.sh", spec, shared, "4"]
        // Options on the command line override the script's #SBATCH lines (8 CPUs, 8 GB) for a
        // small node; the jobs find this build's fluosynth on the PATH.
        let options = ["--parsable", "--cpus-per-task=1", "--mem=200M",
                       "--export=ALL,PATH=\(bin):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"]
        var jobs: [String] = []
        // Cancels what a failed check left behind (finished jobs ignore it).
        defer { if !jobs.isEmpty { _ = try? SlurmCluster.command("scancel", jobs) } }
        func submit(_ arguments: [String]) throws -> String {
            let id = String(try SlurmCluster.command("sbatch", options + arguments).prefix { $0.isNumber })
            jobs.append(id)
            return id
        }
        /// Whether none of `ids` is pending, running or completing.
        func gone(_ ids: [String]) throws -> Bool {
            try SlurmCluster.command("squeue", ["--noheader", "--jobs=" + ids.joined(separator: ",")]).isEmpty
        }
        /// Every job's state by id (array tasks as `<job>_<task>`), still listed once finished.
        func states() throws -> [String: String] {
            let lines = try SlurmCluster.command("squeue", ["--noheader", "--array", "--states=all", "--format=%i %T",
                                                             "--jobs=" + jobs.joined(separator: ",")])
            return Dictionary(lines.split(separator: "\n").map { line in
                let fields = line.split(separator: " ")
                return (String(fields[0]), String(fields[1]))
            }) { $1 }
        }
        /// The jobs' states and logs, for failure messages.
        func report() -> String {
            let logs = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
            return "\((try? states()) ?? [:])\n" + logs.map { name in
                "--- \(name)\n" + ((try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? "")
            }.joined()
        }
        /// Polls `condition` every 50 ms until it holds or `seconds` pass; returns whether it held.
        func poll(_ seconds: TimeInterval, until condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if try condition() { return true }
                usleep(50_000)
            }
            return try condition()
        }

        let array = try submit(["--array=0-3"] + task)
        // Task 2 is mid-way once it has recorded one of its samples.
        let plan = try fluosynth(["generate", spec, "--shard", "2/4", "--dry-run"]).stdout
        let match = try #require(plan.firstMatch(of: /shard 2\/4: samples (\d+)\.\.<(\d+)/), "\(plan)")
        let samples = Int(match.1)!..<Int(match.2)!
        let started = poll(120) {
            ((try? FileManager.default.contentsOfDirectory(atPath: shared + "/.fluosynth/samples")) ?? [])
                .contains { name in Int(name.prefix { $0.isNumber }).map { samples.contains($0) } ?? false }
        }
        try #require(started, "task 2 recorded none of samples \(samples) in 120 s: \(report())")
        try SlurmCluster.command("scancel", [array + "_2"])
        // Resubmitted once its processes are gone, so that two runs never write the shard at once.
        try #require(try poll(60) { try gone([array + "_2"]) }, "the cancelled task is still queued: \(report())")
        let again = try submit(["--array=2"] + task)
        // afterok on the whole array can never be met once a task is cancelled (Slurm leaves the
        // merge pending: DependencyNeverSatisfied), so the merge names the tasks it waits for.
        let merge = try submit(["-o", folder + "/merge.log", "--dependency=afterok:\(array)_0:\(array)_1:\(array)_3:\(again)",
                                "--wrap", "fluosynth merge \(shared)"])
        try #require(try poll(300) { try gone(jobs) }, "jobs still queued after 300 s: \(report())")
        #expect(try states() == ["\(array)_0": "COMPLETED", "\(array)_1": "COMPLETED", "\(array)_2": "CANCELLED",
                                 "\(array)_3": "COMPLETED", "\(again)_2": "COMPLETED", merge: "COMPLETED"], "\(report())")
        let resumed = try String(contentsOfFile: folder + "/task-\(again)_2.log", encoding: .utf8)
        #expect(resumed.contains("were already made"), "the resubmitted task did not resume: \(resumed)")

        #expect(try fluosynth(["generate", spec, "--out", folder + "/single", "--quiet"]).status == 0)
        #expect(try differences(folder + "/single", shared) == [], "\(report())")
    }
}

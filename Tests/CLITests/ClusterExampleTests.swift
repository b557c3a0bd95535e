import Foundation
import Testing
import TestSupport

/// The cluster examples as a user copies them: the Slurm array script run once per task
/// (as Slurm would, with its environment) and merged equals a single run; the Kubernetes
/// Indexed Job passes the Kubernetes schema and gives pod i shard i of its completions.
@Suite("cluster examples")
struct ClusterExampleTests {
    @Test func slurmArrayScriptMakesTheSingleRunsDataset() throws {
        let folder = TestPaths.temporaryDirectory("slurm")
        let spec = TestPaths.packageRoot + "/Examples/snr-ladder.yaml"
        let bin = URL(fileURLWithPath: TestPaths.executable("fluosynth")).deletingLastPathComponent().path
        // The example's spec asks for its own sample count; a 4-task array of it.
        for task in 0..<4 {
            let result = try Shell.run("/bin/bash", [TestPaths.packageRoot + "/Examples/slurm-array.sh", spec, folder + "/shared", "4"],
                                       environment: ["SLURM_ARRAY_TASK_ID": "\(task)", "SLURM_CPUS_PER_TASK": "2",
                                                     "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
            #expect(result.status == 0, "task \(task): \(result.stderr)")
        }
        #expect(try fluosynth(["merge", folder + "/shared"]).status == 0)
        #expect(try fluosynth(["generate", spec, "--out", folder + "/single", "--quiet"]).status == 0)
        #expect(try differences(folder + "/single", folder + "/shared") == [])
    }

    struct Report: Decodable { var version: String; var completions: Int; var mode: String; var shards: [String] }

    @Test(.enabled(if: PythonReference.isAvailable))
    func kubernetesJobIsValidAndCoversEveryShard() throws {
        let job = TestPaths.packageRoot + "/Examples/k8s-indexed-job.yaml"
        let report = try JSONDecoder().decode(Report.self, from: Data(PythonReference.run("k8s_check.py", [job]).utf8))
        #expect(report.mode == "Indexed" && report.shards == (0..<report.completions).map { "\($0)/\(report.completions)" }, "\(report)")
        // The validator is strict: a misspelt field fails it.
        let broken = TestPaths.temporaryDirectory("k8s") + "/job.yaml"
        try String(contentsOfFile: job, encoding: .utf8).replacingOccurrences(of: "completionMode:", with: "completionMod:")
            .write(toFile: broken, atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try PythonReference.run("k8s_check.py", [broken]) }
    }
}

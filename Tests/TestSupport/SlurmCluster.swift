import Foundation

/// A Slurm cluster to submit jobs to; `scripts/slurm-local start` runs one on this machine.
///
/// Tests that need it use `.enabled(if: SlurmCluster.isAvailable)`. Where no cluster answers
/// those tests are skipped with a message on stderr; with `FLUOSYNTH_REQUIRE_SLURM=1` (set by CI)
/// they run anyway and fail, saying how to start one.
public enum SlurmCluster {
    /// Whether `sinfo` answers with a node that takes jobs now (idle or mixed).
    public static let answers: Bool = {
        let result = try? run("sinfo", ["--noheader", "--format=%t"])
        if let result, result.status == 0,
           result.stdout.split(separator: "\n").contains(where: { $0 == "idle" || $0 == "mix" }) {
            return true
        }
        FileHandle.standardError.write(Data("""
            note: no idle Slurm node answers `sinfo` \
            (\(result.map { ($0.stderr + $0.stdout).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "sinfo not found")): \
            Slurm cluster tests skipped (failed with FLUOSYNTH_REQUIRE_SLURM=1); start one with scripts/slurm-local start.\n
            """.utf8))
        return false
    }()

    /// Whether cluster tests should run.
    public static var isAvailable: Bool {
        ProcessInfo.processInfo.environment["FLUOSYNTH_REQUIRE_SLURM"] == "1" || answers
    }

    /// Runs a Slurm command (`sbatch`, `squeue`, `scancel`, …) and returns its standard output;
    /// throws with its output when it fails, or when no cluster answers.
    @discardableResult
    public static func command(_ name: String, _ arguments: [String]) throws -> String {
        guard answers else { throw ShellError.failed("no Slurm cluster answers `sinfo`: run scripts/slurm-local start (as root)") }
        let result = try run(name, arguments)
        guard result.status == 0 else {
            throw ShellError.failed("\(name) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.stderr)\(result.stdout)")
        }
        return result.stdout
    }

    /// Runs `name` found on the PATH; throws when it is not there.
    private static func run(_ name: String, _ arguments: [String]) throws -> Shell.Result {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else { throw ShellError.failed("\(name) is not on the PATH (apt-get install slurm-wlm)") }
        return try Shell.run(path, arguments)
    }
}

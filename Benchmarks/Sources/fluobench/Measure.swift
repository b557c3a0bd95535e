import ArgumentParser
import Foundation

/// Timing helpers shared by the benchmarks.
enum Measure {
    /// Median wall time in seconds of `runs` calls of `body`, after `warmup` untimed calls.
    static func median(runs: Int, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<runs {
            let clock = ContinuousClock()
            let elapsed = try clock.measure { try body() }
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        }
        times.sort()
        return times[times.count / 2]
    }

    /// A one-line description of this machine: CPU model, cores, memory.
    static var machine: String {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1)[1]).trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        return "\(model), \(ProcessInfo.processInfo.activeProcessorCount) cores, \(String(format: "%.0f", memory)) GiB"
    }

    /// Seconds as a short string in ms or s.
    static func format(_ seconds: Double) -> String {
        seconds < 1 ? String(format: "%.2f ms", seconds * 1000) : String(format: "%.3f s", seconds)
    }
}

extension Measure {
    /// Runs `executable` with `arguments` (its standard output discarded) to its end and
    /// returns its exit status and peak resident memory in bytes (`wait4`'s `ru_maxrss`, for
    /// that child alone).
    static func peakResidentBytes(_ executable: String, _ arguments: [String]) throws -> (status: Int32, bytes: Int) {
        var pid: pid_t = 0
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EIO) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 && errno == EINTR {}
        let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return (exitStatus, usage.ru_maxrss * 1024)
    }
}

extension Measure {
    /// Runs `Benchmarks/python/<arguments[0]>` with the rest of `arguments` in the benchmark
    /// virtual environment (made by `Benchmarks/python/setup-venv.sh` if missing) and returns
    /// the JSON object its last line of standard output holds.
    static func pythonPeer(_ arguments: [String]) throws -> [String: Any] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
        let setup = Process()
        setup.executableURL = URL(fileURLWithPath: root + "/Benchmarks/python/setup-venv.sh")
        let pipe = Pipe()
        setup.standardOutput = pipe
        try setup.run()
        setup.waitUntilExit()
        let python = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard setup.terminationStatus == 0 else { throw ValidationError("Benchmarks/python/setup-venv.sh failed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root + "/Benchmarks/python/" + arguments[0]] + arguments.dropFirst()
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        guard let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ValidationError("Benchmarks/python/\(arguments[0]) printed no result")
        }
        return json
    }

    /// Training-only steps/s over every epoch in a model folder's `training.csv` (validation
    /// and checkpoints excluded): Σ steps / Σ (steps / rate).
    static func trainingStepsPerSecond(model: String) throws -> Double {
        let rows = try String(contentsOfFile: model + "/training.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",") }
        let step = rows[0].firstIndex(of: "step")!, rate = rows[0].firstIndex(of: "steps_per_s")!
        var previous = 0.0, steps = 0.0, seconds = 0.0
        for row in rows.dropFirst() {
            let done = Double(row[step])!
            steps += done - previous
            seconds += (done - previous) / Double(row[rate])!
            previous = done
        }
        return steps / seconds
    }
}

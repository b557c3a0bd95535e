import Foundation
import Testing
import TestSupport

/// `fluosynth train` killed with SIGKILL at several points (after the first and third epoch,
/// and while a checkpoint is being written where the poll catches one) and continued with
/// `--resume` ends with the same weights, byte for byte, as an uninterrupted run.
@Suite("fluosynth train under kill -9")
struct TrainKillTests {
    static let options = ["--steps", "100", "--steps-per-epoch", "10", "--batch", "4", "--patch", "32", "--filters", "8",
                          "--source", "low-1", "--seed", "3", "--threads", "2"]

    @Test func resumeAfterKillGivesTheUninterruptedWeights() throws {
        let folder = TestPaths.temporaryDirectory("train-kill")
        #expect(try fluosynth(["generate", TestPaths.packageRoot + "/Examples/snr-ladder.yaml", "--samples", "6",
                               "--out", folder + "/data", "--quiet"]).status == 0)
        let straight = try fluosynth(["train", folder + "/data", "--out", folder + "/straight"] + Self.options)
        #expect(straight.status == 0, "\(straight.stderr)")

        for (index, point) in ["epoch 1", "epoch 3", "checkpoint write"].enumerated() {
            let model = folder + "/killed-\(index)"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.executable("fluosynth"))
            process.arguments = ["train", folder + "/data", "--out", model] + Self.options
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            func epochs() -> Int { ((try? String(contentsOfFile: model + "/training.csv", encoding: .utf8)) ?? "").split(separator: "\n").count - 1 }
            func writingCheckpoint() -> Bool {
                ((try? FileManager.default.contentsOfDirectory(atPath: model)) ?? []).contains { $0.hasPrefix(".checkpoint.bin.partial") }
            }
            while process.isRunning && Date() < deadline {
                let stop = switch index {
                case 0: epochs() >= 1
                case 1: epochs() >= 3
                default: epochs() >= 2 && (writingCheckpoint() || epochs() >= 4)
                }
                if stop { break }
                usleep(500)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal, "\(point): the run finished before it was killed")
            let resumed = try fluosynth(["train", folder + "/data", "--out", model, "--resume"] + Self.options)
            #expect(resumed.status == 0, "\(point): \(resumed.stderr)")
            for file in ["weights_last.bin", "weights_best.bin"] {
                let a = try Data(contentsOf: URL(fileURLWithPath: folder + "/straight/" + file))
                let b = try Data(contentsOf: URL(fileURLWithPath: model + "/" + file))
                #expect(a == b, "\(point): \(file) differs from the uninterrupted run's")
            }
        }
    }
}

import Foundation
import Testing
import TestSupport

/// The fully synthetic loop on a CI-sized spec: it finishes and reports every metric for
/// input, Richardson–Lucy and network.
@Suite("fluosynth loop")
struct LoopTests {
    @Test func loopFinishesAndReportsEveryMetric() throws {
        let folder = TestPaths.temporaryDirectory("loop")
        let spec = TestPaths.packageRoot + "/Examples/loop-microtubules.yaml"
        let result = try fluosynth(["loop", spec, "--samples", "20", "--steps", "40", "--out", folder + "/loop"])
        #expect(result.status == 0, "\(result.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/loop/metrics.json"))) as! [String: [String: Any]]
        #expect(Set(summary.keys) == ["input", "richardson-lucy", "network"])
        for (method, scores) in summary {
            for key in ["nrmse", "ssim", "psnr", "ms_ssim"] { #expect(scores[key] is Double, "\(method) lacks \(key)") }
            #expect(scores["images"] as? Int == 2)
        }
        let report = try String(contentsOfFile: folder + "/loop/report.html", encoding: .utf8)
        for text in ["NRMSE", "SSIM", "PSNR", "MS-SSIM", "richardson-lucy", "network", "input", "20 synthetic samples", "40 steps"] {
            #expect(report.contains(text), "report.html lacks \(text)")
        }
        let images = report.components(separatedBy: "<img src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(images.count == 8 && images.allSatisfy { FileManager.default.fileExists(atPath: folder + "/loop/" + $0) })
        // Run again: everything is reused, nothing is made twice.
        let again = try fluosynth(["loop", spec, "--samples", "20", "--steps", "40", "--out", folder + "/loop"])
        #expect(again.status == 0 && again.stdout.contains("0 samples made, 20 already there"), "\(again.stdout)")

        // Real data, where present: the small model applied to the real widefield image,
        // scored against the SIM reconstruction (reported, not asserted).
        let real = TestPaths.sharedData + "/microtubules-wf-sim"
        if FileManager.default.fileExists(atPath: real + "/widefield-high.tif") {
            let predicted = folder + "/widefield-restored.tif"
            #expect(try fluosynth(["predict", folder + "/loop/model", real + "/widefield-high.tif", "-o", predicted]).status == 0)
            let scores = try fluosynth(["evaluate", predicted, real + "/sim-high.tif", "--input", real + "/widefield-high.tif"])
            print("real widefield → SIM reference (model of a CI-sized loop):\n\(scores.stdout)")
        } else {
            print("no real widefield/SIM pair at \(real) (set FLUOSYNTH_SHARED_DATA): real-data scores not reported")
        }
    }

    /// `loop: {streaming: true}`: the network trains on pairs rendered from the spec while it
    /// trains; only the val and test splits reach the disk, and the loop still scores them.
    /// `--adapt`, which replays the train split, is refused before any work.
    @Test func streamingLoopWritesOnlyTheHeldOutSplits() throws {
        let folder = TestPaths.temporaryDirectory("loop-streaming")
        let example = try String(contentsOfFile: TestPaths.packageRoot + "/Examples/loop-microtubules.yaml", encoding: .utf8)
        let spec = folder + "/streaming.yaml"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try (example + "  streaming: true\n").write(toFile: spec, atomically: true, encoding: .utf8)
        let result = try fluosynth(["loop", spec, "--samples", "20", "--steps", "40", "--out", folder + "/loop"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("4 samples made"), "\(result.stdout)")
        let data = folder + "/loop/data"
        #expect(!FileManager.default.fileExists(atPath: data + "/train"))
        for split in ["val", "test"] {
            let images = try FileManager.default.contentsOfDirectory(atPath: "\(data)/\(split)/GT")
            #expect(images.count == 2, "\(split): \(images)")
        }
        let curve = try String(contentsOfFile: folder + "/loop/model/training.csv", encoding: .utf8)
        #expect(curve.split(separator: "\n").count > 1)
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/loop/metrics.json"))) as! [String: [String: Any]]
        #expect(summary["network"]?["images"] as? Int == 2)

        let refused = try fluosynth(["loop", spec, "--steps", "40", "--out", folder + "/refused", "--adapt", "--real", spec])
        #expect(refused.status != 0 && refused.stderr.contains("loop.streaming"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/refused"))
    }
}

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
}

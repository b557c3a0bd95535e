import DataIO
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

    /// A super-resolution spec (inputs on the 0.06 µm camera grid, targets on the 0.03 µm
    /// grid): DFCAN upsamples onto the targets' grid; the input and Richardson–Lucy are scored
    /// on the input interpolated onto it, and an image on the camera grid given with `--real`
    /// goes the same way. Networks that do not upsample, and `--adapt`, are refused before work.
    @Test func superResolutionLoopScoresOnTheTargetsGrid() throws {
        let folder = TestPaths.temporaryDirectory("loop-sr")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let example = try String(contentsOfFile: TestPaths.packageRoot + "/Examples/loop-microtubules.yaml", encoding: .utf8)
        func spec(_ arch: String, filters: Int = 16) throws -> String {
            let path = "\(folder)/\(arch)-\(filters).yaml"
            try example.replacingOccurrences(of: "input_on_ground_truth_grid: true", with: "input_on_ground_truth_grid: false")
                .replacingOccurrences(of: "  filters: 32\n", with: "  filters: \(filters)\n  arch: \(arch)\n")
                .replacingOccurrences(of: "  batch: 16\n", with: "  batch: 4\n")
                .replacingOccurrences(of: "  patch: 64\n", with: "  patch: 16\n")
                .write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let dfcan = try spec("dfcan")
        let result = try fluosynth(["loop", dfcan, "--samples", "20", "--steps", "40", "--out", folder + "/loop"])
        #expect(result.status == 0, "\(result.stderr)")
        let loop = folder + "/loop"
        let condition = try #require(try FileManager.default.contentsOfDirectory(atPath: loop + "/data/test").first { $0 != "GT" && !$0.contains(".") })
        let ids = try FileManager.default.contentsOfDirectory(atPath: loop + "/predictions").sorted()
        #expect(ids.count == 2)
        for id in ids {
            let input = try TIFFReader.read("\(loop)/data/test/\(condition)/\(id)").volume()
            #expect(input.shape == [64, 64])
            for path in ["predictions", "inputs-interpolated", "baselines/richardson-lucy", "data/test/GT"] {
                let image = try TIFFReader.read("\(loop)/\(path)/\(id)")
                #expect(try image.volume().shape == [128, 128], "\(path)/\(id)")
                #expect(abs((image.metadata.pixelSizeUm?.x ?? 0) - 0.03) < 1e-6, "\(path)/\(id) records \(String(describing: image.metadata.pixelSizeUm))")
            }
            // The interpolated input is the input's values on the finer grid: the same mean
            // (linear interpolation keeps it but at the borders) and most of its contrast.
            func moments(_ values: [Float]) -> (mean: Double, sd: Double) {
                let mean = values.reduce(0) { $0 + Double($1) } / Double(values.count)
                return (mean, (values.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(values.count)).squareRoot())
            }
            let raw = moments(input.data), fine = moments(try TIFFReader.read("\(loop)/inputs-interpolated/\(id)").volume().data)
            #expect(abs(fine.mean / raw.mean - 1) < 0.005 && fine.sd > 0.5 * raw.sd && fine.sd <= raw.sd, "input \(raw), interpolated \(fine)")
        }
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: loop + "/metrics.json"))) as! [String: [String: Any]]
        #expect(Set(summary.keys) == ["input", "richardson-lucy", "network"] && summary.values.allSatisfy { $0["images"] as? Int == 2 })
        let html = try String(contentsOfFile: loop + "/report.html", encoding: .utf8)
        #expect(html.contains("2× coarser grid than the targets") && html.contains("<code>inputs-interpolated/</code>"))

        // A camera-grid image as the real one (a test input with its target as reference).
        let real = try fluosynth(["loop", dfcan, "--samples", "20", "--steps", "40", "--out", loop,
                                  "--real", "\(loop)/data/test/\(condition)/\(ids[0])", "--reference", "\(loop)/data/test/GT/\(ids[0])"])
        #expect(real.status == 0, "\(real.stderr)")
        let name = String(ids[0].dropLast(4))
        for suffix in ["input", "network", "richardson-lucy"] {
            #expect(try TIFFReader.read("\(loop)/real/\(name)-\(suffix).tif").volume().shape == [128, 128], "\(suffix)")
        }
        let fine = try fluosynth(["loop", dfcan, "--samples", "20", "--steps", "40", "--out", loop, "--real", "\(loop)/data/test/GT/\(ids[0])"])
        #expect(fine.status != 0 && fine.stderr.contains("input grid is 0.06 µm"), "\(fine.stderr)")

        let care = try fluosynth(["loop", try spec("care"), "--steps", "40", "--out", folder + "/care"])
        #expect(care.status != 0 && care.stderr.contains("loop.arch care") && care.stderr.contains("dfcan"), "\(care.stderr)")
        let adapt = try fluosynth(["loop", dfcan, "--steps", "40", "--out", folder + "/adapt", "--adapt", "--real", dfcan])
        #expect(adapt.status != 0 && adapt.stderr.contains("--adapt"), "\(adapt.stderr)")
        // DFCAN's default reduction (16) needs at least 16 channels.
        let narrow = try fluosynth(["loop", try spec("dfcan", filters: 8), "--steps", "40", "--out", folder + "/narrow"])
        #expect(narrow.status != 0 && narrow.stderr.contains("loop: channel reduction"), "\(narrow.stderr)")
        for refused in ["care", "adapt", "narrow"] { #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(refused)")) }
    }
}

import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport

@Suite("fluosynth evaluate")
struct EvaluateCommandTests {
    /// A ground truth and three versions of it: `good` (slightly noisy, other units), `bad`
    /// (very noisy) and `input` (blurred and noisy).
    static func images(seed: UInt64) -> [String: Volume] {
        var random = RandomStream(seed: seed)
        let side = 48
        let truth = Volume(shape: [side, side], spacingUm: [0.05, 0.05], data: (0..<side * side).map { i in
            let x = Double(i % side), y = Double(i / side)
            return Float(1 + sin(x * 0.4) * cos(y * 0.25) + (abs(x - 24) < 3 && abs(y - 20) < 8 ? 2 : 0))
        })
        func noisy(_ volume: Volume, _ sd: Double, scale: Float = 1) -> Volume {
            volume.map { scale * ($0 + Float(sd * random.normal())) }
        }
        var input = truth
        for y in 0..<side { for x in 1..<(side - 1) { input[y, x] = (truth[y, x - 1] + truth[y, x] + truth[y, x + 1]) / 3 } }
        return ["gt": truth, "good": noisy(truth, 0.05, scale: 250), "bad": noisy(truth, 0.6), "input": noisy(input, 0.2)]
    }

    /// Writes two samples in the dataset layout: <root>/test/GT/<id>.tif and <root>/<set>/<id>.tif.
    static func dataset() throws -> String {
        let root = TestPaths.temporaryDirectory("evaluate")
        for (index, id) in ["000000", "000001"].enumerated() {
            for (name, volume) in images(seed: UInt64(index + 1)) {
                let folder = name == "gt" ? root + "/test/GT" : root + "/" + name
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                try TIFFWriter.write(volume, to: "\(folder)/\(id).tif")
            }
        }
        return root
    }

    /// Folders paired by file name: CSV with one row per image and set, a summary with every score
    /// per set, and the better restoration scoring better on all four.
    @Test func foldersGiveCSVSummaryAndTable() throws {
        let root = try Self.dataset()
        let result = try fluosynth(["evaluate", root + "/good", root + "/test/GT", "--input", root + "/input",
                                    "--baseline", "bad=" + root + "/bad", "--csv", root + "/out/scores.csv",
                                    "--summary", root + "/out/summary.json", "--threads", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("prediction") && result.stdout.contains("MS-SSIM") && result.stdout.contains("±"))
        let csv = try String(contentsOfFile: root + "/out/scores.csv", encoding: .utf8).split(separator: "\n")
        #expect(csv.first == "id,method,nrmse,ssim,psnr,ms_ssim,alpha,beta,ms_ssim_scales")
        #expect(csv.count == 1 + 2 * 3 && csv.contains { $0.hasPrefix("000001,bad,") })
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: root + "/out/summary.json"))) as? [String: [String: Any]])
        #expect(Set(summary.keys) == ["prediction", "input", "bad"])
        for (method, entry) in summary {
            #expect(["nrmse", "ssim", "psnr", "ms_ssim"].allSatisfy { entry[$0] is Double }, "\(method): \(entry)")
            #expect(entry["images"] as? Int == 2)
        }
        func score(_ method: String, _ key: String) -> Double { summary[method]![key] as! Double }
        #expect(score("prediction", "ssim") > score("bad", "ssim") && score("prediction", "ms_ssim") > score("bad", "ms_ssim"))
        #expect(score("prediction", "nrmse") < score("bad", "nrmse") && score("prediction", "psnr") > score("bad", "psnr"))
        #expect(score("prediction", "ssim") > 0.9 && score("bad", "ssim") < 0.7)
    }

    /// `--json` prints only the summary on standard output, which parses; single files work too.
    @Test func jsonOutputParses() throws {
        let root = try Self.dataset()
        let result = try fluosynth(["evaluate", root + "/bad/000000.tif", root + "/test/GT/000000.tif",
                                    "--input", root + "/input/000000.tif", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [String: Any]])
        #expect(Set(json.keys) == ["prediction", "input"])
        #expect(json["prediction"]?["ms_ssim"] is Double && json["input"]?["nrmse"] is Double)
    }

    /// Missing files, a file paired with a folder and mismatched shapes fail, naming the file.
    @Test func badInputNamesTheFile() throws {
        let root = try Self.dataset()
        try FileManager.default.removeItem(atPath: root + "/bad/000001.tif")
        try TIFFWriter.write(Volume(shape: [40, 48], repeating: 1), to: root + "/input/000001.tif")
        let cases: [([String], String)] = [
            (["evaluate", root + "/bad", root + "/test/GT"], "has no 000001.tif"),
            (["evaluate", root + "/nothing.tif", root + "/test/GT/000000.tif"], "nothing.tif: no such file or folder"),
            (["evaluate", root + "/good/000000.tif", root + "/test/GT"], "000000.tif is a file but the ground truth"),
            (["evaluate", root + "/input", root + "/test/GT"], "input/000001.tif against"),
            (["evaluate", root + "/good", root + "/test/GT", "--baseline", "oops"], "oops"),
        ]
        for (arguments, message) in cases {
            let result = try fluosynth(arguments)
            #expect(result.status != 0, "\(arguments) succeeded")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}

import Foundation
import Testing
import TestSupport

/// `fluosynth calibrate` and the real-data loop, as a user runs them (a short version of the
/// README's procedure on the shared widefield/SIM pair).
@Suite("fluosynth calibrate")
struct CalibrateCommandTests {
    static let data = TestPaths.sharedData + "/microtubules-wf-sim"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: data + "/widefield-high.tif"),
                   "needs the real data in ../shared/data or $FLUOSYNTH_SHARED_DATA"))
    func calibratedSpecRunsTheLoopOnRealData() throws {
        let folder = TestPaths.temporaryDirectory("calibrate-cli")
        let spec = folder + "/calibrated.yaml"
        let result = try fluosynth(["calibrate", Self.data + "/widefield-high.tif", "--na", "1.4", "--wavelength", "0.52",
                                    "--pixel-size", "0.03", "--base", TestPaths.packageRoot + "/Examples/loop-microtubules.yaml",
                                    "--rounds", "4", "--samples", "4", "-o", spec, "--report", folder + "/report"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("camera grid: binned 2×2"), "\(result.stdout)")
        #expect(result.stdout.contains("consistent with the optics and pixel size given"), "\(result.stdout)")
        let text = try String(contentsOfFile: spec, encoding: .utf8)
        for key in ["out_of_focus", "photons_per_unit", "effective NA", "loop:"] { #expect(text.contains(key), "the spec lacks \(key)") }
        let noOffset = try fluosynth(["calibrate", Self.data + "/widefield-high.tif", "--na", "1.4", "--wavelength", "0.52",
                                      "--pixel-size", "0.03", "-o", folder + "/fragment.yaml"])
        #expect(noOffset.status != 0 && noOffset.stderr.contains("--offset"), "\(noOffset.stderr)")
        let report = try String(contentsOfFile: folder + "/report/index.html", encoding: .utf8)
        #expect(report.contains("noise-level function") && report.contains("real.png") && report.contains("synthetic.png"))

        // A probabilistic network (Laplace loss), so the report shows where it is unsure.
        try text.replacingOccurrences(of: "\nloop:\n", with: "\nloop:\n  loss: laplace\n").write(toFile: spec, atomically: true, encoding: .utf8)
        let loop = try fluosynth(["loop", spec, "--samples", "24", "--steps", "40", "--out", folder + "/loop",
                                  "--real", Self.data + "/widefield-high.tif", "--reference", Self.data + "/sim-high.tif",
                                  "--adapt", "--adapt-steps", "20"])
        #expect(loop.status == 0, "\(loop.stderr)")
        #expect(loop.stdout.contains("iterations") && loop.stdout.contains("network"), "\(loop.stdout)")
        for file in ["widefield-high-input.tif", "widefield-high-network.tif", "widefield-high-richardson-lucy.tif", "widefield-high-scale.tif",
                     "widefield-high-adapted.tif"] {
            #expect(FileManager.default.fileExists(atPath: folder + "/loop/real/" + file), "\(file) missing")
        }
        let html = try String(contentsOfFile: folder + "/loop/report.html", encoding: .utf8)
        #expect(html.contains("Real images") && html.contains("chosen on the synthetic validation split") && html.contains("uncertainty")
                && html.contains("network adapted to the image") && html.contains("disagreement.png"))
        #expect(loop.stdout.contains("adapted "), "no scores of the adapted network: \(loop.stdout)")
        print("calibrated loop (CI-sized) on the real widefield image:\n\(loop.stdout.components(separatedBy: "real images").last ?? "")")
    }

    @Test func badInputIsRefusedBeforeWork() throws {
        let na = try fluosynth(["calibrate", "image.tif", "--na", "2", "--wavelength", "0.52", "--pixel-size", "0.03", "-o", "x.yaml"])
        #expect(na.status != 0 && na.stderr.contains("--na"), "\(na.stderr)")
        let nm = try fluosynth(["calibrate", "image.tif", "--na", "1.4", "--wavelength", "520", "--pixel-size", "0.03", "-o", "x.yaml"])
        #expect(nm.status != 0 && nm.stderr.contains("--wavelength is in µm"), "\(nm.stderr)")
        let missing = try fluosynth(["calibrate", "/nonexistent/image.tif", "--na", "1.4", "--wavelength", "0.52", "--pixel-size", "0.03", "-o", "x.yaml"])
        #expect(missing.status != 0 && missing.stderr.contains("image.tif"), "\(missing.stderr)")
    }
}

import Foundation
import Testing
import TestSupport

@Suite("fluosynth resolution")
struct ResolutionCommandTests {
    static let data = TestPaths.sharedData + "/microtubules-wf-sim"

    /// On the real SIM pair (normal and low light: two noisy acquisitions of one field) the command
    /// reports decorrelation and FRC estimates; only a physically plausible range is asserted
    /// (real data): between two 0.03 µm pixels and 0.5 µm (measured: 0.17 and 0.16 µm).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: data + "/sim-high.tif"),
                   "needs the real data in ../shared/data or $FLUOSYNTH_SHARED_DATA"))
    func reportsDecorrelationAndFRCOnRealData() throws {
        let result = try fluosynth(["resolution", Self.data + "/sim-high.tif", "--second", Self.data + "/sim-low.tif", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let decorrelation = try #require((json["decorrelation"] as? [String: Double])?["resolution_um"])
        let frc = try #require((json["frc"] as? [String: Any])?["resolution_um"] as? Double)
        #expect(decorrelation > 0.06 && decorrelation < 0.5, "decorrelation \(decorrelation) µm")
        #expect(frc > 0.06 && frc < 0.5, "FRC \(frc) µm")
        let text = try fluosynth(["resolution", Self.data + "/widefield-high.tif", "--pixel-size", "0.03"])
        #expect(text.status == 0 && text.stdout.contains("decorrelation") && text.stdout.contains("pixel 0.030 µm"), "\(text.stderr)")
    }

    @Test func badInputNamesTheFile() throws {
        let result = try fluosynth(["resolution", "/nonexistent/image.tif"])
        #expect(result.status != 0 && result.stderr.contains("image.tif: cannot open"), "\(result.stderr)")
    }
}

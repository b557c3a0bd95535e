import DatasetSpec
import Foundation
import Testing
import TestSupport
@testable import Teaching

/// The live explain page's model: settings go through the spec (its validation, its
/// conditions), change what the physics says they change, and bad ones name the parameter.
@Suite("Live explain session")
struct LiveSessionTests {
    static let spec = TestPaths.packageRoot + "/Examples/snr-ladder.yaml"
    static let session: LiveSession = try! LiveSession(specPath: spec, sample: 0, threads: 2,
                                                       presets: PresetLibrary(folders: [TestPaths.packageRoot + "/Phantoms"]))

    /// The spec's keys become controls with the explained condition's values (snr-ladder's
    /// first condition has 5 peak photons, the top level 100); the preset phantom's count is
    /// one too.
    @Test func controlsCarryTheSpecsValues() {
        let values = Dictionary(Self.session.controls.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(values["optics.na"] == "1.3" && values["acquisition.camera.peak_photons"] == "5" && values["phantom.count"] == "20")
        #expect(values["camera_pixel_um"] == "0.065" && values["shape"] == "256,256" && values["z_step_um"] == nil, "\(values)")
    }

    /// Moving NA moves the measured lateral FWHM as 0.51 λ/NA says.
    @Test func naMovesTheFWHMAsTheorySays() throws {
        var measured: [Double: Double] = [:]
        for na in [0.8, 1.4] {
            let explanation = try Self.session.render(["optics.na": "\(na)"])
            let fwhm = try #require(explanation.optics?.report.lateralFWHMUm)
            #expect(abs(fwhm / (0.51 * 0.52 / na) - 1) < 0.1, "NA \(na): FWHM \(fwhm) µm")
            measured[na] = fwhm
        }
        #expect(abs(measured[0.8]! / measured[1.4]! - 1.4 / 0.8) < 0.1)
    }

    /// A setting of a key the explained condition sets itself reaches that condition: snr-ladder's
    /// first condition has its own peak_photons.
    @Test func settingsReachTheExplainedCondition() throws {
        let explanation = try Self.session.render(["acquisition.camera.peak_photons": "400", "camera_pixel_um": "0.0975"])
        #expect(explanation.trace.condition.acquisition.camera?.peakPhotons == 400)
        #expect(explanation.trace.recorded.grid.spacingUm.map { ($0 * 1e4).rounded() / 1e4 } == [0.0975, 0.0975])
    }

    /// Bad settings are refused naming the parameter, by the spec's own validation where it is a
    /// spec key.
    @Test func badSettingsNameTheParameter() {
        let cases: [([String: String], String)] = [
            (["optics.na": "1.6"], "optics.na"),
            (["acquisition.camera.peak_photons": "-5"], "peak_photons"),
            (["shape": "100000,100000"], "shape"),
            (["optics.na": "high"], "optics.na"),
            (["camera_pixel_um": "0.01"], "camera_pixel_um"),
            (["output.directory": "/etc"], "output.directory"),
        ]
        for (settings, parameter) in cases {
            #expect {
                _ = try Self.session.render(settings)
            } throws: { error in
                guard let error = error as? LiveRequestError else { return false }
                return error.parameter.contains(parameter)
            }
        }
    }

    /// The settings as a spec: written out and loaded as `generate` loads it, with the change.
    @Test func settingsDownloadAsASpecGenerateAccepts() throws {
        let document = try Self.session.document(applying: ["optics.na": "1.1", "phantom.count": "5"])
        let path = TestPaths.temporaryDirectory("live") + "/spec.yaml"
        try document.yaml().write(toFile: path, atomically: true, encoding: .utf8)
        let spec = try SpecLoader.load(path, presets: PresetLibrary(folders: [TestPaths.packageRoot + "/Phantoms"]))
        guard case let .bornWolf(parameters)? = spec.template.optics else { Issue.record("not born-wolf"); return }
        #expect(parameters.na == 1.1)
        #expect(try document.yaml().contains("count: 5"))
    }
}

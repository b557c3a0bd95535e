import FluoCore
import Foundation
@testable import Phantoms
import Testing
import TestSupport

/// The presets in `Phantoms/` through the built `fluosynth phantom` command (YAML decoding
/// lives in Workflows), checked against what the Phantoms types report.
@Suite("Presets and the phantom command")
struct PresetTests {
    static let presets = ((try? FileManager.default.contentsOfDirectory(atPath: TestPaths.packageRoot + "/Phantoms")) ?? [])
        .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()

    func fluosynth(_ arguments: [String]) throws -> Shell.Result {
        try Shell.run(TestPaths.executable("fluosynth"), arguments)
    }

    @Test func everyPresetRendersIn2DAnd3D() throws {
        #expect(PresetTests.presets.count >= 6)
        let folder = TestPaths.temporaryDirectory("phantom")
        for preset in PresetTests.presets {
            for shape in ["96,96", "12,64,64"] {
                let result = try fluosynth(["phantom", preset, "--shape", shape, "--pixel-size", "0.1", "--z-step", "0.2",
                                            "--seed", "7", "-o", "\(folder)/\(preset).tif", "--summary", "\(folder)/\(preset).json",
                                            "--preview", "\(folder)/\(preset).png"])
                #expect(result.status == 0, "\(preset) \(shape): \(result.stderr)")
                let summary = try JSONDecoder().decode(PhantomSummary.self,
                                                       from: Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(preset).json")))
                let drawn = summary.components.map { ($0.microtubules?.filamentCount ?? 0) + ($0.granules?.placedCount ?? 0) }
                #expect(drawn.allSatisfy { $0 > 0 }, "\(preset) \(shape): \(summary)")
                let png = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\(preset).png"))
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                #expect(FileManager.default.fileExists(atPath: "\(folder)/\(preset).tif"))
            }
        }
    }

    @Test func badInputNamesTheFileAndKey() throws {
        let folder = TestPaths.temporaryDirectory("phantom")
        let misspelt = folder + "/typo.yaml"
        try "kind: microtubules\npersistance_length_um: 3\n".write(toFile: misspelt, atomically: true, encoding: .utf8)
        let unknownKind = folder + "/kind.yaml"
        try "kind: granule\n".write(toFile: unknownKind, atomically: true, encoding: .utf8)
        let outOfRange = folder + "/range.yaml"
        try "kind: mixture\ncomponents:\n  - kind: granules\n    radius_um: [0.3, 0.1]\n".write(toFile: outOfRange, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            ([misspelt], "typo.yaml:2:1: persistance_length_um: unknown key 'persistance_length_um' (did you mean 'persistence_length_um'?)"),
            ([outOfRange], "range.yaml:4:5: components[0].radius_um: needs min ≤ max"),
            ([unknownKind], "kind.yaml:1:7: kind: 'granule' is not one of: microtubules, granules, spheres, mixture (did you mean 'granules'?)"),
            (["microtubles"], "microtubles: no such phantom file or preset (did you mean 'microtubules'?)"),
            (["granules", "--shape", "4"], "--shape needs 2 (y,x) or 3 (z,y,x)"),
        ]
        for (arguments, message) in cases {
            var full = ["phantom"] + arguments + ["--pixel-size", "0.1", "-o", folder + "/out.tif"]
            if !arguments.contains("--shape") { full += ["--shape", "32,32"] }
            let result = try fluosynth(full)
            #expect(result.status != 0)
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tif"))
    }
}

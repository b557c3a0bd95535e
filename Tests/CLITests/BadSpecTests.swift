import Foundation
import Testing
import TestSupport

/// Bad specs: each gives a message naming the file, line and key, exits non-zero and
/// writes nothing.
@Suite("fluosynth generate with bad specs")
struct BadSpecTests {
    static let base = """
        name: bad-spec-test
        seed: 1
        samples: 4
        shape: [32, 32]
        pixel_size_um: [0.05, 0.05]
        phantom:
          kind: microtubules
          count: 5
          persistence_length_um: 10
        optics:
          model: born-wolf
          na: 1.3
          wavelength_um: 0.52
          immersion_index: 1.518
        acquisition:
          subsample:
            - {axis: x, factor: 2, mode: integrate}
          camera:
            peak_photons: 50
            quantum_efficiency: 0.8
        conditions:
          - name: low
        output:
          formats: [tiff]
          split: {train: 0.5, val: 0.25, test: 0.25}
        """

    /// (line to replace, replacement (nil: delete), key path expected, text expected, line expected (nil: the replaced line)).
    static let cases: [(String, String?, String, String, Int?)] = [
        ("samples: 4", "sampels: 4", "sampels", "did you mean 'samples'", nil),
        ("    peak_photons: 50", "    peak_photon: 50", "acquisition.camera.peak_photon", "did you mean 'peak_photons'", nil),
        ("samples: 4", "samples: four", "samples", "expected an integer, found 'four'", nil),
        ("samples: 4", "samples: \"4\"", "samples", "expected an integer", nil),
        ("  na: 1.3", "  na: 1.6", "optics.na", "must be below the immersion index 1.518", nil),
        ("    peak_photons: 50", "    peak_photons: -5", "acquisition.camera.peak_photons", "must be ≥ 0", nil),
        ("    peak_photons: 50", "    peak_photons: [-5, 10]", "acquisition.camera.peak_photons", "must be ≥ 0", nil),
        ("    - {axis: x, factor: 2, mode: integrate}", "    - {axis: z, factor: 2, mode: integrate}", "conditions[0].acquisition.subsample[0].axis", "'z' does not exist in a 2-D image", nil),
        ("    - {axis: x, factor: 2, mode: integrate}", "    - {axis: x, factor: 40, mode: integrate}", "conditions[0].acquisition.subsample[0].factor", "larger than the x axis", nil),
        ("pixel_size_um: [0.05, 0.05]", "pixel_size_um: [0.05]", "pixel_size_um", "needs one value per axis", nil),
        ("  model: born-wolf", "  model: born-wolff", "optics.model", "'born-wolff' is not one of: gaussian, born-wolf, gibson-lanni, vectorial, confocal, file (did you mean 'born-wolf'?)", nil),
        ("  persistence_length_um: 10", "  persistance_length_um: 10", "phantom.persistance_length_um", "did you mean 'persistence_length_um'", nil),
        ("  persistence_length_um: 10", "  persistence_length_um: -3", "phantom.persistence_length_um", "must be > 0", nil),
        ("  count: 5", "    count: 5", "", "YAML syntax", nil),
        ("samples: 4", nil, "", "missing key 'samples'", 1),
        ("  split: {train: 0.5, val: 0.25, test: 0.25}", "  split: {train: 0.5, val: 0.25, test: 0.5}", "output.split.train", "must be 1", nil),
        ("  - name: low", "  - name: GT", "conditions[0].name", "other than GT", nil),
        ("    quantum_efficiency: 0.8", "    quantum_efficiency: 1.5", "acquisition.camera.quantum_efficiency", "must be in (0, 1]", nil),
        ("shape: [32, 32]", "shape: [32, 32, 32, 32]", "shape", "needs 2 (y, x) or 3 (z, y, x) values", nil),
        ("  formats: [tiff]", "  formats: [tif]", "output.formats[0]", "'tif' is not one of: tiff, ome-tiff, npz, previews, ome-zarr (did you mean 'tiff'?)", nil),
    ]

    @Test func everyBadSpecIsReportedAtItsKey() throws {
        let folder = TestPaths.temporaryDirectory("badspec")
        var failures: [String] = []
        for (index, (old, new, key, text, expectedLine)) in Self.cases.enumerated() {
            var lines = Self.base.components(separatedBy: "\n")
            guard let position = lines.firstIndex(of: old) else {
                Issue.record("case \(index): line '\(old)' not in the base spec")
                continue
            }
            if let new { lines[position] = new } else { lines.remove(at: position) }
            let spec = folder + "/case\(index).yaml", out = folder + "/out\(index)"
            try lines.joined(separator: "\n").write(toFile: spec, atomically: true, encoding: .utf8)
            let result = try fluosynth(["generate", spec, "--out", out, "--quiet"])
            let line = expectedLine ?? position + 1
            let location = "case\(index).yaml:\(line):"
            let mentions = [location, key, text].filter { !$0.isEmpty }.allSatisfy { result.stderr.contains($0) }
            if result.status == 0 || !mentions {
                failures.append("case \(index) (\(new ?? "deleted")): status \(result.status), expected '\(location)', '\(key)', '\(text)' in: \(result.stderr)")
            }
            if FileManager.default.fileExists(atPath: out) { failures.append("case \(index) wrote \(out)") }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(Self.cases.count >= 15)
    }

    @Test func theBaseSpecIsValid() throws {
        let folder = TestPaths.temporaryDirectory("badspec")
        try Self.base.write(toFile: folder + "/base.yaml", atomically: true, encoding: .utf8)
        let result = try fluosynth(["generate", folder + "/base.yaml", "--out", folder + "/out", "--dry-run"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("dry run"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }
}

/// Hostile specs (the kinds a fuzzer or a typo produces) get a clear error before any work
/// and exit with status 1, never an out-of-memory kill or a crash, and leave no output.
@Suite("fluosynth generate with hostile specs")
struct HostileSpecTests {
    static func run(_ name: String, _ text: Data) throws -> (status: Int32, stderr: String, wroteOutput: Bool) {
        let folder = TestPaths.temporaryDirectory("hostile")
        try text.write(to: URL(fileURLWithPath: folder + "/\(name).yaml"))
        let result = try fluosynth(["generate", folder + "/\(name).yaml", "--out", folder + "/out", "--quiet"])
        return (result.status, result.stderr, FileManager.default.fileExists(atPath: folder + "/out/train"))
    }

    static func spec(_ from: String, _ to: String) -> Data {
        Data(BadSpecTests.base.replacingOccurrences(of: from, with: to).utf8)
    }

    @Test func hostileSpecsAreRefusedBeforeWork() throws {
        var aliases = ["a0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
        for i in 1..<9 { aliases.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let cases: [(String, Data, String)] = [
            ("huge-grid", Self.spec("shape: [32, 32]", "shape: [65536, 65536]"), "per sample and this machine has"),
            ("beyond-grid", Self.spec("shape: [32, 32]", "shape: [100000, 100000]"), "sizes must be 1–65536"),
            ("samples-1e12", Self.spec("samples: 4", "samples: 1000000000000"), "must be at most 100000000"),
            ("samples-float", Self.spec("samples: 4", "samples: 1e12"), "expected an integer"),
            ("disk", Self.spec("samples: 4", "samples: 100000000"), "would write about"),
            ("nan", Self.spec("na: 1.3", "na: .nan"), "optics.na"),
            ("infinity", Self.spec("peak_photons: 50", "peak_photons: .inf"), "peak_photons"),
            ("billion-laughs", Data((aliases.joined(separator: "\n") + "\n" + BadSpecTests.base).utf8), "unknown key 'a0'"),
            ("deep-nesting", Data(("name: deep\nphantom: " + String(repeating: "[", count: 100_000)).utf8), "YAML syntax"),
            ("not-utf8", Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]), "is not UTF-8 text"),
            ("huge-file", Data((BadSpecTests.base + "\n#" + String(repeating: "x", count: 2 << 20) + "\n").utf8), "a spec may have at most"),
        ]
        for (name, text, message) in cases {
            let (status, stderr, wrote) = try Self.run(name, text)
            #expect(status == 1 && stderr.contains(message) && !wrote, "\(name): status \(status), '\(stderr)'")
        }
    }
}

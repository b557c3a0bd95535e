import FluoCore
import Foundation
import Imaging
@testable import DatasetSpec
import Testing
import TestSupport

@Suite("Spec loading")
struct SpecLoaderTests {
    static let presets = PresetLibrary(folders: [TestPaths.packageRoot + "/Phantoms"])

    static let yaml = """
        name: ranges
        seed: 7
        samples: 1000
        shape: [64, 64]
        pixel_size_um: [0.05, 0.05]
        phantom: microtubules
        optics: {model: born-wolf, na: [1.2, 1.4], wavelength_um: 0.52, immersion_index: 1.518}
        acquisition:
          camera: {peak_photons: [10, 100], read_noise_e: 2, bit_depth: [8, 12]}
        conditions:
          - {name: dim, acquisition: {camera: {peak_photons: 5}}}
          - {name: bright}
        output: {directory: out/ranges}
        """

    static func load(_ text: String = yaml) throws -> LoadedSpec {
        try SpecLoader.load(SpecDocument(yaml: text, file: "ranges.yaml"), folder: TestPaths.packageRoot, presets: presets)
    }

    @Test func rangesAreDrawnPerSampleInsideTheirBounds() throws {
        let spec = try Self.load()
        let root = RandomStream(seed: 7)
        var photons: [Double] = [], bits = Set<Int>(), na: [Double] = []
        for i in 0..<1000 {
            let sample = try spec.sample(stream: root.substream(i))
            let camera = try #require(sample.spec.conditions[1].acquisition.camera)
            photons.append(camera.peakPhotons!)
            bits.insert(camera.bitDepth!)
            if case let .bornWolf(p)? = sample.spec.conditions[1].optics { na.append(p.na) }
            #expect(sample.spec.conditions[0].acquisition.camera?.peakPhotons == 5)
            #expect(sample.drawn["conditions[1].acquisition.camera.peak_photons"] == camera.peakPhotons)
        }
        #expect(photons.allSatisfy { $0 >= 10 && $0 < 100 })
        #expect(abs(photons.reduce(0, +) / 1000 - 55) < 2.5)
        #expect(bits == [8, 9, 10, 11, 12])   // integer ranges include both ends
        #expect(na.allSatisfy { $0 >= 1.2 && $0 < 1.4 } && Set(na).count > 900)
        // The same sample draws the same numbers, whatever was drawn before.
        let again = try spec.sample(stream: root.substream(3)), first = try spec.sample(stream: root.substream(3))
        #expect(again.drawn == first.drawn)
        #expect(try spec.sample(stream: root.substream(4)).drawn != first.drawn)
    }

    /// A log-uniform range in a spec is drawn per sample like a uniform one, equally often in
    /// each decade; one reaching 0, or a reversed range, is refused with its key and line.
    @Test func logUniformRangesAreDrawnPerSample() throws {
        let spec = try Self.load(Self.yaml.replacingOccurrences(of: "peak_photons: [10, 100]",
                                                                with: "peak_photons: {distribution: loguniform, min: 10, max: 1000}"))
        let root = RandomStream(seed: 7)
        let photons = try (0..<1000).map { i in
            try #require(spec.sample(stream: root.substream(i)).spec.conditions[1].acquisition.camera?.peakPhotons)
        }
        #expect(photons.allSatisfy { $0 >= 10 && $0 < 1000 })
        #expect(abs(photons.filter { $0 < 100 }.count - 500) < 60)   // a uniform range: 91
        let negative = Self.yaml.replacingOccurrences(of: "peak_photons: [10, 100]",
                                                       with: "peak_photons: {distribution: loguniform, min: 0, max: 1000}")
        #expect { try Self.load(negative) } throws: { error in
            let error = error as? SpecError
            return error?.path == "acquisition.camera.peak_photons" && error?.line == 9 && error?.message.contains("0 < min ≤ max") == true
        }
        let reversed = Self.yaml.replacingOccurrences(of: "peak_photons: [10, 100]", with: "peak_photons: [100, 10]")
        #expect { try Self.load(reversed) } throws: { ($0 as? SpecError)?.message.contains("needs min ≤ max") == true }
    }

    @Test func conditionsInheritTheTopLevelAcquisition() throws {
        let spec = try Self.load()
        let dim = spec.template.conditions[0], bright = spec.template.conditions[1]
        #expect(dim.name == "dim" && bright.name == "bright")
        #expect(dim.acquisition.camera?.readNoiseE == 2 && dim.acquisition.camera?.peakPhotons == 5)
        #expect(bright.acquisition.camera?.readNoiseE == 2 && bright.acquisition.camera?.peakPhotons == 10)
        #expect(dim.optics == bright.optics)
    }

    @Test func theResolvedSpecKeepsRangesAndFillsDefaults() throws {
        let spec = try Self.load()
        let json = try JSONSerialization.jsonObject(with: spec.resolvedJSON) as! [String: Any]
        let camera = ((json["acquisition"] as! [String: Any])["camera"] as! [String: Any])
        #expect(camera["peak_photons"] as? [Double] == [10, 100])
        #expect(camera["quantum_efficiency"] as? Double == 1)     // default filled in
        #expect((json["phantom"] as! [String: Any])["kind"] as? String == "microtubules")   // preset expanded
        #expect((json["output"] as! [String: Any])["directory"] == nil)
        // The hash follows the content, not the location.
        let moved = try Self.load(Self.yaml.replacingOccurrences(of: "out/ranges", with: "elsewhere"))
        #expect(moved.hash == spec.hash)
        let changed = try Self.load(Self.yaml.replacingOccurrences(of: "read_noise_e: 2", with: "read_noise_e: 3"))
        #expect(changed.hash != spec.hash)
    }

    @Test func errorsPointAtTheKeyInFlowMappings() throws {
        let text = Self.yaml.replacingOccurrences(of: "read_noise_e: 2", with: "read_nosie_e: 2")
        #expect(throws: SpecError(file: "ranges.yaml", line: 9, column: 37, path: "acquisition.camera.read_nosie_e",
                                  message: "unknown key 'read_nosie_e' (did you mean 'read_noise_e'?); allowed: bit_depth, em_gain, gain_adu_per_e, offset_adu, peak_photons, photons_per_unit, quantum_efficiency, read_noise_e, scmos")) {
            try Self.load(text)
        }
    }

    @Test func rangesOutsideThePhysicalDomainAreCaughtAtEitherEnd() throws {
        let text = Self.yaml.replacingOccurrences(of: "na: [1.2, 1.4]", with: "na: [1.2, 1.6]")
        do {
            _ = try Self.load(text)
            Issue.record("an NA range reaching 1.6 was accepted")
        } catch let error as SpecError {
            #expect(error.path == "optics.na" && error.line == 7 && error.message.contains("below the immersion index"))
        }
    }
}

@Suite("JSON Schema")
struct SchemaTests {
    @Test func schemaListsEveryKeyTheDecoderAccepts() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(JSONSchemaGenerator.datasetSchema(presets: ["microtubules"]).utf8)) as! [String: Any]
        let properties = schema["properties"] as! [String: Any]
        #expect(Set(properties.keys) == Set(DatasetSpec.CodingKeys.allCases.map(\.stringValue)))
        #expect(Set(schema["required"] as! [String]) == ["name", "samples", "shape", "pixel_size_um", "phantom", "output"])
        let optics = (properties["optics"] as! [String: Any])["properties"] as! [String: Any]
        // Keys of every PSF model, found by exploring each `model:` case.
        for model in PSFModel.Kind.allCases {
            for key in PSFModel.keys(of: model) { #expect(optics[key] != nil, "optics.\(key) (\(model.rawValue)) missing") }
        }
    }

    /// The schema shipped at the top of the repository (where the examples' `$schema` lines
    /// point) is the one `fluosynth schema` prints: regenerate it with
    /// `fluosynth schema > fluosynth.schema.json` when a spec type changes.
    @Test func shippedSchemaIsCurrent() throws {
        let presets = PresetLibrary(folders: [TestPaths.packageRoot + "/Phantoms"])
        let shipped = try String(contentsOfFile: TestPaths.packageRoot + "/fluosynth.schema.json", encoding: .utf8)
        #expect(shipped == (try JSONSchemaGenerator.datasetSchema(presets: presets.names)) + "\n",
                "fluosynth.schema.json is stale: run fluosynth schema > fluosynth.schema.json")
    }

    @Test(.enabled(if: PythonReference.isAvailable))
    func everyExampleValidatesAndTyposDoNot() throws {
        let folder = TestPaths.temporaryDirectory("schema")
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot + "/fluosynth.schema.json", toPath: folder + "/schema.json")
        let examples = try FileManager.default.contentsOfDirectory(atPath: TestPaths.packageRoot + "/Examples")
            .filter { $0.hasSuffix(".yaml") && $0 != "k8s-indexed-job.yaml" }   // the Kubernetes job is not a spec
            .sorted().map { TestPaths.packageRoot + "/Examples/" + $0 }
        #expect(examples.count >= 5)
        let typo = folder + "/typo.yaml"
        try String(contentsOfFile: examples[0], encoding: .utf8).replacingOccurrences(of: "samples:", with: "sampels:")
            .write(toFile: typo, atomically: true, encoding: .utf8)
        let phantoms = try FileManager.default.contentsOfDirectory(atPath: TestPaths.packageRoot + "/Phantoms")
            .filter { $0.hasSuffix(".yaml") }.sorted().map { TestPaths.packageRoot + "/Phantoms/" + $0 }
        #expect(phantoms.count >= 5)
        let lines = try PythonReference.run("schema_check.py", [folder + "/schema.json"] + examples + [typo, "--phantoms"] + phantoms)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines.count == examples.count + 1 + phantoms.count)
        for line in lines where line["file"] as? String != typo { #expect(line["valid"] as? Bool == true, "\(line)") }
        let typoLine = lines.first { $0["file"] as? String == typo }
        #expect(typoLine?["valid"] as? Bool == false && (typoLine?["error"] as? String)?.contains("sampels") == true)
    }

    /// Every key of the schema, nested ones and the distribution's included, has a
    /// description; numbers carry their bounds (NA in (0, 1.7]), lists their items' bounds.
    @Test func everyKeyIsDocumented() throws {
        let schema = try JSONSerialization.jsonObject(with: Data(JSONSchemaGenerator.datasetSchema(presets: []).utf8)) as! [String: Any]
        var undocumented: [String] = [], count = 0
        func walk(_ node: Any, _ path: String) {
            guard let object = node as? [String: Any] else { return }
            for (key, value) in object["properties"] as? [String: Any] ?? [:] {
                count += 1
                if ((value as? [String: Any])?["description"] as? String ?? "").isEmpty { undocumented.append(path + key) }
                walk(value, path + key + ".")
            }
            for key in ["items", "allOf", "oneOf"] {
                if let child = object[key] as? [String: Any] { walk(child, path) }
                for child in object[key] as? [Any] ?? [] { walk(child, path) }
            }
        }
        walk(schema, "")
        for (name, definition) in schema["definitions"] as? [String: Any] ?? [:] { walk(definition, "definitions.\(name).") }
        #expect(count > 150 && undocumented.isEmpty, "undocumented: \(undocumented.sorted())")
        let optics = ((schema["properties"] as! [String: Any])["optics"] as! [String: Any])["properties"] as! [String: Any]
        let na = optics["na"] as! [String: Any], plain = (na["oneOf"] as! [[String: Any]])[0]
        #expect(plain["exclusiveMinimum"] as? Double == 0 && plain["maximum"] as? Double == 1.7)
        let wavelength = optics["wavelength_um"] as! [String: Any]
        #expect(wavelength["x-unit"] as? String == "µm" && (wavelength["description"] as? String)?.hasSuffix("(µm)") == true)
    }

    /// Values out of bounds fail the schema (jsonschema) and the loader alike; an NA at or
    /// above the immersion index (a relation JSON Schema cannot state) fails the loader.
    @Test(.enabled(if: PythonReference.isAvailable))
    func outOfBoundsValuesFailSchemaAndLoader() throws {
        let folder = TestPaths.temporaryDirectory("bounds")
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot + "/fluosynth.schema.json", toPath: folder + "/schema.json")
        let example = try String(contentsOfFile: TestPaths.packageRoot + "/Examples/microtubules-widefield-2d.yaml", encoding: .utf8)
        let cases = [("na-negative", "  na: 1.3", "  na: -1"), ("shape-zero", "shape: [256, 256]", "shape: [0, 0]"),
                     ("na-above-immersion", "  na: 1.3", "  na: 1.6")]
        var files: [String] = []
        for (name, from, to) in cases {
            #expect(example.contains(from))
            try example.replacingOccurrences(of: from, with: to).write(toFile: folder + "/\(name).yaml", atomically: true, encoding: .utf8)
            files.append(folder + "/\(name).yaml")
            #expect(throws: (any Error).self, "\(name) loads") {
                try SpecLoader.load(folder + "/\(name).yaml", presets: PresetLibrary(folders: [TestPaths.packageRoot + "/Phantoms"]))
            }
        }
        let lines = try PythonReference.run("schema_check.py", [folder + "/schema.json"] + files)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(lines[0]["valid"] as? Bool == false && lines[1]["valid"] as? Bool == false, "\(lines)")
        #expect(lines[2]["valid"] as? Bool == true, "an NA above the immersion index is the loader's to refuse")
    }
}

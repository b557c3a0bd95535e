import DataIO
import Foundation
import Testing
import TestSupport

/// Every file under `folder` (relative path → bytes).
func files(in folder: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)
    while let relative = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + relative))
        }
    }
    return result
}

/// The relative paths whose bytes differ between two folders (or exist in one only).
func differences(_ a: String, _ b: String) throws -> [String] {
    let left = try files(in: a), right = try files(in: b)
    return Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
}

@Suite("fluosynth generate")
struct GenerateTests {
    static let examples = ["microtubules-widefield-2d", "granules-widefield-2d", "snr-ladder", "spheres-3d-rcan", "denoise-3d"]

    static func example(_ name: String) -> String { TestPaths.packageRoot + "/Examples/\(name).yaml" }

    @Test(arguments: examples)
    func everyExampleGenerates(name: String) throws {
        let out = TestPaths.temporaryDirectory("example") + "/" + name
        let result = try fluosynth(["generate", Self.example(name), "--samples", "3", "--out", out, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("made 3 samples"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/manifest.json"))) as! [String: Any]
        #expect((manifest["samples"] as! [Any]).count == 3)
        #expect((manifest["spec_hash"] as! String).hasPrefix("fnv1a64:"))
        #expect(FileManager.default.fileExists(atPath: out + "/train/GT/000000.tif"))
        #expect(FileManager.default.fileExists(atPath: out + "/previews/contact-sheet.png"))
        // The previews page labels the columns (conditions, then the ground truth) and the bars.
        let index = try String(contentsOfFile: out + "/previews/index.html", encoding: .utf8)
        #expect(index.contains("ground truth") && index.contains("Scale bars:") && index.contains(" µm") && index.contains("000000.png"))
    }

    /// What CSBDeep, numpy and tifffile see in the examples' output.
    @Test(.enabled(if: PythonReference.isAvailable), arguments: ["snr-ladder", "spheres-3d-rcan", "denoise-3d"])
    func csbdeepNumpyAndTifffileReadTheDataset(name: String) throws {
        let out = TestPaths.temporaryDirectory("interop") + "/" + name
        #expect(try fluosynth(["generate", Self.example(name), "--samples", "5", "--out", out, "--quiet"]).status == 0)
        struct Report: Decodable {
            struct NPZ: Decodable { var keys: [String]; var X: [Int]; var Y: [Int]; var dtype: String; var axes: String; var csbdeep_X: [Int]; var csbdeep_axes: String; var finite: Bool }
            struct TIFF: Decodable { var shape: [Int]; var dtype: String; var axes: String; var spacing: Double?; var pixel: Double }
            var npz: [String: NPZ]
            var tiff: [String: TIFF]
        }
        let report = try JSONDecoder().decode(Report.self, from: Data(PythonReference.run("dataset_check.py", [out]).utf8))
        switch name {
        case "snr-ladder":
            // 5 samples: 4 train, 1 test (val rounds to 0... 0.5 → 1 with half away from zero).
            #expect(Set(report.npz.keys).isSuperset(of: ["train/low-1.npz", "train/low-2.npz", "train/low-3.npz"]))
            let npz = try #require(report.npz["train/low-2.npz"])
            #expect(npz.keys == ["X", "Y", "axes"] && npz.axes == "SCYX" && npz.dtype == "float32" && npz.finite)
            #expect(npz.X == [npz.X[0], 1, 128, 128] && npz.Y == npz.X)
            #expect(npz.csbdeep_X == [npz.X[0], 128, 128, 1] && npz.csbdeep_axes == "SYXC")
            let input = try #require(report.tiff["train/low-1/000000.tif"])
            #expect(input.shape == [128, 128] && input.dtype == "float32" && input.axes == "YX" && abs(input.pixel - 0.065) < 1e-6)
        case "spheres-3d-rcan":
            let npz = try #require(report.npz["train/low.npz"])
            #expect(npz.axes == "SCZYX" && npz.X == [npz.X[0], 1, 16, 32, 32] && npz.Y == [npz.X[0], 1, 32, 64, 64])
            let gt = try #require(report.tiff["train/GT/000000.tif"])
            #expect(gt.shape == [32, 64, 64] && gt.axes == "ZYX" && gt.spacing == 0.1 && abs(gt.pixel - 0.1) < 1e-6)
            let input = try #require(report.tiff["train/low/000000.tif"])
            #expect(input.shape == [16, 32, 32] && input.spacing == 0.2 && abs(input.pixel - 0.2) < 1e-6)
        default:
            let npz = try #require(report.npz["train/high.npz"])
            #expect(npz.axes == "SCZYX" && npz.X == [npz.X[0], 2, 24, 96, 96] && npz.csbdeep_axes == "SZYXC")
            let gt = try #require(report.tiff["train/GT/000000.tif"])
            #expect(gt.shape == [24, 2, 96, 96] && gt.axes == "ZCYX" && gt.spacing == 0.3)
        }
    }

    /// `formats: [ome-tiff, npz, ome-zarr]`: the pairs are `<id>.ome.tif` with OME-XML that
    /// ome-types validates (sizes in µm, channels named after GT and the condition), the npz
    /// files are made from them, each split and role is one OME-Zarr image that ome-zarr-py
    /// reads and ome-zarr-models validates, and asking for both tiff and ome-tiff is refused
    /// before any work.
    @Test func omeDatasets() throws {
        let folder = TestPaths.temporaryDirectory("ome-dataset")
        let spec = try String(contentsOfFile: Self.example("denoise-3d"), encoding: .utf8)
            .replacingOccurrences(of: "  directory: out/denoise-3d", with: "  formats: [ome-tiff, npz, ome-zarr]")
        try spec.write(toFile: folder + "/ome.yaml", atomically: true, encoding: .utf8)
        let result = try fluosynth(["generate", folder + "/ome.yaml", "--samples", "5", "--out", folder + "/out", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let gt = folder + "/out/train/GT/000000.ome.tif", low = folder + "/out/train/low/000000.ome.tif"
        #expect(FileManager.default.fileExists(atPath: gt) && FileManager.default.fileExists(atPath: folder + "/out/train/low.npz"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out/train/GT/000000.tif"))
        let image = try TIFFReader.read(low)
        #expect(image.metadata.source == .ome && image.metadata.channelNames == ["low 0", "low 1"] && image.metadata.slices == 24)
        if PythonReference.isAvailable {
            let report = try PythonReference.run("tiff_check.py", ["ome", gt])
            #expect(report.contains("\"axes\": \"ZCYX\"") && report.contains("\"channels\": [\"GT 0\", \"GT 1\"]"), "\(report)")
            #expect(report.contains("\"physical\": [0.1, 0.1, 0.3]"), "\(report)")
            let zarr = try PythonReference.run("zarr_check.py", ["describe", folder + "/out/train/GT.zarr", folder + "/out/train/low.zarr"])
            let lines = zarr.split(separator: "\n").map(String.init)
            #expect(lines.count == 2 && lines.allSatisfy { $0.contains("\"valid\": true") && $0.contains("\"axes\": [\"t\", \"c\", \"z\", \"y\", \"x\"]") }, "\(zarr)")
            #expect(lines[0].contains("\"shape\": [3, 2, 24, 96, 96]") && lines[0].contains("\"samples\": [\"000000\""), "\(lines[0])")
            #expect(lines[0].contains("\"scale\": [1, 1, 0.3, 0.1, 0.1]") && lines[1].contains("\"labels\": [\"low 0\", \"low 1\"]"), "\(zarr)")
        }
        // The OME-Zarr image holds the same samples as the OME-TIFFs.
        let zarrLow = try ImageFile.read(folder + "/out/train/low.zarr").hyperstack()
        let tiffLow = try image.hyperstack()[0].map(\.data)
        #expect(zarrLow.count == 3 && zarrLow[0].map(\.data) == tiffLow)

        try spec.replacingOccurrences(of: "[ome-tiff, npz, ome-zarr]", with: "[tiff, ome-tiff]").write(toFile: folder + "/both.yaml", atomically: true, encoding: .utf8)
        let both = try fluosynth(["generate", folder + "/both.yaml", "--samples", "2", "--out", folder + "/both", "--quiet"])
        #expect(both.status != 0 && both.stderr.contains("output.formats") && both.stderr.contains("choose one"), "\(both.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/both"))
    }

    /// A spec names a bundled PSF (`optics: {model: file, name: …}`) and is imaged with it; a
    /// misspelt name is refused before any sample, with the right one suggested.
    @Test func specsUseBundledPSFs() throws {
        let folder = TestPaths.temporaryDirectory("bundled-psf")
        let spec = try String(contentsOfFile: Self.example("spheres-3d-rcan"), encoding: .utf8)
            .replacingOccurrences(of: "optics: {model: born-wolf, na: 1.1, wavelength_um: 0.52, immersion_index: 1.333}",
                                  with: "optics: {model: file, name: llsm-bead}")
        try spec.write(toFile: folder + "/llsm.yaml", atomically: true, encoding: .utf8)
        let result = try fluosynth(["generate", folder + "/llsm.yaml", "--samples", "2", "--out", folder + "/out", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let input = try TIFFReader.read(folder + "/out/train/low/000000.tif").volume()
        #expect(input.shape == [16, 32, 32] && input.sum() > 0)
        try spec.replacingOccurrences(of: "name: llsm-bead", with: "name: llsm-baed").write(toFile: folder + "/bad.yaml", atomically: true, encoding: .utf8)
        let bad = try fluosynth(["generate", folder + "/bad.yaml", "--samples", "2", "--out", folder + "/bad", "--quiet"])
        #expect(bad.status != 0 && bad.stderr.contains("did you mean 'llsm-bead'"), "\(bad.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/bad/train"))
    }

    @Test func sameBytesForAnyThreadCount() throws {
        let folder = TestPaths.temporaryDirectory("threads")
        for threads in [1, 2, 8] {
            let result = try fluosynth(["generate", Self.example("snr-ladder"), "--samples", "6", "--threads", "\(threads)",
                                        "--out", folder + "/t\(threads)", "--quiet"])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try differences(folder + "/t1", folder + "/t2").isEmpty)
        #expect(try differences(folder + "/t1", folder + "/t8").isEmpty)
        #expect(try files(in: folder + "/t1").count > 20)
        let other = try fluosynth(["generate", Self.example("snr-ladder"), "--samples", "6", "--seed", "99", "--out", folder + "/seed", "--quiet"])
        #expect(other.status == 0)
        #expect(try differences(folder + "/t1", folder + "/seed").contains("train/GT/000000.tif"))
    }

    @Test func shardsJoinIntoTheUnshardedDataset() throws {
        let folder = TestPaths.temporaryDirectory("shards")
        let spec = Self.example("microtubules-widefield-2d")
        #expect(try fluosynth(["generate", spec, "--samples", "10", "--out", folder + "/full", "--quiet"]).status == 0)
        // Three shards into one shared folder.
        for i in 0..<3 {
            #expect(try fluosynth(["generate", spec, "--samples", "10", "--shard", "\(i)/3", "--out", folder + "/shared", "--quiet"]).status == 0)
        }
        #expect(FileManager.default.fileExists(atPath: folder + "/shared/manifest.shard-1-of-3.json"))
        #expect(try fluosynth(["merge", folder + "/shared"]).status == 0)
        #expect(try differences(folder + "/full", folder + "/shared") == [])
        // Two shards in separate folders (separate machines), merged into a third.
        for i in 0..<2 {
            #expect(try fluosynth(["generate", spec, "--samples", "10", "--shard", "\(i)/2", "--out", folder + "/s\(i)", "--quiet"]).status == 0)
        }
        let incomplete = try fluosynth(["merge", folder + "/joined", folder + "/s0"])
        #expect(incomplete.status != 0 && incomplete.stderr.contains("shards missing"))
        #expect(try fluosynth(["merge", folder + "/joined", folder + "/s0", folder + "/s1"]).status == 0)
        #expect(try differences(folder + "/full", folder + "/joined") == [])
    }

    /// `kill -9` in the middle of a run, and again in the middle of its `--resume`, then
    /// `--resume` once more: the same bytes as one clean run.
    @Test func resumeAfterKillEqualsAnUninterruptedRun() throws {
        let folder = TestPaths.temporaryDirectory("resume")
        let spec = Self.example("microtubules-widefield-2d")
        let arguments = ["generate", spec, "--samples", "60", "--threads", "1", "--quiet"]
        #expect(try fluosynth(arguments + ["--out", folder + "/clean"]).status == 0)

        let records = folder + "/killed/.fluosynth/samples"
        func made() -> Int { (try? FileManager.default.contentsOfDirectory(atPath: records).count) ?? 0 }
        for (run, samples) in [5, 25].enumerated() {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.executable("fluosynth"))
            process.arguments = arguments + ["--out", folder + "/killed"] + (run == 0 ? [] : ["--resume"])
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            while made() < samples, Date() < deadline { usleep(20_000) }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(made() >= samples && made() < 60, "run \(run) killed after \(made()) samples")
            #expect(!FileManager.default.fileExists(atPath: folder + "/killed/manifest.json"))
        }

        let again = try fluosynth(arguments + ["--out", folder + "/killed"])
        #expect(again.status != 0 && again.stderr.contains("--resume"))
        let resumed = try fluosynth(arguments + ["--out", folder + "/killed", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("were already made"))
        #expect(try differences(folder + "/clean", folder + "/killed") == [])
    }
}

/// Output folders that cannot be written, and two runs of one dataset at once.
@Suite("fluosynth generate output folders")
struct OutputFolderTests {
    static let spec = TestPaths.packageRoot + "/Examples/snr-ladder.yaml"

    /// An output folder that cannot be made is named with the reason, before any work.
    @Test func unwritableOutputIsNamed() throws {
        let result = try fluosynth(["generate", Self.spec, "--samples", "2", "--out", "/dev/null/dataset", "--quiet"])
        #expect(result.status == 1 && result.stderr.contains("/dev/null/dataset: cannot create the output folder"), "\(result.stderr)")
        let folder = TestPaths.temporaryDirectory("parents")
        #expect(try fluosynth(["generate", Self.spec, "--samples", "2", "--out", folder + "/a/b/c", "--quiet"]).status == 0)
    }

    /// While a run holds a dataset's lock, a second run of it is refused with the holder's
    /// process id; once it is free the run goes ahead and removes the lock when done.
    @Test func secondRunOfADatasetIsRefused() throws {
        let folder = TestPaths.temporaryDirectory("lock") + "/data"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let lock = folder + "/.fluosynth.lock"
        let fd = open(lock, O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
        _ = "4242\n".withCString { write(fd, $0, 5) }
        let refused = try fluosynth(["generate", Self.spec, "--samples", "2", "--out", folder, "--resume", "--quiet"])
        #expect(refused.status == 1 && refused.stderr.contains("being written by another fluosynth generate (process 4242)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/train"))
        // A shard has its own lock, so shards of one dataset run side by side.
        #expect(try fluosynth(["generate", Self.spec, "--samples", "4", "--shard", "0/2", "--out", folder, "--quiet"]).status == 0)
        close(fd)
        let after = try fluosynth(["generate", Self.spec, "--samples", "4", "--shard", "1/2", "--out", folder, "--quiet"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder)).contains { $0.hasSuffix(".lock") && $0 != ".fluosynth.lock" })
    }
}

/// `fluosynth merge` killed with SIGKILL at moments spread over its run (copying the other
/// folder's samples, writing the npz files, the OME-Zarr and the previews, the manifest,
/// removing the shards' files), then run again: the dataset equals a single run's, byte for byte.
@Suite("fluosynth merge under kill -9")
struct MergeKillTests {
    @Test func mergeAgainAfterKillEqualsASingleRun() throws {
        let folder = TestPaths.temporaryDirectory("merge-kill")
        let spec = folder + "/spec.yaml"
        try String(contentsOfFile: TestPaths.packageRoot + "/Examples/snr-ladder.yaml", encoding: .utf8)
            .replacingOccurrences(of: "output:\n", with: "output:\n  formats: [tiff, npz, ome-zarr, previews]\n")
            .write(toFile: spec, atomically: true, encoding: .utf8)
        let arguments = ["generate", spec, "--samples", "24", "--quiet"]
        #expect(try fluosynth(arguments + ["--out", folder + "/single"]).status == 0)
        for shard in 0..<2 {
            #expect(try fluosynth(arguments + ["--out", folder + "/shards/s\(shard)", "--shard", "\(shard)/2"]).status == 0)
        }
        func copyShards(to name: String) throws -> [String] {
            try FileManager.default.copyItem(atPath: folder + "/shards", toPath: folder + "/" + name)
            return ["merge", folder + "/\(name)/s0", folder + "/\(name)/s1"]
        }
        let start = Date()
        #expect(try fluosynth(try copyShards(to: "clean")).status == 0)
        let duration = Date().timeIntervalSince(start)
        #expect(try differences(folder + "/single", folder + "/clean/s0") == [])

        var interrupted = 0
        for point in 0..<6 {
            let merge = try copyShards(to: "killed-\(point)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: TestPaths.executable("fluosynth"))
            process.arguments = merge
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(duration * Double(point) / 6 * 1e6))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { interrupted += 1 }
            let again = try fluosynth(merge)
            #expect(again.status == 0, "killed after \(point)/6 of a merge: \(again.stderr)")
            #expect(try differences(folder + "/single", folder + "/killed-\(point)/s0") == [], "killed after \(point)/6 of a merge")
        }
        #expect(interrupted >= 3, "only \(interrupted) of 6 merges were still running when killed")
        // Once merged, a merge run again (a resubmitted job) says so and changes nothing.
        let repeated = try fluosynth(["merge", folder + "/clean/s0", folder + "/clean/s1"])
        #expect(repeated.status == 0, "\(repeated.stderr)")
        #expect(try differences(folder + "/single", folder + "/clean/s0") == [])
    }
}

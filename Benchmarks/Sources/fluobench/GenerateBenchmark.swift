import ArgumentParser
import Foundation
import Workflows

/// `fluosynth generate` end to end (phantom, imaging model, writing) against a plain
/// numpy/scipy script doing the same work and against DeepTrack, all in the same run.
struct GenerateBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Pairs/s of fluosynth generate vs numpy/scipy and DeepTrack (2-D 128×128 microtubules, 3-D 32×128×128 spheres).",
        discussion: """
        The cases are Benchmarks/specs/microtubules-2d.yaml and spheres-3d.yaml. The peers run
        from the benchmark venv (Benchmarks/python/setup-venv.sh); without it only FluoSynth is
        measured. Also prints the time per stage of one 2-D sample.
        """
    )

    @Option(help: "Samples for the 2-D case (the 3-D case uses an eighth).")
    var samples: Int = 256

    @Option(help: "Threads for the multi-threaded FluoSynth run.")
    var threads: Int = Parallel.availableCores

    @Flag(help: "Skip the Python peers.")
    var noPeers = false

    func run() throws {
        print("machine: \(Measure.machine)")
        let root = FileManager.default.currentDirectoryPath
        let scratch = NSTemporaryDirectory() + "fluobench-generate-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try stageBreakdown()

        print("\n| case | FluoSynth 1 thread | FluoSynth \(threads) threads | numpy/scipy (1 thread) | DeepTrack (1 thread) | FluoSynth per core ÷ numpy | ÷ DeepTrack |")
        print("|---|---|---|---|---|---|---|")
        for (name, count) in [("microtubules-2d", samples), ("spheres-3d", Swift.max(2, samples / 8))] {
            let spec = "\(root)/Benchmarks/specs/\(name).yaml"
            let one = try fluosynth(spec: spec, samples: count, threads: 1, out: "\(scratch)/\(name)-1")
            let many = try fluosynth(spec: spec, samples: count, threads: threads, out: "\(scratch)/\(name)-n")
            let numpy = noPeers ? nil : peer("generate_numpy.py", name, count, "\(scratch)/\(name)-numpy")
            let deeptrack = noPeers ? nil : peer("generate_deeptrack.py", name, count, "\(scratch)/\(name)-deeptrack")
            func rate(_ value: Double?) -> String { value.map { String(format: "%.1f pairs/s", $0) } ?? "n/a" }
            func ratio(_ peer: Double?) -> String { peer.map { String(format: "%.1f×", one / $0) } ?? "n/a" }
            print("| \(name) (\(count) samples) | \(rate(one)) | \(rate(many)) | \(rate(numpy)) | \(rate(deeptrack)) | \(ratio(numpy)) | \(ratio(deeptrack)) |")
        }
    }

    /// Pairs per second of a whole `generate` run (spec loading, PSF, samples, writing).
    private func fluosynth(spec: String, samples: Int, threads: Int, out: String) throws -> Double {
        let options = GenerateOptions(specPath: spec, outputDirectory: out, samples: samples, threads: threads, overwrite: true, quiet: true)
        let start = Date()
        let plan = try Generator.plan(options)
        _ = try Generator.run(plan, options: options)
        return Double(samples) / Date().timeIntervalSince(start)
    }

    /// Pairs per second reported by a peer script, or nil when the venv is missing.
    private func peer(_ script: String, _ name: String, _ samples: Int, _ out: String) -> Double? {
        let root = FileManager.default.currentDirectoryPath
        let python = root + "/.build/bench-venv/bin/python"
        guard FileManager.default.fileExists(atPath: python) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["\(root)/Benchmarks/python/\(script)", name, "\(samples)", out]
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let json = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { return nil }
        return json["pairs_per_second"] as? Double
    }

    /// Median time of each stage of one 2-D sample (after warm-up).
    private func stageBreakdown() throws {
        let root = FileManager.default.currentDirectoryPath
        let spec = try SpecLoader.load("\(root)/Benchmarks/specs/microtubules-2d.yaml", presets: .standard())
        let t = spec.template
        let stream = RandomStream(seed: 1)
        var gt = Volume(shape: [1])
        let psf = try PSFFactory.render(t.optics!, forImageShape: t.shape, spacingUm: t.pixelSizeUm, threads: 1)
        let convolution = ConvolutionStage(psf: psf)
        let camera = try t.acquisition.makeCamera(groundTruthShape: t.shape) { _ in Volume(shape: [1]) }!
        let folder = NSTemporaryDirectory() + "fluobench-stages-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var stages: [(String, Double)] = []
        stages.append(("resolve spec for a sample", Measure.median(runs: 21) { _ = try? spec.sample(stream: stream) }))
        stages.append(("phantom (20 filaments)", try Measure.median(runs: 21) {
            gt = try spec.phantomTemplate.generate(shape: t.shape, spacingUm: t.pixelSizeUm, stream: stream, threads: 1).channels[0]
        }))
        var image = gt
        stages.append(("Perlin background", try Measure.median(runs: 21) { image = try t.acquisition.background!.apply(gt, stream: stream) }))
        stages.append(("PSF convolution", try Measure.median(runs: 21) { image = try convolution.apply(image, stream: stream, threads: 1) }))
        stages.append(("camera", try Measure.median(runs: 21) { _ = try camera.record(image, stream: stream) }))
        stages.append(("write 2 TIFFs", try Measure.median(runs: 21) {
            try TIFFWriter.write(gt, to: folder + "/gt.tif")
            try TIFFWriter.write(image, to: folder + "/input.tif")
        }))
        print("stages of one 2-D 128×128 sample (median of 21, 1 thread):")
        for (name, seconds) in stages { print("  \(name): \(Measure.format(seconds))") }
    }
}

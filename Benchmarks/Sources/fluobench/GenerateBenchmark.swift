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
        measured. Also prints the time per stage of one sample of each case and its limit:
        the phantom plus the bare FFTW forward and inverse transforms on the convolution grid.
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
        try memory(scratch: scratch)
        var limits: [String: Double] = [:]
        for (name, runs) in [("microtubules-2d", 21), ("spheres-3d", 7)] { limits[name] = try stageBreakdown(name, runs: runs) }

        print("\n| case | FluoSynth 1 thread | FluoSynth \(threads) threads | numpy/scipy (1 thread) | DeepTrack (1 thread) | FluoSynth per core ÷ numpy | ÷ DeepTrack | time per pair ÷ limit |")
        print("|---|---|---|---|---|---|---|---|")
        for (name, count) in [("microtubules-2d", samples), ("spheres-3d", Swift.max(2, samples / 8))] {
            let spec = "\(root)/Benchmarks/specs/\(name).yaml"
            let one = try fluosynth(spec: spec, samples: count, threads: 1, out: "\(scratch)/\(name)-1")
            let many = try fluosynth(spec: spec, samples: count, threads: threads, out: "\(scratch)/\(name)-n")
            let numpy = noPeers ? nil : peer("generate_numpy.py", name, count, "\(scratch)/\(name)-numpy")
            let deeptrack = noPeers ? nil : peer("generate_deeptrack.py", name, count, "\(scratch)/\(name)-deeptrack")
            func rate(_ value: Double?) -> String { value.map { String(format: "%.1f pairs/s", $0) } ?? "n/a" }
            func ratio(_ peer: Double?) -> String { peer.map { String(format: "%.1f×", one / $0) } ?? "n/a" }
            let overLimit = String(format: "%.1f×", 1 / one / limits[name]!)
            print("| \(name) (\(count) samples) | \(rate(one)) | \(rate(many)) | \(rate(numpy)) | \(rate(deeptrack)) | \(ratio(numpy)) | \(ratio(deeptrack)) | \(overLimit) |")
        }
    }

    /// Peak resident memory of `fluosynth generate` runs of the 64×512×512 case, 1 thread, with
    /// 1 and 4 samples, against the plan's estimate of one sample in flight (whose multiple the
    /// generator sizes its threads by): it must not grow with the sample count.
    private func memory(scratch: String) throws {
        let root = FileManager.default.currentDirectoryPath
        let spec = "\(root)/Benchmarks/specs/spheres-3d-large.yaml"
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fluosynth").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            return print("memory: \(binary) not built (swift build -c release); skipped")
        }
        let plan = try Generator.plan(GenerateOptions(specPath: spec, outputDirectory: scratch + "/plan", quiet: true))
        print("peak memory (RSS) of fluosynth generate, 64×512×512 spheres, 1 thread; one sample in flight estimated at \(MemoryBudget.describe(plan.bytesPerSample)):")
        for samples in [1, 4] {
            let started = Date()
            let (status, bytes) = try Measure.peakResidentBytes(binary, ["generate", spec, "--samples", "\(samples)", "--threads", "1",
                                                                         "--out", "\(scratch)/large-\(samples)", "--overwrite", "--quiet"])
            guard status == 0 else { throw ValidationError("fluosynth generate \(spec) exited with \(status)") }
            print(String(format: "  %d sample(s): %@ peak, %.2f× the estimate, %.1f s", samples, MemoryBudget.describe(bytes),
                         Double(bytes) / Double(plan.bytesPerSample), Date().timeIntervalSince(started)))
            try? FileManager.default.removeItem(atPath: "\(scratch)/large-\(samples)")
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

    /// Prints the median time of each stage of one sample of `name` (1 thread, after warm-up)
    /// and returns the sample's limit: its phantom plus the bare FFTW forward and inverse
    /// transforms on its convolution grid, the work no implementation of the model can skip.
    private func stageBreakdown(_ name: String, runs: Int) throws -> Double {
        let root = FileManager.default.currentDirectoryPath
        let spec = try SpecLoader.load("\(root)/Benchmarks/specs/\(name).yaml", presets: .standard())
        let t = spec.template
        let stream = RandomStream(seed: 1)
        var gt = Volume(shape: [1])
        let psf = try PSFFactory.render(t.optics!, forImageShape: t.shape, spacingUm: t.pixelSizeUm, threads: 1)
        let convolution = ConvolutionStage(psf: psf, boundary: t.acquisition.boundary)
        let camera = try t.acquisition.makeCamera(groundTruthShape: t.shape) { _ in Volume(shape: [1]) }!
        let folder = NSTemporaryDirectory() + "fluobench-stages-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var stages: [(String, Double)] = []
        stages.append(("resolve spec for a sample", Measure.median(runs: runs) { _ = try? spec.sample(stream: stream) }))
        let phantom = try Measure.median(runs: runs) {
            gt = try spec.phantomTemplate.generate(shape: t.shape, spacingUm: t.pixelSizeUm, stream: stream, threads: 1).channels[0]
        }
        stages.append(("phantom", phantom))
        var image = gt
        for stage in t.acquisition.model(convolution: convolution, camera: camera).stages {
            let input = image
            stages.append((stage.name, try Measure.median(runs: runs) { image = try stage.apply(input, stream: stream, threads: 1) }))
        }
        stages.append(("write 2 TIFFs", try Measure.median(runs: runs) {
            try TIFFWriter.write(gt, to: folder + "/gt.tif")
            try TIFFWriter.write(image, to: folder + "/input.tif")
        }))
        let grid = try convolution.convolver(for: t.shape, threads: 1).transformShape
        let fft = RealFFT.plan(shape: grid, threads: 1, rigor: .estimate)
        let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
        let transforms = Measure.median(runs: runs) {
            fft.forward(real.pointer, spectrum.pointer)
            fft.inverse(spectrum.pointer, real.pointer)
        }
        let shape = t.shape.map(String.init).joined(separator: "×")
        print("stages of one \(shape) sample of \(name) (median of \(runs), 1 thread):")
        for (name, seconds) in stages { print("  \(name): \(Measure.format(seconds))") }
        print("  bare FFTW forward + inverse on the \(grid.map(String.init).joined(separator: "×")) convolution grid: \(Measure.format(transforms))")
        print("  limit (phantom + bare transforms): \(Measure.format(phantom + transforms))")
        return phantom + transforms
    }
}

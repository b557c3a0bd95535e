import ArgumentParser
import Foundation
import Workflows

/// Training steps/s and prediction time against TensorFlow (CPU), measured in the same run, with
/// OpenBLAS's own sgemm peak for scale. CARE's U-Net against CSBDeep: 2-D (batch 16 of 128×128,
/// a 1024×1024 image) or 3-D (batch 4 of 16×64×64, the same voxels per batch; a 32×256×256
/// stack). RCAN against the same network in Keras: 2-D (batch 4 of 128×128, a 512×512 image) or
/// 3-D (batch 1 of 16×64×64 as 3D-RCAN trains; a 32×128×128 stack). DFCAN ×2 against the same
/// network in Keras: batch 4 of 64×64 inputs (DL-SR's patch), a 256×256 image; MSE on both sides.
extension Architecture.Kind: ExpressibleByArgument {}

struct TrainingBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "training",
        abstract: "Training steps/s and prediction vs TensorFlow: CARE's U-Net (depth 2, 32 filters), RCAN (3D-RCAN's defaults, 2-D or 3-D) or DFCAN (DL-SR's, ×2).",
        discussion: """
        The TensorFlow side runs Benchmarks/python/care_benchmark.py (CSBDeep) or
        keras_benchmark.py (RCAN, DFCAN in Keras, Tests/Python/keras_networks.py) in the virtual
        environment that Benchmarks/python/setup-venv.sh makes (tensorflow-cpu and
        csbdeep from PyPI); --no-peer skips it.
        """
    )

    @Option(help: "Timed training steps (after 2 untimed).")
    var steps: Int = 10

    @Option(help: "Timed prediction runs (the median is reported).")
    var runs: Int = 3

    @Option(help: "Threads.")
    var threads: Int = Parallel.availableCores

    @Option(help: "Network: care, rcan or dfcan.")
    var arch: Architecture.Kind = .care

    @Option(help: "CARE's kernel size: 3 (Winograd in 2-D) or 5 (CSBDeep's 2-D default).")
    var kernel: Int = 3

    @Option(help: "2 or 3: the image dimensions (batches and images as above).")
    var dims: Int = 2

    @Option(help: "Block budget in floats per worker (unfolded or Winograd-transformed data; default: Compute's).")
    var columnBudget: Int?

    @Flag(help: "Skip the CSBDeep/TensorFlow measurement.")
    var noPeer = false

    func run() throws {
        print("machine: \(Measure.machine); threads \(threads); load average at start \(loadAverage)")
        print("OpenBLAS: core \(OpenBLASRuntime.coreName) (\(OpenBLASRuntime.configuration)); OPENBLAS_CORETYPE=\(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "unset"); "
              + "OMP_WAIT_POLICY=\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "unset")")
        let peak = sgemmPeak()
        guard dims == 2 || dims == 3 else { throw ValidationError("--dims must be 2 or 3") }
        guard arch != .dfcan || dims == 2 else { throw ValidationError("DFCAN is 2-D") }
        let architecture: Architecture, batch: Int, patch: [Int], imageShape: [Int]
        switch arch {
        case .care:
            architecture = .care(UNetConfiguration(dimensions: dims, depth: 2, firstFilters: 32, kernelSize: kernel))
            (batch, patch, imageShape) = dims == 2 ? (16, [128, 128], [1024, 1024]) : (4, [16, 64, 64], [32, 256, 256])
        case .rcan:
            architecture = .rcan(RCANConfiguration(dimensions: dims))
            (batch, patch, imageShape) = dims == 2 ? (4, [128, 128], [512, 512]) : (1, [16, 64, 64], [32, 128, 128])
        case .dfcan:
            architecture = .dfcan(DFCANConfiguration())
            (batch, patch, imageShape) = (4, [64, 64], [256, 256])
        }
        let net = architecture.makeNetwork(random: RandomStream(seed: 1))
        let voxels = batch * patch.reduce(1, *), imageVoxels = imageShape.reduce(1, *)
        var random = RandomStream(seed: 2)
        let x = Tensor(shape: [batch, 1] + patch, values: (0..<voxels).map { _ in Float(random.uniform()) })
        let scale = architecture.scale
        let y = scale == 1 ? Tensor(shape: x.shape, values: x.values.map { $0 + Float(0.1 * random.normal()) })
                           : Tensor(shape: [batch, 1] + patch.map { $0 * scale }, values: (0..<(voxels * scale * scale)).map { _ in Float(random.uniform()) })
        let compute = Compute(threads: threads, training: true)
        if let columnBudget { compute.columnBudget = columnBudget }
        let loss = Loss(arch == .dfcan ? .mse : .mae)
        var adam = Adam(learningRate: arch == .care ? 4e-4 : 1e-4)
        let step = {
            let (mean, _) = net.forward(x, compute)
            let result = loss.evaluate(mean: mean, scale: nil, target: y, compute)
            net.backward(mean: result.mean, scale: nil, compute)
            adam.step(net.parameters)
        }
        for _ in 0..<2 { step() }
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<steps { step() } }
        let stepSeconds = (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18) / Double(steps)
        // Forward 2·MACs per pixel; backward twice that (input and weight gradients). "Equivalent":
        // the multiply-adds of direct convolutions (comparable with TensorFlow); "executed": those
        // of the products run here (Winograd layers need 4/9 of them).
        let trainingFlops = 3 * 2 * net.multiplyAddsPerPixel * Double(voxels)
        let trainingExecuted = 3 * 2 * net.executedMultiplyAddsPerPixel * Double(voxels)

        let model = RestorationModel(architecture: architecture, normalization: PercentileNormalization(), loss: .mae, patch: patch,
                              trainingData: .init(description: "benchmark", hash: "0", normalizedOnLoading: true, pairs: 0),
                              seed: 1, createdBy: "fluobench")
        let image = Volume(shape: imageShape, data: (0..<imageVoxels).map { _ in Float(random.uniform()) })
        let predictor = Predictor(model: model, threads: threads)
        let predictSeconds = try Measure.median(runs: runs) { _ = try predictor.predict([image]) }
        let predictFlops = 2 * net.multiplyAddsPerPixel * Double(imageVoxels)
        let predictExecuted = 2 * net.executedMultiplyAddsPerPixel * Double(imageVoxels)

        var peer: [String: Any] = [:]
        if !noPeer {
            peer = try Measure.pythonPeer(arch == .care ? ["care_benchmark.py", String(steps), String(runs), String(kernel), String(dims)]
                                                        : ["keras_benchmark.py", arch.rawValue, String(steps), String(runs), String(dims)])
        }
        let peerSteps = peer["steps_per_second"] as? Double, peerPredict = peer["predict_seconds"] as? Double
        if let version = peer["tensorflow"] as? String {
            print("peer: \(arch == .care ? "CSBDeep" : "\(arch.displayName) in Keras") on TensorFlow \(version) (CPU), \(peer["parameters"] ?? "?") parameters; FluoSynth \(net.parameterCount)")
        }
        print("load average at end \(loadAverage)")
        print("")
        func rates(_ flops: Double, _ executed: Double, _ seconds: Double) -> String {
            String(format: "%.0f | %.0f | %.0f %%", flops / seconds / 1e9, executed / seconds / 1e9, 100 * executed / seconds / 1e9 / peak)
        }
        print("| measurement | FluoSynth (OpenBLAS) | \(arch == .care ? "CSBDeep + TensorFlow" : "Keras + TensorFlow") | ratio (≥ 1: FluoSynth faster) | GFLOP/s, direct-equivalent | GFLOP/s executed | executed share of sgemm peak |")
        print("|---|---|---|---|---|---|---|")
        let patchText = patch.map(String.init).joined(separator: "×"), imageText = imageShape.map(String.init).joined(separator: "×")
        print("| \(arch.displayName) training, steps/s (\(dims)-D\(arch == .care ? ", kernel \(kernel)" : ""), batch \(batch), \(patchText)) | \(String(format: "%.3f", 1 / stepSeconds)) | \(peerSteps.map { String(format: "%.3f", $0) } ?? "–") | \(peerSteps.map { String(format: "%.2f", 1 / stepSeconds / $0) } ?? "–") | \(rates(trainingFlops, trainingExecuted, stepSeconds)) |")
        print("| prediction, \(imageText) image | \(Measure.format(predictSeconds)) | \(peerPredict.map(Measure.format) ?? "–") | \(peerPredict.map { String(format: "%.2f", $0 / predictSeconds) } ?? "–") | \(rates(predictFlops, predictExecuted, predictSeconds)) |")
        print("| OpenBLAS sgemm 2048³, \(threads) threads | \(String(format: "%.0f GFLOP/s", peak)) | | | | | 100 % |")
    }

    /// The 1, 5 and 15 minute load averages (other work on the machine slows both sides).
    private var loadAverage: String {
        let fields = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ") ?? []
        return fields.count >= 3 ? fields[0..<3].joined(separator: " ") : "unknown"
    }

    /// Median GFLOP/s of a 2048³ sgemm on all threads.
    private func sgemmPeak() -> Double {
        let n = 2048
        var random = RandomStream(seed: 3)
        let a = (0..<(n * n)).map { _ in Float(random.uniform()) }
        var c = [Float](repeating: 0, count: n * n)
        OpenBLASRuntime.setThreads(threads)
        defer { OpenBLASRuntime.setThreads(1) }
        let seconds = Measure.median(runs: 5) {
            OpenBLASRuntime.sgemm(m: n, n: n, k: n, a: a, b: a, c: &c)
        }
        return 2 * Double(n * n * n) / seconds / 1e9
    }
}

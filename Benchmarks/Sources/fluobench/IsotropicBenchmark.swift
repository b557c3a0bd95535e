import ArgumentParser
import Foundation
import Workflows

/// Isotropic restoration of a 64×256×256 stack with σ = 4: the time of each step, training
/// steps/s against CSBDeep's isotropic CARE on TensorFlow (same patches, same network, same
/// run), and the restoration's scores against the isotropic truth next to linear interpolation's.
struct IsotropicBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isotropic",
        abstract: "Time to prepare, train and predict a 64×256×256 stack with σ = 4; NRMSE/SSIM/Φ vs linear interpolation.",
        discussion: """
        The stack is made here: spheres (Phantoms/spheres-rcan.yaml) on a 0.1 µm isotropic grid of
        253×256×256, blurred with an isotropic Gaussian PSF (FWHM 0.25 µm), every 4th plane kept
        (64 planes at 0.4 µm). The restoration is scored against the isotropic stack with the CARE
        protocol (fluosynth evaluate's), beside linear interpolation of the 64 planes. The peer,
        CSBDeep's IsotropicCARE on TensorFlow (Benchmarks/python/isotropic_benchmark.py in the
        venv of Benchmarks/python/setup-venv.sh), trains the same network on the npz that
        isotropic prepare wrote; --no-peer skips it.
        """
    )

    @Option(help: "Training steps.")
    var steps: Int = 400

    @Option(help: "Training batch size.")
    var batch: Int = 16

    @Option(help: "Training patch size.")
    var patch: Int = 64

    @Option(help: "Threads.")
    var threads: Int = Parallel.availableCores

    @Option(help: "Timed training steps of the TensorFlow peer.")
    var peerSteps: Int = 40

    @Flag(help: "Skip CSBDeep's isotropic CARE on TensorFlow.")
    var noPeer = false

    func run() throws {
        print("machine: \(Measure.machine)")
        let folder = NSTemporaryDirectory() + "fluobench-isotropic-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let spacing = 0.1, factor = 4.0
        let shape = [253, 256, 256]
        let presets = PresetLibrary.standard()
        let phantom = try PhantomFile("spheres-rcan", presets: presets, rank: 3).parameters(stream: RandomStream(seed: 1))
        let object = try phantom.generate(shape: shape, spacingUm: [spacing, spacing, spacing], stream: RandomStream(seed: 2), threads: threads).channels[0]
        let optics = GaussianPSF(fwhmUm: [0.25, 0.25, 0.25])
        let psf = try optics.render(on: PSFGrid(shape: [15, 15, 15], spacingUm: [spacing, spacing, spacing]))
        let truth = try FFTConvolver(kernel: psf, imageShape: shape, threads: threads).apply(object)
        let sampling = AxisResampling(axis: .z, factor: factor, mode: .point)
        let stack = try sampling.apply(truth)
        try TIFFWriter.write(stack, to: folder + "/stack.tif")
        print("stack \(stack.shape.map(String.init).joined(separator: "×")) at \(stack.spacingUm) µm, σ = \(factor)")

        let clock = ContinuousClock()
        func seconds(_ duration: Duration) -> Double { Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18 }
        var prepare = IsotropicPrepareRequest(stack: folder + "/stack.tif", output: folder + "/data", psf: .gaussian(optics))
        prepare.threads = threads
        let prepareTime = try clock.measure { try IsotropicPrepare.run(prepare) { _ in } }
        var train = TrainRequest(data: folder + "/data", modelDirectory: folder + "/model")
        train.steps = steps
        train.stepsPerEpoch = Swift.min(100, steps)
        train.batchSize = batch
        train.patch = [patch]
        train.kernel = 3
        train.threads = threads
        let trainTime = try clock.measure { try TrainRun.run(train) { _ in } }
        var predict = IsotropicPredictRequest(modelDirectory: folder + "/model", stack: folder + "/stack.tif", output: folder + "/restored.tif")
        predict.threads = threads
        var restored = Volume(shape: [1])
        let predictTime = try clock.measure { restored = try IsotropicPredict.run(predict) { _ in }[0] }

        print("| step | time |")
        print("|---|---|")
        print("| prepare (64 planes × 2 orientations) | \(Measure.format(seconds(prepareTime))) |")
        print("| train (\(steps) steps, batch \(batch), \(patch)² patches, depth 2, 32 filters, kernel 3) | \(Measure.format(seconds(trainTime))) |")
        print("| predict (256 XZ + 256 YZ slices of 253×256, geometric mean) | \(Measure.format(seconds(predictTime))) |")

        let ours = try Measure.trainingStepsPerSecond(model: folder + "/model")
        let peer = noPeer ? nil : try Measure.pythonPeer(["isotropic_benchmark.py", folder + "/data/train/low.npz", String(peerSteps),
                                                         String(batch), String(patch)])
        let peerRate = peer?["steps_per_second"] as? Double
        print("\n| training steps/s (training only) | FluoSynth | CSBDeep IsotropicCARE + TensorFlow \(peer?["tensorflow"] as? String ?? "") | ratio (≥ 1: FluoSynth faster) |")
        print("|---|---|---|---|")
        print(String(format: "| batch %d of %d² patches | %.3f | %@ | %@ |", batch, patch, ours,
                     peerRate.map { String(format: "%.3f", $0) } ?? "–", peerRate.map { String(format: "%.2f", ours / $0) } ?? "–"))

        let linear = try sampling.upsample(stack, count: shape[0])
        let evaluation = CAREEvaluation()
        print("\n| against the isotropic truth | NRMSE | SSIM | PSNR (dB) | Φ |")
        print("|---|---|---|---|---|")
        print(String(format: "| truth | – | – | – | %.3f |", SpectralIsotropy.ratio(truth)))
        print(String(format: "| input (64 planes at 0.4 µm) | – | – | – | %.3f |", SpectralIsotropy.ratio(stack)))
        for (name, volume) in [("linear interpolation", linear), ("restoration", restored)] {
            let s = try evaluation.evaluate(prediction: volume, groundTruth: truth).scores
            print(String(format: "| %@ | %.4f | %.4f | %.2f | %.3f |", name, s.nrmse, s.ssim, s.psnr, SpectralIsotropy.ratio(volume)))
        }
    }
}

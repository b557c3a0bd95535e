import ArgumentParser
import Workflows

struct AdaptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapt",
        abstract: "Fine-tune a network on your own images through the imaging model (no ground truth needed).",
        discussion: reflowed("""
        Each step takes patches of the real images, makes two noisy copies whose noises
        are independent (recorruption with the image's calibrated noise), feeds one to
        the network and asks that its output, blurred by the spec's PSF and sampled like
        the camera, explain the other once the calibrated diffuse light is taken off;
        a Hessian penalty keeps the output smooth, and pairs from --synthetic keep what
        pre-training taught. The weights kept are those with the lowest self-supervised
        loss on a held-out strip of the images, never a score against a reference.
        --from-scratch starts from random weights (ZS-DeconvNet's setting).

        Example:
          fluosynth adapt calibrated-loop/model widefield-high.tif \\
              --spec calibrated.yaml --synthetic calibrated-loop/data --out adapted
          fluosynth predict adapted widefield-high.tif -o restored.tif
        """)
    )

    @Argument(help: "The model folder to adapt (fluosynth train or loop).")
    var model: String

    @Argument(help: "Real images (TIFF, 2-D, on the spec's ground-truth grid).")
    var images: [String]

    @Option(help: "The spec the model was trained from (PSF, camera sampling, offset).")
    var spec: String

    @Option(name: .customLong("out"), help: "The adapted model folder.")
    var output: String

    @Option(help: "A dataset (fluosynth generate output) replayed against forgetting.")
    var synthetic: String?

    @Option(name: .customLong("synthetic-weight"), help: "Weight of the synthetic pairs' loss.")
    var syntheticWeight: Double = 1

    @Option(help: "Adaptation steps.")
    var steps: Int = 600

    @Option(help: "Patches per step.")
    var batch: Int = 8

    @Option(name: .customLong("learning-rate"), help: "Adam's learning rate.")
    var learningRate: Double = 5e-5

    @Option(name: .customLong("hessian"), help: "Weight of the Hessian penalty.")
    var hessianWeight: Double = 0.02

    @Flag(name: .customLong("from-scratch"), help: "Start from random weights instead of the model's.")
    var fromScratch = false

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one real image") }
        guard steps >= 1, batch >= 1 else { throw ValidationError("--steps and --batch must be at least 1") }
        guard learningRate > 0, syntheticWeight >= 0, hessianWeight >= 0 else {
            throw ValidationError("--learning-rate must be positive, --synthetic-weight and --hessian not negative")
        }
    }

    func run() throws {
        var request = AdaptRequest(modelDirectory: model, realImages: images, specPath: spec, outputDirectory: output)
        request.syntheticDataset = synthetic
        request.fromScratch = fromScratch
        request.options.steps = steps
        request.options.batch = batch
        request.options.learningRate = learningRate
        request.options.syntheticWeight = syntheticWeight
        request.options.hessianWeight = hessianWeight
        request.options.seed = seed
        request.options.threads = threads
        _ = try AdaptRun.run(request) { print($0) }
    }
}

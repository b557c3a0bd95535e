import ArgumentParser
import Foundation
import Workflows

extension LossKind: ExpressibleByArgument {}
extension Architecture.Kind: ExpressibleByArgument {}

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a restoration network (CARE's U-Net, RCAN or DFCAN) on pairs.",
        discussion: reflowed("""
        DATA is a CSBDeep .npz file (X, Y, axes SCYX/SCZYX), a pair folder
        (GT/<name>.tif with <source>/<name>.tif, or <source>.npz), or a dataset root
        with train/ and val/ pair folders (the layout fluosynth generate writes):
        train/ trains, val/ validates. --arch care (the default) is CARE's residual
        U-Net with CSBDeep's defaults: depth 2, 32 first filters, kernel 5 (2-D) or 3
        (3-D), Adam 4e-4, TIFF images normalised to their 1st/99.8th percentiles.
        --arch rcan is 3D-RCAN's network with its defaults: 5 residual groups of 3
        channel-attention blocks, 32 channels, reduction 8, kernel 3, Adam 1e-4,
        percentiles 2/99.9, MAE. --arch dfcan is DL-SR's 2-D DFCAN: 4 groups of 4
        Fourier channel-attention blocks, 64 channels, reduction 16, Adam 1e-4,
        min–max normalisation, MSE + 0.1·(1 − SSIM); on super-resolution pairs
        (targets on a 2× or 3× finer grid) it upsamples by that factor. All: batch
        16, 100 epochs of 400 steps, learning rate halved after 10 epochs without
        improvement; .npz patches are used as stored. The model folder gets config.json, weights_best.bin,
        weights_last.bin, checkpoint.bin, training.csv and training.svg, rewritten
        atomically after every epoch.
        DATA may also be a dataset spec (.yaml): pairs are then made while training
        runs, each exactly as fluosynth generate would write that sample (same seed
        and index), by --generator-threads background threads, with no dataset on
        disk. The spec's train split streams through a pool of --pool pairs, each
        giving --reuse patches on average before the next sample replaces it; its
        val split (at most 32 samples, rendered once) validates. A batch depends only
        on the seed and the step, so a run resumes and repeats exactly.
        Examples:
          fluosynth train pairs/ --out model --epochs 20
          fluosynth train pairs/train/low.npz --out model --steps 2000 \\
              --patch 64 --loss laplace
          fluosynth train pairs/ --out model --resume
          fluosynth train spheres/ --out rcan --arch rcan --patch 16,64,64
          fluosynth train sisr/ --source mixed --out dfcan --arch dfcan --patch 32
          fluosynth train Examples/microtubules-widefield-2d.yaml \\
              --out model --epochs 20
        """)
    )

    @Argument(help: "Training data: .npz file, pair folder, dataset root, or a dataset spec (.yaml) to train from without a dataset on disk.")
    var data: String

    @Option(name: .customLong("out"), help: "Model folder to write.")
    var modelDirectory: String

    @Option(help: "Source folder or .npz name in a pair folder that has several (e.g. low); with a spec, its condition.")
    var source: String?

    @Option(help: "With a spec: pairs in the pool at once.")
    var pool: Int = 64

    @Option(help: "With a spec: patches drawn from each pair on average before it leaves the pool.")
    var reuse: Int = 4

    @Option(help: "With a spec: threads rendering pairs while training runs.")
    var generatorThreads: Int = 1

    @Flag(help: "Continue the stopped training in --out.")
    var resume = false

    @OptionGroup(title: "Training") var training: TrainingOptions

    func run() throws {
        var request = TrainRequest(data: data, modelDirectory: modelDirectory)
        request.source = source
        request.resume = resume
        request.pool = pool
        request.reuse = reuse
        request.generatorThreads = generatorThreads
        try training.apply(to: &request)
        try TrainRun.run(request) { print($0) }
    }
}

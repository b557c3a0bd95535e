import ArgumentParser
import Foundation
import Workflows

/// The trainer's hyper-parameters, shared by `train` and the `isotropic` commands.
struct TrainingOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Total training steps (instead of --epochs).")
    var steps: Int?

    @Option(help: "Epochs.")
    var epochs: Int = 100

    @Option(name: .customLong("steps-per-epoch"), help: "Steps per epoch (validation, checkpoint and schedule after each).")
    var stepsPerEpoch: Int = 400

    @Option(help: "Batch size.")
    var batch: Int = 16

    @Option(help: "Patch size: one value for every axis or z,y,x / y,x (default 128 in 2-D, 16,64,64 in 3-D).")
    var patch: String?

    @Option(help: "Network: care (CARE's residual U-Net), rcan (3D-RCAN's residual channel-attention network) or dfcan (DL-SR's Fourier channel-attention network, 2-D, upsamples super-resolution pairs).")
    var arch: Architecture.Kind = .care

    @Option(help: "U-Net depth (poolings).")
    var depth: Int = 2

    @Option(help: "U-Net: filters of the first level (doubling per level); RCAN, DFCAN: channels (default 32, 32, 64).")
    var filters: Int?

    @Option(help: "Kernel size (default 5 for 2-D U-Nets, else 3).")
    var kernel: Int?

    @Option(help: "RCAN, DFCAN: residual groups (default 5, 4).")
    var groups: Int?

    @Option(help: "RCAN, DFCAN: attention blocks per residual group (default 3, 4).")
    var blocks: Int?

    @Option(help: "RCAN, DFCAN: channel reduction of the attention's squeeze (default 8, 16).")
    var reduction: Int?

    @Option(help: "Loss: mae, mse, laplace (probabilistic: also predicts a scale per pixel) or mse-ssim (MSE + 0.1·(1 − SSIM)); default mae, for dfcan mse-ssim.")
    var loss: LossKind?

    @Option(help: "Adam learning rate (default 4e-4 for care, 1e-4 for rcan and dfcan).")
    var lr: Double?

    @Option(help: "Random seed (initial weights, patches, augmentation).")
    var seed: UInt64 = 0

    @Flag(name: .customLong("no-augment"), help: "Turn off flip/rot90 augmentation.")
    var noAugment = false

    @Option(name: .customLong("foreground-threshold"), help: "CSBDeep's patch filter threshold (0: off).")
    var foregroundThreshold: Double = 0.4

    @Option(name: .customLong("early-stopping"), help: "Stop after this many epochs without validation improvement.")
    var earlyStopping: Int?

    @Flag(name: .customLong("batch-norm"), help: "Batch normalisation after every convolution.")
    var batchNorm = false

    @Option(help: "Dropout rate after every convolution block.")
    var dropout: Double = 0

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    /// Copies the options into `request`, checking their ranges.
    func apply(to request: inout TrainRequest) throws {
        guard batch > 0, epochs > 0, stepsPerEpoch > 0, (steps ?? 1) > 0, threads > 0 else {
            throw ValidationError("--batch, --epochs, --steps-per-epoch, --steps and --threads must be positive")
        }
        request.steps = steps
        request.epochs = epochs
        request.stepsPerEpoch = stepsPerEpoch
        request.batchSize = batch
        if let patch {
            let sizes = patch.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("--patch: expected positive sizes such as 128 or 16,64,64, got '\(patch)'") }
            request.patch = sizes.map { $0! }
        }
        request.architecture = arch
        request.depth = depth
        request.filters = filters
        request.kernel = kernel
        request.groups = groups
        request.blocks = blocks
        request.reduction = reduction
        request.loss = loss
        request.learningRate = lr
        request.seed = seed
        request.augment = !noAugment
        request.foregroundThreshold = foregroundThreshold
        request.earlyStoppingPatience = earlyStopping
        request.batchNorm = batchNorm
        request.dropout = dropout
        request.threads = threads
    }
}

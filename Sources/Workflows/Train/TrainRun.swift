import FluoCore
import Foundation
import Training

/// What `fluosynth train` was asked to do.
public struct TrainRequest: Sendable {
    public var data: String
    public var modelDirectory: String
    /// Source folder (or `.npz` name) in a pair folder with several.
    public var source: String?
    public var steps: Int?
    public var epochs: Int = 100
    public var stepsPerEpoch: Int = 400
    public var batchSize: Int = 16
    /// Patch size per image axis; default 128² in 2-D, 16×64×64 in 3-D (CSBDeep's examples).
    public var patch: [Int]?
    /// The network: CARE's U-Net, RCAN or DFCAN.
    public var architecture: Architecture.Kind = .care
    /// U-Net: poolings.
    public var depth: Int = 2
    /// U-Net: filters of the first level; RCAN, DFCAN: channels (default 32, 32, 64).
    public var filters: Int?
    /// Default 5 for 2-D U-Nets, else 3.
    public var kernel: Int?
    /// RCAN, DFCAN: residual groups (5, 4), attention blocks per group (3, 4), channel reduction (8, 16).
    public var groups: Int?
    public var blocks: Int?
    public var reduction: Int?
    /// Default: the architecture's (`Architecture.Kind.defaultLoss`).
    public var loss: LossKind?
    /// Default: the architecture's (`Architecture.Kind.defaultLearningRate`).
    public var learningRate: Double?
    public var seed: UInt64 = 0
    public var resume = false
    public var augment = true
    public var foregroundThreshold: Double = 0.4
    public var earlyStoppingPatience: Int?
    public var batchNorm = false
    public var dropout: Double = 0
    public var threads: Int = Parallel.availableCores
    /// Training from a spec (DATA ending in .yaml): the pairs in the pool at once, the patches
    /// drawn from each pair on average, and the threads that render them.
    public var pool: Int = 64
    /// Overrides the spec's `samples` (as `generate --samples` does), so the splits match a
    /// dataset generated with that override.
    public var samples: Int?
    public var reuse: Int = 4
    public var generatorThreads: Int = 1

    public init(data: String, modelDirectory: String) {
        self.data = data
        self.modelDirectory = modelDirectory
    }
}

/// `fluosynth train`: reads the data, builds or resumes the model, trains with a progress
/// display and writes the model folder, the curve (CSV) and its plot (SVG) at every epoch.
public enum TrainRun {
    public static func run(_ request: TrainRequest, log: (String) -> Void) throws {
        log("OpenBLAS core: \(OpenBLASRuntime.coreName)\(OpenBLASRuntime.coreAdvice.map { " (\($0))" } ?? ""); OpenMP (oneDNN) threads wait: "
            + "\(ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "libgomp's default"); threads: \(request.threads)")
        let store = ModelStore(directory: request.modelDirectory)
        let normalization = request.resume ? try store.loadConfiguration().normalization : request.architecture.defaultNormalization
        let data = try TrainingSource.open(request, normalization: normalization)
        log("training data: \(data.description)")
        for note in data.notes { log(note) }
        defer { data.close() }
        let model: RestorationModel
        var resume: (optimizer: Adam, state: TrainingState)?
        if request.resume {
            let checkpoint = try store.loadCheckpoint()
            model = checkpoint.model
            guard model.configuration.trainingData.hash == data.hash else {
                throw TrainingError.mismatch(request.modelDirectory, "was trained on other data (hash \(model.configuration.trainingData.hash), \(request.data) has \(data.hash)); resume needs the same data")
            }
            resume = (checkpoint.optimizer, checkpoint.state)
            log("resuming at step \(checkpoint.state.step) of \(checkpoint.state.options.totalSteps)")
        } else {
            let architecture = try TrainRun.architecture(request, dimensions: data.validation.dimensions,
                                                         inChannels: data.validation.inChannels, outChannels: data.validation.outChannels,
                                                         scale: data.validation.scale)
            let patch = try resolvedPatch(request.patch, shapes: data.shapes, blockSize: architecture.blockSize)
            model = RestorationModel(architecture: architecture, normalization: normalization, loss: request.loss ?? request.architecture.defaultLoss, patch: patch,
                                     trainingData: .init(description: data.description, hash: data.hash,
                                                         normalizedOnLoading: data.wholeImages, pairs: data.pairs),
                                     seed: request.seed, createdBy: "\(ToolInfo.name) \(ToolInfo.version)")
            if FileManager.default.fileExists(atPath: store.configPath) {
                throw TrainingError.options("\(request.modelDirectory) already holds a model: use --resume to continue it or choose another --out")
            }
            try store.saveConfiguration(model.configuration)
        }
        let c = model.configuration
        log("model: \(c.architecture.summary), \(model.network.parameterCount) parameters, loss \(c.loss.rawValue), patch \(c.patch.map(String.init).joined(separator: "×"))")
        let steps = request.steps ?? request.epochs * request.stepsPerEpoch
        let options = TrainingOptions(totalSteps: steps, stepsPerEpoch: Swift.min(request.stepsPerEpoch, steps), batchSize: request.batchSize,
                                      learningRate: request.learningRate ?? c.architecture.kind.defaultLearningRate, seed: request.seed, augment: request.augment,
                                      foregroundThreshold: request.foregroundThreshold, earlyStoppingPatience: request.earlyStoppingPatience)
        let trainer = try Trainer(model: model, batches: data.batches(c.patch, options), validation: data.validation, options: options,
                                  store: store, threads: request.threads, resume: resume)
        let display = ProgressDisplay(total: steps, label: "train", unit: "steps", alreadyDone: resume?.state.step ?? 0)
        var history = resume?.state.history ?? []
        let state = try trainer.run(progress: { progress in
            let validation = progress.lastValidationLoss.map { String(format: "val %.4g", $0) } ?? "val –"
            display.advance(note: String(format: "epoch %d  loss %.4g  %@", progress.epoch, progress.epochLoss, validation))
        }, epochDone: { record in
            history.append(record)
            try TrainCurve.write(history, csv: store.curvePath, svg: store.plotPath)
        })
        display.finish()
        // After training: pairs streamed from a spec are counted as they are rendered.
        if trainer.imagesWithoutForeground > 0 {
            log("note: \(trainer.imagesWithoutForeground) image(s) have no foreground by the filter (threshold \(request.foregroundThreshold)); their patches were drawn anywhere")
        }
        let thisRun = state.history.dropFirst(resume?.state.history.count ?? 0)
        if let last = thisRun.last {
            // The same rate as the progress lines (wall time, validation included), then this
            // run's rate over its training steps alone (from training.csv's steps_per_s).
            log(String(format: "done: %d steps, loss %.4g, validation loss %.4g (best %.4g), %.2f steps/s overall (%.2f steps/s training, without validation)%@",
                       state.step, last.loss, last.validationLoss, state.bestValidationLoss, display.rate,
                       thisRun.trainingStepsPerSecond(stepBefore: resume?.state.step ?? 0),
                       state.stopped ? " (stopped early)" : ""))
        }
        log("wrote \(request.modelDirectory): config.json, weights_best.bin, weights_last.bin, checkpoint.bin, training.csv, training.svg")
    }

    /// The network `request` asks for, for data of `dimensions` with these channels whose
    /// targets are `scale` times finer than the inputs.
    static func architecture(_ request: TrainRequest, dimensions: Int, inChannels: Int, outChannels: Int, scale: Int) throws -> Architecture {
        let architecture: Architecture
        let name = request.architecture.displayName
        if request.architecture != .care {
            if let loss = request.loss, loss.isProbabilistic { throw TrainingError.options("--loss \(loss.rawValue) needs a scale output, which only --arch care has") }
            guard !request.batchNorm, request.dropout == 0 else { throw TrainingError.options("--batch-norm and --dropout are U-Net options; \(name) has neither") }
        }
        if request.architecture != .dfcan && scale != 1 {
            throw TrainingError.options("the targets are on a \(scale)× finer grid than the inputs (super-resolution pairs); --arch \(request.architecture.rawValue) restores at the input's size, --arch dfcan upsamples")
        }
        switch request.architecture {
        case .care:
            architecture = .care(UNetConfiguration(dimensions: dimensions, inChannels: inChannels, outChannels: outChannels,
                                                   depth: request.depth, firstFilters: request.filters ?? 32, kernelSize: request.kernel,
                                                   probabilistic: request.loss?.isProbabilistic ?? false, batchNorm: request.batchNorm,
                                                   dropout: request.dropout))
        case .rcan:
            architecture = .rcan(RCANConfiguration(dimensions: dimensions, inChannels: inChannels, outChannels: outChannels,
                                                   channels: request.filters ?? 32, residualGroups: request.groups ?? 5, residualBlocks: request.blocks ?? 3,
                                                   channelReduction: request.reduction ?? 8, kernelSize: request.kernel ?? 3))
        case .dfcan:
            architecture = .dfcan(DFCANConfiguration(dimensions: dimensions, inChannels: inChannels, outChannels: outChannels,
                                                     channels: request.filters ?? 64, residualGroups: request.groups ?? 4, residualBlocks: request.blocks ?? 4,
                                                     channelReduction: request.reduction ?? 16, kernelSize: request.kernel ?? 3, scale: scale))
        }
        guard architecture.problems.isEmpty else { throw TrainingError.options(architecture.problems.joined(separator: "; ")) }
        return architecture
    }

    /// The patch size: as asked (one value for every axis, or one per axis), else CSBDeep's
    /// example sizes, clipped to the smallest of the images' `shapes` and rounded down to a
    /// multiple of 2^depth.
    static func resolvedPatch(_ asked: [Int]?, shapes: [[Int]], blockSize: Int) throws -> [Int] {
        let dimensions = shapes[0].count
        var patch = asked ?? (dimensions == 2 ? [128, 128] : [16, 64, 64])
        if patch.count == 1 { patch = Array(repeating: patch[0], count: dimensions) }
        guard patch.count == dimensions else { throw TrainingError.options("--patch needs 1 or \(dimensions) sizes for \(dimensions)-D data, got \(patch.count)") }
        let smallest = (0..<dimensions).map { axis in shapes.map { $0[axis] }.min()! }
        patch = zip(patch, smallest).map { Swift.min($0, $1) / blockSize * blockSize }
        guard patch.allSatisfy({ $0 > 0 }) else {
            throw TrainingError.options("images of \(smallest) are smaller than one block of \(blockSize) (2^depth): use a smaller --depth")
        }
        return patch
    }
}

extension OpenBLASRuntime {
    /// A hint when OpenBLAS runs weaker kernels than this CPU supports because of the environment.
    static var coreAdvice: String? {
        guard let set = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"],
              let cpuinfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let preferred = preferredCore(cpuFlags: Set(line.split(separator: " ").map(String.init))),
              isWeaker(set, than: preferred) else { return nil }
        return "OPENBLAS_CORETYPE=\(set) is set in the environment; this CPU runs \(preferred) kernels, which are faster"
    }
}

import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Metrics
import Training

/// What `fluosynth loop` was asked to do.
public struct LoopRequest: Sendable {
    public var spec: String
    /// Work folder (default `out/<spec name>-loop`): `data/`, `model/`, `predictions/`,
    /// `baselines/richardson-lucy/`, `metrics.csv`, `metrics.json`, `report.html`.
    public var output: String?
    public var samples: Int?
    public var steps: Int?
    public var threads: Int = Parallel.availableCores
    /// Real images to restore (on the spec's ground-truth grid), and their references (one
    /// each, in order, or none).
    public var realImages: [String] = []
    public var references: [String] = []
    /// Also adapt the network to the real images (`fluosynth adapt`, with the loop's data
    /// replayed) and restore them with the adapted model.
    public var adapt = false
    public var adaptSteps = AdaptationOptions().steps

    public init(spec: String) { self.spec = spec }
}

/// The loop's outcome: where everything is and the scores.
public struct LoopSummary: Sendable {
    public var folder: String
    public var report: EvaluationReport
    /// The real images' restorations and scores (`--real`), and the iterations chosen.
    public var real: RealImageSummary?
}

/// What the loop did with real images.
public struct RealImageSummary: Sendable {
    /// Richardson–Lucy's iterations, chosen on the synthetic validation split, and the mean
    /// validation NRMSE of each candidate.
    public var iterations: Int
    public var validationNRMSE: [Int: Double]
    /// Per real image: its files (input, network, richardson-lucy) and, with a reference, the scores.
    public var images: [(path: String, files: [String: String], reference: String?, report: EvaluationReport?)]
}

/// `fluosynth loop`: the fully synthetic loop. Generates a spec's dataset, trains a network
/// on its training split, restores the test split with the network and with Richardson–Lucy
/// (the spec's PSF, the camera offset as background), scores the raw input and both
/// restorations against the targets with the CARE protocol and writes an HTML report. For a
/// super-resolution spec (DFCAN), input and Richardson–Lucy work on the input interpolated
/// onto the targets' grid (`LoopGrid`), written to `inputs-interpolated/`.
/// Each step reuses what a previous run finished (same spec): an interrupted loop resumes.
/// With `loop: {streaming: true}` only the val and test splits are written, and the network
/// trains on train pairs rendered while it trains (`fluosynth train SPEC.yaml`): the same
/// pairs, no train split on disk.
public enum LoopRun {
    public static func run(_ request: LoopRequest, log: (String) -> Void) throws -> LoopSummary {
        let spec = try SpecLoader.load(request.spec, presets: .standard())
        let template = spec.template
        var settings = template.loop ?? LoopSettings()
        if let steps = request.steps { settings.steps = steps }
        let folder = request.output ?? "out/\(template.name)-loop"
        let condition = template.conditions[0]
        let grid = try LoopGrid(spec: template, arch: settings.arch)
        if settings.streaming && request.adapt {
            throw TrainingError.options("\(request.spec): loop.streaming writes no train split, which --adapt replays; drop one of the two")
        }
        if grid.scale > 1 && request.adapt {
            throw TrainingError.options("\(request.spec): --adapt needs inputs on the targets' grid (output.input_on_ground_truth_grid: true); a super-resolution loop is not adapted")
        }

        var train = TrainRequest(data: settings.streaming ? request.spec : folder + "/data", modelDirectory: folder + "/model")
        train.samples = request.samples
        train.source = condition.name
        train.steps = settings.steps
        train.stepsPerEpoch = Swift.min(settings.stepsPerEpoch, settings.steps)
        train.batchSize = settings.batch
        train.patch = [settings.patch]
        guard let architecture = Architecture.Kind(rawValue: settings.arch) else { throw TrainingError.options("loop.arch: unknown network '\(settings.arch)'") }
        train.architecture = architecture
        train.depth = settings.depth
        train.filters = settings.filters
        train.kernel = settings.kernel
        guard let loss = LossKind(rawValue: settings.loss) else { throw TrainingError.options("loop.loss: unknown loss '\(settings.loss)'") }
        train.loss = loss
        train.learningRate = settings.learningRate
        train.seed = template.seed
        train.threads = request.threads
        do {
            _ = try TrainRun.architecture(train, dimensions: template.shape.count, inChannels: 1, outChannels: 1, scale: grid.scale)
        } catch let error as TrainingError {
            throw TrainingError.options("\(request.spec): loop: \(error)")
        }

        log("step 1/4: generate \(folder)/data" + (settings.streaming ? " (val and test splits; train pairs stream from the spec)" : ""))
        var options = GenerateOptions(specPath: request.spec, outputDirectory: folder + "/data", samples: request.samples,
                                      threads: request.threads, resume: true, quiet: false)
        options.heldOutOnly = settings.streaming
        options.resume = FileManager.default.fileExists(atPath: folder + "/data/.fluosynth/spec.json")
        let plan = try Generator.plan(options)
        let generated = try Generator.run(plan, options: options)
        log("  \(generated.made) samples made, \(generated.skipped) already there")

        log("step 2/4: train \(folder)/model")
        train.resume = FileManager.default.fileExists(atPath: ModelStore(directory: train.modelDirectory).configPath)
        try TrainRun.run(train) { log("  " + $0) }

        log("step 3/4: restore the test split (network and Richardson–Lucy" + (grid.scale > 1 ? ", on the input interpolated \(grid.scale)×)" : ")"))
        let testInputs = folder + "/data/test/" + condition.name
        // The inputs as scored and as Richardson–Lucy restores them: on the targets' grid.
        let scoredInputs = grid.scale > 1 ? folder + "/inputs-interpolated" : testInputs
        let ids = try FileManager.default.contentsOfDirectory(atPath: testInputs).filter { $0.hasSuffix(".tif") }.sorted()
        guard !ids.isEmpty else { throw WorkflowError.incomplete("\(testInputs) holds no test images: give the spec a test split") }
        let model = try ModelStore(directory: train.modelDirectory).load()
        let predictor = Predictor(model: model, threads: request.threads)
        func richardsonLucy(_ iterations: Int) -> Baseline {
            .richardsonLucy(psf: condition.optics ?? .gaussian(GaussianPSF(fwhmUm: template.pixelSizeUm.map { $0 / 4 })),
                            parameters: RichardsonLucyParameters(iterations: iterations, tvWeight: settings.richardsonLucyTV,
                                                                 background: condition.acquisition.camera?.offsetADU ?? 0))
        }
        let baseline = richardsonLucy(settings.richardsonLucyIterations)
        let display = ProgressDisplay(total: ids.count, label: "restore", unit: "images")
        for id in ids {
            let input = try TIFFReader.read(testInputs + "/" + id).volume()
            try TIFFWriter.write(try predictor.predict([input]).mean[0], to: folder + "/predictions/" + id)
            let interpolated = try grid.onTargetGrid(input)
            if grid.scale > 1 { try TIFFWriter.write(interpolated, to: scoredInputs + "/" + id) }
            try TIFFWriter.write(try DeconvolveRun.restore(interpolated, with: baseline, relativeTo: spec.folder, threads: request.threads),
                                 to: folder + "/baselines/richardson-lucy/" + id)
            display.advance()
        }
        display.finish()

        log("step 4/4: evaluate and report")
        let report = try EvaluateRun.run(groundTruth: folder + "/data/test/GT", sets: [
            EvaluationSet(name: "input", path: scoredInputs),
            EvaluationSet(name: "richardson-lucy", path: folder + "/baselines/richardson-lucy"),
            EvaluationSet(name: "network", path: folder + "/predictions"),
        ], threads: request.threads)
        try AtomicFile.write(Data(report.csv.utf8), to: folder + "/metrics.csv")
        try AtomicFile.write(report.summaryJSON(), to: folder + "/metrics.json")
        for line in report.table.split(separator: "\n") { log("  " + line) }

        var real: RealImageSummary?
        if !request.realImages.isEmpty {
            log("real images: Richardson–Lucy's iterations chosen on the validation split")
            let restoration = RealImageRestoration(folder: folder, spec: spec, grid: grid, predictor: predictor, threads: request.threads)
            let choice = try restoration.chooseIterations(richardsonLucy, condition: condition.name)
            let candidates = choice.nrmse.sorted { $0.key < $1.key }.map { String(format: "%d: %.4f", $0.key, $0.value) }
            log("  validation NRMSE " + candidates.joined(separator: ", ") + " → \(choice.best) iterations")
            var adapted: Predictor?
            if request.adapt {
                log("real images: adapting the network to them (\(folder)/adapted)")
                var adapt = AdaptRequest(modelDirectory: train.modelDirectory, realImages: request.realImages, specPath: request.spec,
                                         outputDirectory: folder + "/adapted")
                adapt.syntheticDataset = folder + "/data"
                adapt.options.steps = request.adaptSteps
                adapt.options.threads = request.threads
                _ = try AdaptRun.run(adapt) { log("  " + $0) }
                adapted = Predictor(model: try ModelStore(directory: folder + "/adapted").load(), threads: request.threads)
            }
            var images: [(String, [String: String], String?, EvaluationReport?)] = []
            for (index, path) in request.realImages.enumerated() {
                let reference = request.references.isEmpty ? nil : request.references[index]
                let restored = try restoration.restore(path, baseline: richardsonLucy(choice.best), reference: reference, adapted: adapted)
                images.append((path, restored.files, reference, restored.report))
                log("  \(path)" + (reference.map { " against \($0):" } ?? ": restored into \(folder)/real"))
                for line in restored.report?.table.split(separator: "\n") ?? [] { log("    " + line) }
            }
            real = RealImageSummary(iterations: choice.best, validationNRMSE: choice.nrmse, images: images)
        }
        try LoopReport(folder: folder, spec: template, settings: settings, samples: plan.spec.template.samples,
                       condition: condition.name, inputs: String(scoredInputs.dropFirst(folder.count + 1)), inputScale: grid.scale, ids: ids, report: report, real: real).write()
        log("wrote \(folder)/report.html, metrics.csv, metrics.json")
        return LoopSummary(folder: folder, report: report, real: real)
    }
}

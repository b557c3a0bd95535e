import Adaptation
import Calibration
import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Training

/// What `fluosynth adapt` is given.
public struct AdaptRequest: Sendable {
    public var modelDirectory: String
    public var realImages: [String]
    /// The spec the model was trained from (a calibrated one): PSF, camera sampling, offset.
    public var specPath: String
    public var outputDirectory: String
    /// A dataset (`generate` output) whose pairs keep what pre-training taught.
    public var syntheticDataset: String?
    /// ZS-DeconvNet's setting: a freshly initialised network of the same architecture.
    public var fromScratch = false
    public var options = AdaptationOptions()

    public init(modelDirectory: String, realImages: [String], specPath: String, outputDirectory: String) {
        self.modelDirectory = modelDirectory
        self.realImages = realImages
        self.specPath = specPath
        self.outputDirectory = outputDirectory
    }
}

/// `fluosynth adapt`: a network fine-tuned on the user's own images through the imaging model
/// of its spec (`Adapter`): the PSF of the spec's first condition on the ground-truth grid, its
/// camera sampling, and each image's noise and diffuse light calibrated as `calibrate` does.
public enum AdaptRun {
    public static func run(_ request: AdaptRequest, log: (String) -> Void) throws -> Double {
        let spec = try SpecLoader.load(request.specPath, presets: .standard())
        let template = spec.template, condition = template.conditions[0]
        guard template.shape.count == 2 else { throw WorkflowError.mismatch("adapt works on 2-D specs; \(request.specPath) is 3-D") }
        guard let optics = condition.optics else { throw WorkflowError.mismatch("\(request.specPath) has no optics to re-blur with") }
        guard let offset = condition.acquisition.camera?.offsetADU else {
            throw WorkflowError.mismatch("\(request.specPath) has no camera (its offset is needed)")
        }
        let pretrained = try ModelStore(directory: request.modelDirectory).load()
        let model = request.fromScratch
            ? RestorationModel(architecture: pretrained.configuration.architecture, normalization: pretrained.configuration.normalization,
                        loss: pretrained.configuration.loss, patch: pretrained.configuration.patch,
                        trainingData: pretrained.configuration.trainingData, seed: request.options.seed, createdBy: ToolInfo.name)
            : pretrained
        let grid = CalibrateRun.cameraGrid(of: spec) ?? CameraGrid(binning: 1)
        var noises: [SingleImageNoise] = []
        let images = try request.realImages.map { path -> RealImage in
            var image = try TIFFReader.read(path).volume().singlePlaneAsImage
            image.spacingUm = template.pixelSizeUm
            let camera = grid.apply(image)
            let noise = try SingleImageNoise(camera)
            noises.append(noise)
            let model = noise.model(offsetADU: offset)
            log(String(format: "%@: noise slope %.4g, read variance %.3g ADU² on the %d×-binned camera grid", path, noise.gainADUPerE,
                       model.readNoiseADU * model.readNoiseADU, grid.binning))
            let haze = try DiffuseBackground(camera, noise: model).map
            return RealImage(camera: camera, haze: haze, range: pretrained.configuration.normalization.range(of: image.data))
        }
        // One noise model for the recorruption: the first image's (images of one camera and setting).
        let recorruption = Recorruption(slope: noises[0].gainADUPerE, offsetADU: offset,
                                        readVarianceADU: Swift.max(noises[0].line(offset), 0))
        let psf = try PSFFactory.render(optics, on: PSFGrid(shape: oddSquare(halfWidthUm: 0.6, pixelUm: template.pixelSizeUm[1]),
                                                           spacingUm: template.pixelSizeUm), relativeTo: spec.folder, threads: 1)
        let synthetic = try request.syntheticDataset.map {
            try TrainingDataSet.load($0, source: condition.name, normalization: pretrained.configuration.normalization).train
        }
        let adapter = try Adapter(model: model, images: images, recorruption: recorruption, acquisition: condition.acquisition,
                                  psf: psf, synthetic: synthetic, options: request.options)
        let display = ProgressDisplay(total: request.options.steps, label: "adapt", unit: "steps")
        var lastHeldOut = 0.0
        let best = try adapter.run { progress in
            if let heldOut = progress.heldOut { lastHeldOut = heldOut }
            if progress.step > 0 { display.advance(note: String(format: "loss %.4g  held-out %.4g", progress.loss, lastHeldOut)) }
        }
        display.finish()
        let store = ModelStore(directory: request.outputDirectory)
        try FileManager.default.createDirectory(atPath: request.outputDirectory, withIntermediateDirectories: true)
        var configuration = model.configuration
        configuration.trainingData.description += "; adapted to \(request.realImages.joined(separator: ", ")) through \(request.specPath)"
            + (request.fromScratch ? " from scratch" : "") + (request.syntheticDataset.map { " with replay of \($0)" } ?? "")
        model.configuration = configuration
        try store.saveConfiguration(configuration)
        try store.saveWeights(model, .best)
        try store.saveWeights(model, .last)
        log(String(format: "kept the weights with held-out loss %.4g → %@", best, request.outputDirectory))
        return best
    }

    /// A square odd grid covering ±`halfWidthUm`.
    static func oddSquare(halfWidthUm: Double, pixelUm: Double) -> [Int] {
        let half = Int((halfWidthUm / pixelUm).rounded(.up))
        return [2 * half + 1, 2 * half + 1]
    }
}

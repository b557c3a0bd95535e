import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging

/// One image of the imaging model's trace, with where its samples lie.
public struct TracedStage: Sendable {
    /// The trace's stage name ("ground truth", "background", "psf", "subsample-x", "camera"),
    /// or "normalised input" for the network's view of the last image.
    public var name: String
    public var image: Volume
    public var grid: SampleGrid
}

/// A specimen recorded under one condition, every intermediate image kept: what `generate`
/// computes for the condition's input, stage by stage (`ImagingModel.trace`), followed by the
/// input normalised as CSBDeep normalises it for the network.
public struct AcquisitionTrace: Sendable {
    public let condition: Condition
    /// The PSF the image is convolved with (on the ground truth's grid), if the condition has optics.
    public let psf: Volume?
    public let camera: Camera?
    public let model: ImagingModel
    /// The trace, then "normalised input".
    public let stages: [TracedStage]
    /// The 1st and 99.8th percentiles of the last image, CSBDeep's normalisation range.
    public let normalisation: PercentileNormalization
    public let normalisationRange: (low: Float, high: Float)
    /// The background alone on the ground truth's grid, if there is one.
    public let backgroundLayer: Volume?
    /// The background's share of the image that reaches the camera (the background layer
    /// through the same blur and subsampling; all of them are linear), if there is one.
    public let backgroundAtCamera: Volume?

    /// Name of the stage the network sees.
    public static let normalisedStageName = "normalised input"

    public init(_ specimen: Specimen, condition: Condition, threads: Int) throws {
        self.condition = condition
        let acquisition = condition.acquisition
        let shape = specimen.groundTruth.shape, spacing = specimen.groundTruth.spacingUm
        psf = try condition.optics.map {
            try PSFFactory.render($0, forImageShape: shape, spacingUm: spacing, relativeTo: specimen.folder, threads: threads)
        }
        camera = try acquisition.makeCamera(groundTruthShape: shape) { path in
            try TIFFReader.read(PSFFactory.resolve(path, relativeTo: specimen.folder)).volume()
        }
        for step in acquisition.subsample { try step.validate(rank: shape.count) }
        var layers = specimen.outOfFocusLayers()
        let haze = try acquisition.outOfFocus.map { outOfFocus in
            try layers.haze(outOfFocus, blurredBy: OutOfFocusLayers.convolutions(condition.optics!, outOfFocus, spacingUm: spacing,
                                                                                 boundary: acquisition.boundary, relativeTo: specimen.folder))[0]
        }
        model = acquisition.model(convolution: psf.map { ConvolutionStage(psf: $0, boundary: acquisition.boundary) }, haze: haze, camera: camera)

        let trace = try model.trace(specimen.groundTruth, stream: specimen.imagingStream(condition: condition.name), threads: threads)
        let grids = SampleGrid.trace(of: model, groundTruth: specimen.grid)
        var stages = zip(trace, grids).map { TracedStage(name: $0.stage, image: $0.volume, grid: $1) }
        let last = stages.last!
        normalisation = PercentileNormalization()
        normalisationRange = normalisation.range(of: last.image.data)
        stages.append(TracedStage(name: AcquisitionTrace.normalisedStageName,
                                  image: Volume(shape: last.image.shape, spacingUm: last.image.spacingUm,
                                                data: normalisation.apply(last.image.data, range: normalisationRange)),
                                  grid: last.grid))
        self.stages = stages

        if let background = AcquisitionTrace.stage(BackgroundStage.self, of: model, in: stages) {
            var layer = background.image
            for i in layer.data.indices { layer.data[i] -= specimen.groundTruth.data[i] }
            let optical = model.stages.filter { !($0 is BackgroundStage) && !($0 is HazeStage) && !($0 is CameraStage) }
            backgroundLayer = layer
            backgroundAtCamera = try optical.reduce(layer) { try $1.apply($0, stream: RandomStream(seed: 0), threads: threads) }
        } else {
            backgroundLayer = nil
            backgroundAtCamera = nil
        }
    }

    /// The image made by the model's first stage of `type`, if it has one.
    public func stage<Stage: ImagingStage>(_ type: Stage.Type) -> TracedStage? {
        AcquisitionTrace.stage(type, of: model, in: stages)
    }

    /// Trace image k + 1 is the output of model stage k.
    static func stage<Stage: ImagingStage>(_ type: Stage.Type, of model: ImagingModel, in stages: [TracedStage]) -> TracedStage? {
        model.stages.firstIndex { $0 is Stage }.map { stages[$0 + 1] }
    }

    /// The image that reaches the camera (after blur and subsampling), if there is a camera.
    public var cameraInput: TracedStage? {
        model.stages.firstIndex { $0 is CameraStage }.map { stages[$0] }
    }

    /// The recorded image: the last stage of the imaging model (before normalisation).
    public var recorded: TracedStage { stages[stages.count - 2] }
}

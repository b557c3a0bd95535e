import FluoCore

/// What happens after the optics, as a spec's `acquisition:` writes it: an auto-fluorescence
/// background, resampling of axes (z step, camera pixel), and the camera.
public struct Acquisition: Codable, Equatable, Sendable {
    public var background: PerlinBackground?
    public var subsample: [AxisResampling]
    public var camera: CameraParameters?
    /// What lies outside the field of view during convolution (default: zero).
    public var boundary: FFTConvolver.Boundary

    public init(background: PerlinBackground? = nil, subsample: [AxisResampling] = [],
                camera: CameraParameters? = nil, boundary: FFTConvolver.Boundary = .zero) {
        self.background = background
        self.subsample = subsample
        self.camera = camera
        self.boundary = boundary
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case background, subsample, camera, boundary
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        background = try c.decodeIfPresent(PerlinBackground.self, forKey: .background)
        subsample = try c.decodeIfPresent([AxisResampling].self, forKey: .subsample) ?? []
        camera = try c.decodeIfPresent(CameraParameters.self, forKey: .camera)
        boundary = try c.decodeIfPresent(FFTConvolver.Boundary.self, forKey: .boundary) ?? .zero
    }

    /// Shape after the subsampling steps, for an input of `shape`.
    public func outputShape(for shape: [Int]) -> [Int] {
        subsample.reduce(shape) { current, step in
            guard let axis = step.axis.index(inRank: current.count) else { return current }
            var next = current
            next[axis] = step.outputCount(current[axis])
            return next
        }
    }

    /// The imaging model for ground truth on a grid: background, then the PSF (already
    /// rendered on the ground truth's grid, if any), then subsampling, then the camera.
    /// `loadMap` reads sCMOS map files.
    public func model(psf: Volume?, groundTruthShape: [Int], loadMap: (String) throws -> Volume) throws -> ImagingModel {
        var stages: [any ImagingStage] = []
        if let background { stages.append(BackgroundStage(background)) }
        if let psf { stages.append(ConvolutionStage(psf: psf, boundary: boundary)) }
        for step in subsample {
            try step.validate(rank: groundTruthShape.count)
            stages.append(SubsamplingStage(step))
        }
        if let camera {
            let sensor = Array(outputShape(for: groundTruthShape).suffix(2))
            stages.append(CameraStage(try Camera(camera, sensorShape: sensor, loadMap: loadMap)))
        }
        return ImagingModel(stages: stages)
    }
}

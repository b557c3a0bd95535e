import FluoCore

/// What happens after the optics, as a spec's `acquisition:` writes it: an auto-fluorescence
/// background, out-of-focus light from a thick specimen (2-D), resampling of axes (z step,
/// camera pixel), and the camera.
public struct Acquisition: Codable, Equatable, Sendable {
    public var background: PerlinBackground?
    public var outOfFocus: OutOfFocus?
    public var subsample: [AxisResampling]
    public var camera: CameraParameters?
    /// What lies outside the field of view during convolution (default: zero).
    public var boundary: FFTConvolver.Boundary

    public init(background: PerlinBackground? = nil, outOfFocus: OutOfFocus? = nil, subsample: [AxisResampling] = [],
                camera: CameraParameters? = nil, boundary: FFTConvolver.Boundary = .zero) {
        self.background = background
        self.outOfFocus = outOfFocus
        self.subsample = subsample
        self.camera = camera
        self.boundary = boundary
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case background, subsample, camera, boundary
        case outOfFocus = "out_of_focus"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        background = try c.decodeIfPresent(PerlinBackground.self, forKey: .background)
        outOfFocus = try c.decodeIfPresent(OutOfFocus.self, forKey: .outOfFocus)
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

    /// The camera for ground truth of `groundTruthShape` (its sensor is the lateral size
    /// after subsampling); `loadMap` reads sCMOS map files.
    public func makeCamera(groundTruthShape: [Int], loadMap: (String) throws -> Volume) throws -> Camera? {
        guard let camera else { return nil }
        return try Camera(camera, sensorShape: Array(outputShape(for: groundTruthShape).suffix(2)), loadMap: loadMap)
    }

    /// The imaging model in the microscope's order: background, then the PSF convolution
    /// (if any), the out-of-focus `haze` (if any), then subsampling, then the camera (if any).
    public func model(convolution: ConvolutionStage?, haze: Volume? = nil, camera: Camera?) -> ImagingModel {
        var stages: [any ImagingStage] = []
        if let background { stages.append(BackgroundStage(background)) }
        if let convolution { stages.append(convolution) }
        if let haze { stages.append(HazeStage(haze)) }
        stages += subsample.map(SubsamplingStage.init)
        if let camera { stages.append(CameraStage(camera)) }
        return ImagingModel(stages: stages)
    }

    /// The imaging model for ground truth of `groundTruthShape`, with `psf` (rendered on the
    /// ground truth's grid) if any; `loadMap` reads sCMOS map files.
    public func model(psf: Volume?, groundTruthShape: [Int], loadMap: (String) throws -> Volume) throws -> ImagingModel {
        for step in subsample { try step.validate(rank: groundTruthShape.count) }
        return model(convolution: psf.map { ConvolutionStage(psf: $0, boundary: boundary) },
                     camera: try makeCamera(groundTruthShape: groundTruthShape, loadMap: loadMap))
    }

    /// `input`, made by this acquisition from ground truth of `groundTruthShape`, resampled
    /// back onto the ground truth's grid (each subsampling undone in reverse order).
    public func onGroundTruthGrid(_ input: Volume, groundTruthShape: [Int]) throws -> Volume {
        var shapes = [groundTruthShape]
        for step in subsample {
            var next = shapes.last!
            let axis = step.axis.index(inRank: next.count)!
            next[axis] = step.outputCount(next[axis])
            shapes.append(next)
        }
        var volume = input
        for (index, step) in subsample.enumerated().reversed() {
            let axis = step.axis.index(inRank: volume.rank)!
            volume = try step.upsample(volume, count: shapes[index][axis])
        }
        return volume
    }
}

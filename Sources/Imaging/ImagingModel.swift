import FluoCore
import Foundation

/// One step of the imaging model: a value with its parameters that maps a volume (and a
/// random stream, where it draws) to a volume.
public protocol ImagingStage: Sendable {
    /// Short name used in reports and as the label of the stage's random substream.
    var name: String { get }
    func apply(_ volume: Volume, stream: RandomStream, threads: Int) throws -> Volume
}

/// The imaging model: an ordered list of stages, ground truth in, recorded image out.
/// The usual order is background → PSF → subsampling → camera, as a microscope works.
public struct ImagingModel: Sendable {
    public var stages: [any ImagingStage]

    public init(stages: [any ImagingStage]) { self.stages = stages }

    /// The recorded image of `groundTruth`. Stage k draws from `stream.substream(name)`,
    /// so adding or removing a stage never changes what the others draw.
    public func apply(_ groundTruth: Volume, stream: RandomStream, threads: Int = 1) throws -> Volume {
        try stages.reduce(groundTruth) { volume, stage in
            try stage.apply(volume, stream: stream.substream(stage.name), threads: threads)
        }
    }

    /// Every intermediate image, the ground truth first (for teaching and debugging).
    public func trace(_ groundTruth: Volume, stream: RandomStream, threads: Int = 1) throws -> [(stage: String, volume: Volume)] {
        var result = [(stage: "ground truth", volume: groundTruth)]
        for stage in stages {
            let next = try stage.apply(result.last!.volume, stream: stream.substream(stage.name), threads: threads)
            result.append((stage.name, next))
        }
        return result
    }
}

/// Adds a Perlin auto-fluorescence background.
public struct BackgroundStage: ImagingStage {
    public let background: PerlinBackground
    public var name: String { "background" }
    public init(_ background: PerlinBackground) { self.background = background }

    public func apply(_ volume: Volume, stream: RandomStream, threads: Int) throws -> Volume {
        try background.apply(volume, stream: stream)
    }
}

/// Convolves with a PSF rendered on the image's grid; one `FFTConvolver` is kept per image shape.
public final class ConvolutionStage: ImagingStage, @unchecked Sendable {
    public let psf: Volume
    public let boundary: FFTConvolver.Boundary
    public var name: String { "psf" }
    private let lock = NSLock()
    private var convolvers: [[Int]: FFTConvolver] = [:]

    public init(psf: Volume, boundary: FFTConvolver.Boundary = .zero) {
        self.psf = psf
        self.boundary = boundary
    }

    /// The convolver for images of `shape`, made on first use.
    public func convolver(for shape: [Int], threads: Int) throws -> FFTConvolver {
        lock.lock()
        defer { lock.unlock() }
        if let convolver = convolvers[shape] { return convolver }
        let convolver = try FFTConvolver(kernel: psf, imageShape: shape, boundary: boundary, threads: threads)
        convolvers[shape] = convolver
        return convolver
    }

    public func apply(_ volume: Volume, stream: RandomStream, threads: Int) throws -> Volume {
        guard zip(volume.spacingUm, psf.spacingUm).allSatisfy({ abs($0 / $1 - 1) < 1e-6 }) else {
            throw ImagingError.mismatch("the PSF spacing \(psf.spacingUm) µm differs from the image spacing \(volume.spacingUm) µm")
        }
        return try convolver(for: volume.shape, threads: threads).apply(volume)
    }
}

/// Resamples one axis (e.g. the z step of a stage, a coarser camera pixel).
public struct SubsamplingStage: ImagingStage {
    public let resampling: AxisResampling
    public var name: String { "subsample-\(resampling.axis.rawValue)" }
    public init(_ resampling: AxisResampling) { self.resampling = resampling }

    public func apply(_ volume: Volume, stream: RandomStream, threads: Int) throws -> Volume {
        try resampling.apply(volume)
    }
}

/// Records with a camera: photons, shot noise, read noise, gain, offset, digitisation.
public struct CameraStage: ImagingStage {
    public let camera: Camera
    public var name: String { "camera" }
    public init(_ camera: Camera) { self.camera = camera }

    public func apply(_ volume: Volume, stream: RandomStream, threads: Int) throws -> Volume {
        try camera.record(volume, stream: stream, threads: threads)
    }
}

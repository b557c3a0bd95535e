import FluoCore

/// How an image relates to the camera's own pixels. Resampling onto a finer grid (bicubic
/// upsampling, as SIM and deconvolution software do) spreads each pixel's noise over its
/// neighbours; the calibration estimates everything on the camera's grid instead, found by
/// binning 2×2 until the noise is pixel-independent again (`SingleImageNoise.whiteness`).
public struct CameraGrid: Codable, Equatable, Sendable {
    /// Lateral binning from the image to the camera grid (1: the image is the camera's).
    public var binning: Int

    /// `binning`: 1, 2 or 4.
    public init(binning: Int) {
        precondition([1, 2, 4].contains(binning), "CameraGrid: binning 1, 2 or 4, got \(binning)")
        self.binning = binning
    }

    /// 2 where `image`'s noise is shared by neighbouring pixels (whiteness above `threshold`:
    /// a 2× upsampled image), else 1. Only a guess where strong structure fills the image (its
    /// detail grows with binning as the noise's shrinks); a spec that says how the camera
    /// sampled is the better source.
    public static func detect(_ image: Volume, threshold: Double = 1.5) throws -> CameraGrid {
        CameraGrid(binning: try SingleImageNoise(image).whiteness > threshold ? 2 : 1)
    }

    /// `image` on the camera grid: each b×b block averaged (b the binning).
    public func apply(_ image: Volume) -> Volume {
        var current = image, b = binning
        while b > 1 {
            current = SingleImageNoise.binned(current)
            b /= 2
        }
        return current
    }
}

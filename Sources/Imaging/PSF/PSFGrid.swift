import FluoCore

/// The sampling grid a point-spread function is rendered on: shape and spacing (z, y, x) or
/// (y, x), with the point source at index `n / 2` of every axis (the origin convention the
/// convolution uses, so a PSF never shifts the image).
public struct PSFGrid: Sendable, Equatable {
    /// Samples per axis.
    public var shape: [Int]
    /// Spacing per axis in µm.
    public var spacingUm: [Double]
    /// Lateral supersampling factor per pixel (odd); `nil` chooses one from the optics.
    public var oversampling: Int?

    public init(shape: [Int], spacingUm: [Double], oversampling: Int? = nil) {
        self.shape = shape
        self.spacingUm = spacingUm
        self.oversampling = oversampling
    }

    /// Number of axes (2 for an image, 3 for a stack).
    public var rank: Int { shape.count }
    /// Index of the point source along each axis.
    public var centre: [Int] { shape.map { $0 / 2 } }
    /// Lateral (y, x) spacing in µm.
    public var lateralSpacingUm: (y: Double, x: Double) { (spacingUm[rank - 2], spacingUm[rank - 1]) }

    /// Axial offsets of the planes from the source in µm (`[0]` for a 2-D grid: the focal plane).
    public var planeOffsetsUm: [Double] {
        guard rank == 3 else { return [0] }
        return (0..<shape[0]).map { Double($0 - shape[0] / 2) * spacingUm[0] }
    }

    /// Checks that the grid can hold a PSF.
    public func validate() throws {
        guard rank == 2 || rank == 3 else {
            throw ImagingError.invalidParameter("psf shape", "needs 2 (y, x) or 3 (z, y, x) axes, got \(shape)")
        }
        guard spacingUm.count == rank else {
            throw ImagingError.invalidParameter("psf spacing", "needs one value per axis of \(shape), got \(spacingUm)")
        }
        guard shape.allSatisfy({ $0 > 0 }), spacingUm.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw ImagingError.invalidParameter("psf grid", "shape and spacing must be positive, got \(shape) and \(spacingUm) µm")
        }
        if let oversampling, oversampling < 1 || oversampling % 2 == 0 {
            throw ImagingError.invalidParameter("oversampling", "must be an odd number ≥ 1, got \(oversampling)")
        }
    }

    /// The lateral supersampling to use: the explicit value, or the smallest odd factor that
    /// brings the sub-pixel below a quarter of the Nyquist interval λ/(4·NA), i.e. λ/(16·NA),
    /// so that integrating over the pixel is accurate where pixels are coarse.
    public func lateralOversampling(wavelengthUm: Double, na: Double) -> Int {
        if let oversampling { return oversampling }
        let target = wavelengthUm / (16 * na)
        let pixel = Swift.max(lateralSpacingUm.y, lateralSpacingUm.x)
        var factor = Int((pixel / target).rounded(.up))
        if factor % 2 == 0 { factor += 1 }
        return Swift.min(Swift.max(factor, 1), 15)
    }
}

/// A model of the image of a point source.
public protocol PointSpreadFunction: Sendable {
    /// The PSF on `grid`, centred at index `n / 2` of every axis and normalised to unit sum.
    func render(on grid: PSFGrid, threads: Int) throws -> Volume
}

extension Volume {
    /// Divides by the sum so the samples add up to 1.
    mutating func normaliseToUnitSum() throws {
        let total = sum()
        guard total > 0, total.isFinite else {
            throw ImagingError.invalidParameter("psf", "has no positive intensity on this grid (sum \(total))")
        }
        scale(by: Float(1 / total))
    }
}

extension PSFGrid {
    /// A grid for convolving images of `imageShape` at `spacingUm`: the PSF reaches
    /// `halfWidthUm` (per axis) from the source, but never beyond the image's own extent
    /// (one image size each way along z, so every plane sees every other; the image size
    /// laterally). Axes get an odd sample count so the source sits in the middle.
    public static func covering(imageShape: [Int], spacingUm: [Double], halfWidthUm: [Double]) -> PSFGrid {
        let rank = imageShape.count
        let shape = (0..<rank).map { axis -> Int in
            let wanted = 2 * Int((halfWidthUm[axis] / spacingUm[axis]).rounded(.up)) + 1
            let limit = rank == 3 && axis == 0 ? 2 * imageShape[0] - 1 : imageShape[axis] | 1
            return Swift.max(1, Swift.min(wanted, limit))
        }
        return PSFGrid(shape: shape, spacingUm: spacingUm)
    }
}

extension PSFModel {
    /// How far (µm, per axis of a `rank`-D grid) the PSF carries light worth keeping: 8 λ/NA
    /// laterally plus the defocus cone tan α per µm of axial extent; for a Gaussian 4 FWHM.
    /// Measured PSFs are bounded by their stack instead (`nil` here).
    public func supportHalfWidthUm(rank: Int, axialExtentUm: Double) -> [Double]? {
        switch self {
        case let .gaussian(p):
            return Array(p.fwhmUm.suffix(rank)).map { 4 * $0 }
        case .file:
            return nil
        default:
            let (na, wavelength, n) = optics!
            let tanAlpha = na / (n * n - na * na).squareRoot()
            let lateral = 8 * wavelength / na + (rank == 3 ? axialExtentUm * tanAlpha : 0)
            return rank == 3 ? [axialExtentUm, lateral, lateral] : [lateral, lateral]
        }
    }
}

import FluoCore
import Foundation

/// A Gaussian PSF with a given full width at half maximum per axis: a quick approximation
/// (and what CSBDeep's isotropic example uses).
///
/// Each lateral pixel holds the Gaussian integrated over the pixel,
/// ½[erf((x + d/2)/(σ√2)) − erf((x − d/2)/(σ√2))] per axis with σ = FWHM / (2√(2 ln 2));
/// planes are point-sampled along z like the other models.
public struct GaussianPSF: PointSpreadFunction, Codable, Equatable {
    /// FWHM per axis in µm, (z, y, x) or (y, x); a 3-value FWHM serves 2-D grids too.
    public var fwhmUm: [Double]

    public init(fwhmUm: [Double]) { self.fwhmUm = fwhmUm }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case fwhmUm = "fwhm_um"
    }

    /// σ = FWHM / (2√(2 ln 2)).
    public static func sigma(fwhm: Double) -> Double { fwhm / (2 * (2 * Foundation.log(2.0)).squareRoot()) }

    public func validate() throws {
        try require((2...3).contains(fwhmUm.count), "fwhm_um", "needs 2 (y, x) or 3 (z, y, x) values, got \(fwhmUm.count)")
        try require(fwhmUm.allSatisfy { $0 > 0 && $0.isFinite }, "fwhm_um", "must be positive, got \(fwhmUm)")
    }

    public func render(on grid: PSFGrid, threads: Int = 1) throws -> Volume {
        try validate()
        try grid.validate()
        guard fwhmUm.count >= grid.rank else {
            throw ImagingError.mismatch("fwhm_um has \(fwhmUm.count) values for a \(grid.rank)-D grid \(grid.shape)")
        }
        let widths = Array(fwhmUm.suffix(grid.rank))
        let profiles = (0..<grid.rank).map { axis -> [Double] in
            let sigma = GaussianPSF.sigma(fwhm: widths[axis])
            let n = grid.shape[axis], d = grid.spacingUm[axis]
            let lateral = axis >= grid.rank - 2
            return (0..<n).map { i in
                let x = Double(i - n / 2) * d
                if lateral {
                    let scale = 1 / (sigma * 2.0.squareRoot())
                    return 0.5 * (Foundation.erf((x + d / 2) * scale) - Foundation.erf((x - d / 2) * scale))
                }
                return Foundation.exp(-x * x / (2 * sigma * sigma))
            }
        }
        var psf = Volume(shape: grid.shape, spacingUm: grid.spacingUm)
        let strides = psf.strides
        for flat in 0..<psf.count {
            var value = 1.0
            for axis in 0..<grid.rank { value *= profiles[axis][(flat / strides[axis]) % grid.shape[axis]] }
            psf.data[flat] = Float(value)
        }
        try psf.normaliseToUnitSum()
        return psf
    }
}

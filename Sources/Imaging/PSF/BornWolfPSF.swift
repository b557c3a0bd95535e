import ComplexModule
import FluoCore

/// Scalar widefield PSF of an aberration-free objective in a homogeneous medium: the
/// Kirchhoff diffraction integral of a uniform circular pupil with the exact (non-paraxial)
/// defocus phase W(ρ, z) = −z·√(n² − NA²ρ²) (Born & Wolf, *Principles of Optics*, §8.8).
///
/// In focus this is the Airy pattern, lateral FWHM ≈ 0.51 λ/NA; along the axis the FWHM is
/// close to 0.88 λ/(n − √(n² − NA²)).
public struct BornWolfPSF: PointSpreadFunction, Codable, Equatable {
    /// Numerical aperture.
    public var na: Double
    /// Emission wavelength in µm.
    public var wavelengthUm: Double
    /// Immersion (and sample) refractive index.
    public var immersionIndex: Double

    public init(na: Double, wavelengthUm: Double, immersionIndex: Double) {
        self.na = na
        self.wavelengthUm = wavelengthUm
        self.immersionIndex = immersionIndex
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case na
        case wavelengthUm = "wavelength_um"
        case immersionIndex = "immersion_index"
    }

    /// Checks 0 < NA < n, a wavelength in µm and a refractive index.
    public func validate() throws {
        try require(na > 0 && na.isFinite, "na", "must be positive, got \(na)")
        try require(wavelengthUm > 0 && wavelengthUm < 10, "wavelength_um", "must be a wavelength in µm (0–10), got \(wavelengthUm)")
        try require(immersionIndex >= 1 && immersionIndex < 4, "immersion_index", "must be a refractive index (1–4), got \(immersionIndex)")
        try require(na < immersionIndex, "na", "must be below the immersion index \(immersionIndex), got \(na)")
    }

    var diffraction: ScalarDiffraction {
        let n2 = immersionIndex * immersionIndex, na2 = na * na
        return ScalarDiffraction(na: na, wavelengthUm: wavelengthUm) { rho, z in
            Complex(-z * (n2 - na2 * rho * rho).squareRoot())
        }
    }

    public func render(on grid: PSFGrid, threads: Int = 1) throws -> Volume {
        try validate()
        return try diffraction.renderPSF(on: grid, threads: threads)
    }
}

import ComplexModule
import FluoCore
import RealModule

/// Vectorial widefield PSF of a high-NA objective (Richards–Wolf), through the same immersion,
/// coverslip and sample layers as `GibsonLanniPSF` (F. Aguet et al., Opt. Express 17 (2009)
/// 6829; F. Aguet, PhD thesis, EPFL 2009, §2.3). Above NA ≈ 1.3 a scalar model misplaces
/// energy: the field near focus has an axial component and its lateral parts depend on the
/// polarisation, and the Fresnel transmission of each layer depends on the angle.
///
/// With ρ the normalised pupil radius (NA·ρ = nᵢ sin θ), c(n) = √(n² − NA²ρ²), the products
/// of the Fresnel coefficients through coverslip and sample
///
///     tₛ = 4 c(nᵢ) c(n_g) / [(c(nᵢ) + c(n_g)) (c(n_g) + c(nₛ))],
///     tₚ = 4 c(nᵢ) c(n_g) / [(n_g cos θ + nᵢ c(n_g)/n_g) (nₛ c(n_g)/n_g + n_g c(nₛ)/nₛ)],
///
/// and the emission apodisation √cos θ (1/√cos θ per ρ dρ), the intensity of an unpolarised
/// emitter is |I₀|² + 2|I₁|² + |I₂|² with I_m = ∫ J_m(k·NA·r·ρ) f_m(ρ) e^{ikW(ρ,z)} ρ dρ and
///
///     f₀ = (tₛ + tₚ c(nₛ)/nₛ)/√cos θ,  f₁ = tₚ (NA ρ/nₛ)/√cos θ,  f₂ = (tₛ − tₚ c(nₛ)/nₛ)/√cos θ,
///
/// W the Gibson–Lanni optical path difference. Written as `model: vectorial` with the
/// Gibson–Lanni keys.
public struct VectorialPSF: PointSpreadFunction, Codable, Equatable {
    /// The objective and its layers.
    public var layers: GibsonLanniPSF

    public init(_ layers: GibsonLanniPSF) { self.layers = layers }

    public init(from decoder: Decoder) throws { layers = try GibsonLanniPSF(from: decoder) }
    public func encode(to encoder: Encoder) throws { try layers.encode(to: encoder) }

    public func validate() throws { try layers.validate() }

    var diffraction: ScalarDiffraction {
        let scalar = layers.diffraction, l = layers.layers, na = layers.na
        return ScalarDiffraction(na: na, wavelengthUm: layers.wavelengthUm, branchPoints: scalar.branchPoints, vectorialFactors: { rho in
            func c(_ n: Double) -> Complex<Double> { Complex.sqrt(Complex(n * n - na * na * rho * rho)) }
            let ci = c(l.ni), cg = c(l.ng), cs = c(l.ns)
            let cosTheta = ci / Complex(l.ni)
            let ts = Complex(4) * ci * cg / ((ci + cg) * (cg + cs))
            let tp = Complex(4) * ci * cg / ((Complex(l.ng) * cosTheta + Complex(l.ni / l.ng) * cg)
                * (Complex(l.ns / l.ng) * cg + Complex(l.ng / l.ns) * cs))
            let apodisation = Complex(1) / Complex.sqrt(cosTheta)
            let parallel = tp * cs / Complex(l.ns)
            return ((ts + parallel) * apodisation, tp * Complex(na * rho / l.ns) * apodisation, (ts - parallel) * apodisation)
        }, pathDifference: scalar.pathDifference)
    }

    public func render(on grid: PSFGrid, threads: Int = 1) throws -> Volume {
        try validate()
        return try diffraction.renderPSF(on: grid, threads: threads)
    }
}

import ComplexModule
import FluoCore
import RealModule

/// Scalar widefield PSF of an objective used through a coverslip into a sample whose
/// refractive indices may differ from the design (S. F. Gibson and F. Lanni, "Experimental
/// test of an analytical model of aberration in an oil-immersion objective lens used in
/// three-dimensional light microscopy", JOSA A 9 (1992) 154–166).
///
/// The optical path difference, with c(n) = √(n² − NA²ρ²) (complex beyond a critical angle)
/// and the focal plane at z = depth + offset, is (F. Aguet, PhD thesis, EPFL 2009, eq. 2.19):
///
///     W(ρ, z) = (c₀ − z)·c(nᵢ) + z_p·c(nₛ) + t_g·c(n_g) − t_g0·c(n_g0) − t_i0·c(n_i0),
///     c₀ = z_p·(1 − nᵢ/nₛ) + nᵢ·(t_g0/n_g0 + t_i0/n_i0 − t_g/n_g).
///
/// With all indices equal and the source at the coverslip this reduces to the Born–Wolf
/// defocus W = −offset·√(n² − NA²ρ²).
public struct GibsonLanniPSF: PointSpreadFunction, Codable, Equatable {
    /// Numerical aperture.
    public var na: Double
    /// Emission wavelength in µm.
    public var wavelengthUm: Double
    /// Immersion medium refractive index (actual).
    public var immersionIndex: Double
    /// Immersion medium refractive index the objective was designed for (default: actual).
    public var immersionDesignIndex: Double?
    /// Sample refractive index (default: the immersion index, i.e. matched).
    public var sampleIndex: Double?
    /// Coverslip refractive index (actual; default 1.515).
    public var coverslipIndex: Double?
    /// Coverslip refractive index of the design (default: actual).
    public var coverslipDesignIndex: Double?
    /// Coverslip thickness in µm (actual; default 170).
    public var coverslipThicknessUm: Double?
    /// Coverslip thickness of the design in µm (default: actual).
    public var coverslipDesignThicknessUm: Double?
    /// Working distance (immersion layer thickness) of the design in µm (default 150).
    public var workingDistanceUm: Double?
    /// Depth of the source below the coverslip in µm (default 0).
    public var depthUm: Double?

    public init(na: Double, wavelengthUm: Double, immersionIndex: Double,
                immersionDesignIndex: Double? = nil, sampleIndex: Double? = nil,
                coverslipIndex: Double? = nil, coverslipDesignIndex: Double? = nil,
                coverslipThicknessUm: Double? = nil, coverslipDesignThicknessUm: Double? = nil,
                workingDistanceUm: Double? = nil, depthUm: Double? = nil) {
        self.na = na
        self.wavelengthUm = wavelengthUm
        self.immersionIndex = immersionIndex
        self.immersionDesignIndex = immersionDesignIndex
        self.sampleIndex = sampleIndex
        self.coverslipIndex = coverslipIndex
        self.coverslipDesignIndex = coverslipDesignIndex
        self.coverslipThicknessUm = coverslipThicknessUm
        self.coverslipDesignThicknessUm = coverslipDesignThicknessUm
        self.workingDistanceUm = workingDistanceUm
        self.depthUm = depthUm
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case na
        case wavelengthUm = "wavelength_um"
        case immersionIndex = "immersion_index"
        case immersionDesignIndex = "immersion_design_index"
        case sampleIndex = "sample_index"
        case coverslipIndex = "coverslip_index"
        case coverslipDesignIndex = "coverslip_design_index"
        case coverslipThicknessUm = "coverslip_thickness_um"
        case coverslipDesignThicknessUm = "coverslip_design_thickness_um"
        case workingDistanceUm = "working_distance_um"
        case depthUm = "depth_um"
    }

    /// The layer parameters with defaults filled in.
    struct Layers {
        var ni, ni0, ns, ng, ng0, tg, tg0, ti0, zp: Double
    }

    var layers: Layers {
        let ng = coverslipIndex ?? 1.515
        let tg = coverslipThicknessUm ?? 170
        return Layers(ni: immersionIndex, ni0: immersionDesignIndex ?? immersionIndex,
                      ns: sampleIndex ?? immersionIndex, ng: ng, ng0: coverslipDesignIndex ?? ng,
                      tg: tg, tg0: coverslipDesignThicknessUm ?? tg, ti0: workingDistanceUm ?? 150,
                      zp: depthUm ?? 0)
    }

    /// Checks the physical ranges: 0 < NA < every index the light crosses at full aperture
    /// in the immersion, positive wavelength and thicknesses, non-negative depth.
    public func validate() throws {
        let l = layers
        try require(na > 0 && na.isFinite, "na", "must be positive, got \(na)")
        try require(wavelengthUm > 0 && wavelengthUm < 10, "wavelength_um", "must be a wavelength in µm (0–10), got \(wavelengthUm)")
        for (name, value) in [("immersion_index", l.ni), ("immersion_design_index", l.ni0), ("sample_index", l.ns),
                              ("coverslip_index", l.ng), ("coverslip_design_index", l.ng0)] {
            try require(value >= 1 && value < 4, name, "must be a refractive index (1–4), got \(value)")
        }
        try require(na < l.ni, "na", "must be below the immersion index \(l.ni), got \(na)")
        for (name, value) in [("coverslip_thickness_um", l.tg), ("coverslip_design_thickness_um", l.tg0),
                              ("working_distance_um", l.ti0), ("depth_um", l.zp)] {
            try require(value >= 0 && value.isFinite, name, "must be ≥ 0, got \(value)")
        }
    }

    /// W(ρ, offset) in µm, Aguet's form of the Gibson–Lanni optical path difference.
    var diffraction: ScalarDiffraction {
        let l = layers
        let na2 = na * na
        let c0 = l.zp * (1 - l.ni / l.ns) + l.ni * (l.tg0 / l.ng0 + l.ti0 / l.ni0 - l.tg / l.ng)
        let branchPoints = [l.ni, l.ni0, l.ns, l.ng, l.ng0].map { $0 / na }
        return ScalarDiffraction(na: na, wavelengthUm: wavelengthUm, branchPoints: branchPoints) { rho, offset in
            func c(_ n: Double) -> Complex<Double> { Complex.sqrt(Complex(n * n - na2 * rho * rho)) }
            let z = l.zp + offset
            var w = c(l.ni) * Complex(c0 - z)
            w = w + c(l.ns) * Complex(l.zp) + c(l.ng) * Complex(l.tg)
            w = w - c(l.ng0) * Complex(l.tg0) - c(l.ni0) * Complex(l.ti0)
            return w
        }
    }

    public func render(on grid: PSFGrid, threads: Int = 1) throws -> Volume {
        try validate()
        return try diffraction.renderPSF(on: grid, threads: threads)
    }
}

extension ScalarDiffraction {
    /// The pixel-integrated, unit-sum PSF on `grid`.
    func renderPSF(on grid: PSFGrid, threads: Int) throws -> Volume {
        try grid.validate()
        let factor = grid.lateralOversampling(wavelengthUm: wavelengthUm, na: na)
        let planes = grid.planeOffsetsUm.count
        let (dy, dx) = grid.lateralSpacingUm
        let fine = LateralSupersampling(ny: grid.shape[grid.rank - 2], nx: grid.shape[grid.rank - 1],
                                        dyUm: dy, dxUm: dx, factor: factor)
        let samples = fine.bin(intensity(on: grid, supersampling: factor, threads: threads), planeCount: planes)
        var psf = Volume(shape: grid.shape, spacingUm: grid.spacingUm, data: samples)
        try psf.normaliseToUnitSum()
        return psf
    }
}

import DatasetSpec
import FluoCore
import Foundation
import Imaging

/// The optics of a condition as the page explains them: the PSF used for the convolution,
/// its measured widths beside the textbook ones, a 3-D PSF for lateral and axial sections,
/// and the frequency cut-offs with the sampling they call for.
///
/// Cut-offs (E. Abbe, Arch. Mikrosk. Anat. 9 (1873) 413; M. Gu, *Advanced Optical Imaging
/// Theory*, 2000, ch. 3): the incoherent widefield OTF is zero beyond the lateral frequency
/// 2·NA/λ and, along z, beyond (n − √(n² − NA²))/λ. A confocal PSF is the product of the
/// excitation and detection PSFs, so its OTF reaches the sum of the two cut-offs.
/// Nyquist–Shannon sampling of that band needs a sample spacing of at most 1/(2·cut-off):
/// λ/(4·NA) laterally for widefield (J. Pawley, *Handbook of Biological Confocal Microscopy*,
/// 3rd ed., ch. 4).
public struct OpticsSummary: Sendable {
    public let model: PSFModel
    /// The PSF the image is convolved with, on the ground truth's grid.
    public let psf: Volume
    /// Widths measured on `psf` (lateral; axial too for a stack) beside the textbook values.
    public let report: PSFReport
    /// A 3-D PSF for sections: `psf` itself for a stack; for a 2-D image the same model
    /// rendered on a 3-D grid (nil where the model has no third dimension: a 2-value
    /// Gaussian, a file).
    public let section: Volume?
    /// Widths measured on `section` (its axial FWHM is the one the page shows).
    public let sectionReport: PSFReport?
    /// Cut-off frequencies in cycles/µm (nil for a Gaussian or measured PSF: no sharp cut-off).
    public let lateralCutoffPerUm: Double?
    public let axialCutoffPerUm: Double?

    public init(model: PSFModel, psf: Volume, threads: Int) throws {
        self.model = model
        self.psf = psf
        report = PSFReport(psf: psf, model: model)
        (lateralCutoffPerUm, axialCutoffPerUm) = OpticsSummary.cutoffs(of: model)
        if psf.rank == 3 {
            section = psf
        } else if let grid = OpticsSummary.sectionGrid(model: model, lateralPixelUm: psf.spacingUm[1],
                                                       lateralCutoffPerUm: lateralCutoffPerUm) {
            section = try PSFFactory.render(model, on: grid, threads: threads)
        } else {
            section = nil
        }
        sectionReport = section.map { PSFReport(psf: $0, model: model) }
    }

    /// Largest sample spacing that samples the lateral band: 1/(2·cut-off), λ/(4·NA) for widefield.
    public var nyquistPixelUm: Double? { lateralCutoffPerUm.map { 1 / (2 * $0) } }
    /// Largest z step that samples the axial band: 1/(2·axial cut-off).
    public var nyquistZStepUm: Double? { axialCutoffPerUm.map { 1 / (2 * $0) } }

    /// Axial FWHM measured on the section PSF, and the textbook value (µm).
    public var axialFWHMUm: Double? { sectionReport?.axialFWHMUm }
    public var theoreticalAxialFWHMUm: Double? { sectionReport?.theoreticalAxialFWHMUm }

    /// The edge of the widefield OTF's support in the (k_r, k_z) plane, where the model is
    /// widefield: the autocorrelation of the pupil's cap of the sphere of radius R = n/λ
    /// reaches |k_z| = √(R² − (|k_r| − R sin α)²) − R cos α for |k_r| ≤ 2R sin α (zero at k_r = 0:
    /// the missing cone; largest, the axial cut-off, at |k_r| = NA/λ; C. J. R. Sheppard and
    /// M. Gu, J. Opt. Soc. Am. A 9 (1992) 1; N. Streibl, J. Opt. Soc. Am. A 2 (1985) 121).
    /// Returns |k_z| (cycles/µm) for each |k_r| in `lateralFrequencies`.
    public func widefieldSupportEdge(_ lateralFrequencies: [Double]) -> [Double]? {
        switch model {
        case .bornWolf, .gibsonLanni:
            let (na, wavelength, n) = model.optics!
            let radius = n / wavelength, sinAlpha = na / n, cosAlpha = (1 - sinAlpha * sinAlpha).squareRoot()
            return lateralFrequencies.map { k in
                let shifted = abs(k) - radius * sinAlpha
                return Swift.max(0, (radius * radius - shifted * shifted).squareRoot() - radius * cosAlpha)
            }
        default:
            return nil
        }
    }

    /// (lateral, axial) cut-offs of `model` in cycles/µm.
    static func cutoffs(of model: PSFModel) -> (Double?, Double?) {
        func widefield(_ na: Double, _ wavelength: Double, _ n: Double) -> (Double, Double) {
            (OTF.lateralCutoff(na: na, wavelengthUm: wavelength), OTF.axialCutoff(na: na, wavelengthUm: wavelength, immersionIndex: n))
        }
        switch model {
        case let .bornWolf(p): return widefield(p.na, p.wavelengthUm, p.immersionIndex)
        case let .gibsonLanni(p): return widefield(p.na, p.wavelengthUm, p.immersionIndex)
        case let .vectorial(v): return widefield(v.layers.na, v.layers.wavelengthUm, v.layers.immersionIndex)
        case let .confocal(p):
            let e = p.emission
            let detection = widefield(e.na, e.wavelengthUm, e.immersionIndex)
            let excitation = widefield(e.na, p.excitationWavelengthUm, e.immersionIndex)
            return (detection.0 + excitation.0, detection.1 + excitation.1)
        case .gaussian, .file: return (nil, nil)
        }
    }

    /// A 3-D grid for the sections of a 2-D image's PSF: axially ±3 axial FWHM, laterally as
    /// far as the defocus cone reaches there (z·tan α, plus 3 lateral FWHM), spacing a quarter
    /// of the cut-off period (half the Nyquist spacing) or the image's pixel if finer, and at
    /// most 161 × 161 × 121 samples.
    static func sectionGrid(model: PSFModel, lateralPixelUm: Double, lateralCutoffPerUm: Double?) -> PSFGrid? {
        let lateral: Double, axial: Double, tanAlpha: Double
        if let (na, wavelength, n) = model.optics {
            lateral = PSFMeasurement.theoreticalLateralFWHM(wavelengthUm: wavelength, na: na)
            axial = PSFMeasurement.theoreticalAxialFWHM(wavelengthUm: wavelength, na: na, immersionIndex: n)
            tanAlpha = na / (n * n - na * na).squareRoot()
        } else if case let .gaussian(g) = model, g.fwhmUm.count == 3 {
            (axial, lateral, tanAlpha) = (g.fwhmUm[0], g.fwhmUm[2], 0)
        } else {
            return nil
        }
        let axialHalf = 3 * axial, lateralHalf = axialHalf * tanAlpha + 3 * lateral
        let fine = Swift.min(lateralPixelUm, lateralCutoffPerUm.map { 1 / (4 * $0) } ?? lateral / 8)
        let dx = Swift.max(fine, lateralHalf / 80), dz = Swift.max(fine, axialHalf / 60)
        let nx = 2 * Int((lateralHalf / dx).rounded(.up)) + 1, nz = 2 * Int((axialHalf / dz).rounded(.up)) + 1
        return PSFGrid(shape: [nz, nx, nx], spacingUm: [dz, dx, dx])
    }
}

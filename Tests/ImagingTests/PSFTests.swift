import Foundation
import FluoCore
@testable import Imaging
import Testing

@Suite("PSF models")
struct PSFTests {
    /// Born–Wolf FWHM against 0.51 λ/NA (3 %) and 0.88 λ/(n − √(n² − NA²)) (10 %).
    @Test(arguments: [(1.4, 0.52, 1.518), (0.8, 0.6, 1.0), (1.2, 0.45, 1.333)])
    func bornWolfWidthsMatchTheory(na: Double, wavelength: Double, n: Double) throws {
        let lateralTheory = PSFMeasurement.theoreticalLateralFWHM(wavelengthUm: wavelength, na: na)
        let axialTheory = PSFMeasurement.theoreticalAxialFWHM(wavelengthUm: wavelength, na: na, immersionIndex: n)
        // Pixels of ~1/12 of the lateral FWHM, z steps of ~1/10 of the axial FWHM.
        let dxy = lateralTheory / 12, dz = axialTheory / 10
        let psf = try BornWolfPSF(na: na, wavelengthUm: wavelength, immersionIndex: n)
            .render(on: PSFGrid(shape: [41, 65, 65], spacingUm: [dz, dxy, dxy]), threads: 2)
        let lateral = PSFMeasurement.fwhm(psf, axis: 2), axial = PSFMeasurement.fwhm(psf, axis: 0)
        #expect(abs(lateral / lateralTheory - 1) < 0.03, "lateral \(lateral) vs \(lateralTheory)")
        #expect(abs(axial / axialTheory - 1) < 0.10, "axial \(axial) vs \(axialTheory)")
        #expect(abs(PSFMeasurement.fwhm(psf, axis: 1) / lateral - 1) < 1e-3, "not radially symmetric")
        #expect(abs(psf.sum() - 1) < 1e-5)
        #expect(psf.argmax() == [20, 32, 32])
    }

    /// With matched indices the widefield PSF is symmetric about the focal plane.
    @Test func bornWolfIsSymmetricAboutFocus() throws {
        let psf = try BornWolfPSF(na: 1.3, wavelengthUm: 0.55, immersionIndex: 1.515)
            .render(on: PSFGrid(shape: [31, 33, 33], spacingUm: [0.1, 0.04, 0.04]))
        let peak = Double(psf.extrema().max)
        for dz in 1...15 {
            let above = psf.plane(15 - dz), below = psf.plane(15 + dz)
            let worst = zip(above.data, below.data).map { Double(abs($0 - $1)) }.max()!
            #expect(worst < 1e-5 * peak, "planes ±\(dz) differ by \(worst / peak) of the peak")
        }
    }

    /// Gibson–Lanni with every index equal to the immersion index and the source at the
    /// coverslip reduces to Born–Wolf (independent W formulas, same integrator).
    /// Across a square-root branch point (a critical angle) plain Simpson converges slowly;
    /// the split, smoothed quadrature integrates ∫₀¹ √|ρ − 0.7| dρ to 1e-6 with 64 intervals.
    @Test func quadratureHandlesBranchPoints() {
        let exact = (2.0 / 3) * (pow(0.7, 1.5) + pow(0.3, 1.5))
        func integral(_ q: (rho: [Double], weight: [Double])) -> Double {
            zip(q.rho, q.weight).reduce(0) { $0 + $1.1 * sqrt(abs($1.0 - 0.7)) }
        }
        let plain = integral(ScalarDiffraction.quadrature(intervals: 64, branchPoints: []))
        let split = integral(ScalarDiffraction.quadrature(intervals: 64, branchPoints: [0.7]))
        #expect(abs(split - exact) < 1e-6, "split \(split - exact)")
        #expect(abs(plain - exact) > 1e-4, "plain Simpson should show the kink (\(plain - exact))")
        let weights = ScalarDiffraction.quadrature(intervals: 64, branchPoints: [0.7]).weight.reduce(0, +)
        #expect(abs(weights - 1) < 1e-12)
    }

    @Test func gibsonLanniMatchedEqualsBornWolf() throws {
        let grid = PSFGrid(shape: [21, 41, 41], spacingUm: [0.1, 0.05, 0.05])
        let bw = try BornWolfPSF(na: 1.4, wavelengthUm: 0.6, immersionIndex: 1.515).render(on: grid)
        let gl = try GibsonLanniPSF(na: 1.4, wavelengthUm: 0.6, immersionIndex: 1.515, coverslipIndex: 1.515,
                                    depthUm: 0).render(on: grid)
        #expect(relativeL2(gl, bw) < 0.01)
    }

    /// A sample index below the immersion index (oil objective into water) at depth makes the
    /// PSF axially asymmetric and wider: spherical aberration.
    @Test func indexMismatchBreaksAxialSymmetry() throws {
        let grid = PSFGrid(shape: [41, 33, 33], spacingUm: [0.1, 0.05, 0.05])
        let matched = try GibsonLanniPSF(na: 1.4, wavelengthUm: 0.6, immersionIndex: 1.515).render(on: grid)
        let aberrated = try GibsonLanniPSF(na: 1.4, wavelengthUm: 0.6, immersionIndex: 1.515, sampleIndex: 1.33,
                                           depthUm: 10).render(on: grid)
        let flipped = Volume(shape: aberrated.shape, spacingUm: aberrated.spacingUm,
                             data: (0..<41).reversed().flatMap { aberrated.plane($0).data })
        #expect(relativeL2(aberrated, flipped) > 0.3)
        #expect(PSFMeasurement.fwhm(aberrated, axis: 0) > 1.3 * PSFMeasurement.fwhm(matched, axis: 0))
        #expect(Double(aberrated.extrema().max) < 0.8 * Double(matched.extrema().max))
    }

    /// Small-pinhole confocal: h_ex·h_em at one wavelength is the widefield PSF squared, so its
    /// widths shrink by about 1/√2 (0.72 for the Airy core); opening the pinhole widens it
    /// towards the excitation PSF.
    @Test func confocalNarrowsWithSmallPinhole() throws {
        let grid = PSFGrid(shape: [41, 65, 65], spacingUm: [0.05, 0.02, 0.02])
        let optics = GibsonLanniPSF(na: 1.4, wavelengthUm: 0.52, immersionIndex: 1.518)
        let widefield = try optics.render(on: grid)
        func confocal(_ pinhole: Double) throws -> Volume {
            try ConfocalPSF(emission: optics, excitationWavelengthUm: 0.52, pinholeAU: pinhole).render(on: grid, threads: 2)
        }
        let closed = try confocal(0), one = try confocal(1), open = try confocal(6)
        let wLateral = PSFMeasurement.fwhm(widefield, axis: 2), wAxial = PSFMeasurement.fwhm(widefield, axis: 0)
        let ratioLateral = PSFMeasurement.fwhm(closed, axis: 2) / wLateral
        let ratioAxial = PSFMeasurement.fwhm(closed, axis: 0) / wAxial
        #expect(ratioLateral > 0.68 && ratioLateral < 0.76, "lateral ratio \(ratioLateral)")
        #expect(ratioAxial > 0.66 && ratioAxial < 0.78, "axial ratio \(ratioAxial)")
        let lateral = [closed, one, open].map { PSFMeasurement.fwhm($0, axis: 2) }
        #expect(lateral[0] < lateral[1] && lateral[1] < lateral[2] && lateral[2] <= wLateral * 1.01)
    }

    @Test func gaussianHasRequestedWidths() throws {
        let psf = try GaussianPSF(fwhmUm: [0.6, 0.2, 0.25]).render(on: PSFGrid(shape: [41, 61, 61], spacingUm: [0.05, 0.01, 0.01]))
        #expect(abs(PSFMeasurement.fwhm(psf, axis: 0) / 0.6 - 1) < 0.01)
        #expect(abs(PSFMeasurement.fwhm(psf, axis: 1) / 0.2 - 1) < 0.01)
        #expect(abs(PSFMeasurement.fwhm(psf, axis: 2) / 0.25 - 1) < 0.01)
        #expect(abs(psf.sum() - 1) < 1e-5)
    }

    /// A measured stack (here a fine Gaussian, off-centre, on a background) resampled onto a
    /// coarser grid matches the Gaussian rendered on that grid directly.
    @Test func measuredPSFIsCleanedCentredAndResampled() throws {
        let model = GaussianPSF(fwhmUm: [0.8, 0.3, 0.3])
        var fine = try model.render(on: PSFGrid(shape: [61, 101, 101], spacingUm: [0.05, 0.02, 0.02]))
        fine = fine.map { $0 * 1000 + 12 }  // counts on a flat background
        // Move the bead off-centre by dropping leading planes, rows and columns.
        let shifted = Volume(shape: [55, 91, 93], spacingUm: fine.spacingUm,
                             data: (6..<61).flatMap { z in (10..<101).flatMap { y in (8..<101).map { x in fine[z, y, x] } } })
        let coarseGrid = PSFGrid(shape: [15, 25, 25], spacingUm: [0.15, 0.06, 0.06])
        let measured = try MeasuredPSF(stack: shifted).render(on: coarseGrid)
        let direct = try model.render(on: coarseGrid)
        #expect(measured.argmax() == [7, 12, 12])
        #expect(relativeL2(measured, direct) < 0.03)
        #expect(abs(measured.sum() - 1) < 1e-5)
    }

    /// The OTF is 1 at zero frequency and vanishes beyond the lateral cut-off 2 NA/λ.
    @Test func otfHasUnitDCAndCutoff() throws {
        let na = 1.2, wavelength = 0.5
        let psf = try BornWolfPSF(na: na, wavelengthUm: wavelength, immersionIndex: 1.333)
            .render(on: PSFGrid(shape: [128, 128], spacingUm: [0.04, 0.04]))
        let otf = OTF.magnitude(of: psf)
        #expect(abs(otf[64, 64] - 1) < 1e-6)
        let cutoff = OTF.lateralCutoff(na: na, wavelengthUm: wavelength)   // 4.8 cycles/µm
        let step = otf.spacingUm[1]                                       // 1/(128·0.04) cycles/µm
        let inside = otf[64, 64 + Int(0.5 * cutoff / step)], beyond = otf[64, 64 + Int((1.15 * cutoff / step).rounded(.up))]
        #expect(inside > 0.2)
        #expect(beyond < 0.01)
    }

    @Test func invalidOpticsAreRejectedWithTheKey() {
        #expect(throws: ImagingError.invalidParameter("na", "must be below the immersion index 1.33, got 1.4")) {
            try BornWolfPSF(na: 1.4, wavelengthUm: 0.5, immersionIndex: 1.33).render(on: PSFGrid(shape: [9, 9], spacingUm: [0.1, 0.1]))
        }
        #expect(throws: ImagingError.self) {
            try GaussianPSF(fwhmUm: [-1, 0.2]).render(on: PSFGrid(shape: [9, 9], spacingUm: [0.1, 0.1]))
        }
    }
}

/// ‖a − b‖₂ / ‖b‖₂.
func relativeL2(_ a: Volume, _ b: Volume) -> Double {
    var difference = 0.0, norm = 0.0
    for (x, y) in zip(a.data, b.data) {
        difference += Double(x - y) * Double(x - y)
        norm += Double(y) * Double(y)
    }
    return (difference / norm).squareRoot()
}

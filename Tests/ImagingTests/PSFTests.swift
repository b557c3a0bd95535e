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
        print("NA \(na) λ \(wavelength) n \(n): lateral \(lateral) vs \(lateralTheory); axial \(axial) vs \(axialTheory)")
        #expect(abs(lateral / lateralTheory - 1) < 0.03)
        #expect(abs(axial / axialTheory - 1) < 0.10)
        #expect(abs(psf.sum() - 1) < 1e-5)
    }
}

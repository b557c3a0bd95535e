import FluoCore
import Foundation
@testable import Imaging
import Testing

/// The out-of-focus layers: where they lie and how the defocused PSF spreads their light.
@Suite("Out-of-focus light")
struct OutOfFocusTests {
    @Test func layersLieSymmetricallyAroundTheFocus() {
        #expect(OutOfFocus(thicknessUm: 2, layersPerSide: 2).depthsUm == [-1, -0.5, 0.5, 1])
        #expect(OutOfFocus(thicknessUm: 3, layersPerSide: 1).depthsUm == [-1.5, 1.5])
    }

    /// Born–Wolf slices 1 µm above and below the focus (NA 1.4, oil): each holds all its light
    /// (unit sum), the two are mirror images, and their RMS radius is that of geometric optics
    /// (within 10 %): a ray through pupil radius ρ (sin θ = s·ρ, s = NA/n, uniform over the
    /// pupil) lands at |z|·tan θ, so E[r²] = z²·∫₀¹ 2ρ·s²ρ²/(1 − s²ρ²) dρ = z²·(−s² − ln(1 − s²))/s².
    /// The slices nearer focus are narrower.
    @Test func defocusedSlicesFollowGeometricOptics() throws {
        let outOfFocus = OutOfFocus(thicknessUm: 2, layersPerSide: 2)
        let (na, n) = (1.4, 1.518)
        let grid = outOfFocus.psfGrid(spacingUm: [0.05, 0.05], na: na, immersionIndex: n, halfWidthUm: 0.5)
        let psf = try BornWolfPSF(na: na, wavelengthUm: 0.52, immersionIndex: n).render(on: grid, threads: 2)
        let slices = outOfFocus.defocusedSlices(of: psf)
        #expect(slices.count == 4)
        for slice in slices { #expect(abs(slice.sum() - 1) < 1e-4) }
        func rmsRadius(_ slice: Volume) -> Double {
            let ny = slice.shape[0], nx = slice.shape[1]
            var total = 0.0
            for y in 0..<ny {
                for x in 0..<nx {
                    let r2 = pow(Double(y - ny / 2) * 0.05, 2) + pow(Double(x - nx / 2) * 0.05, 2)
                    total += r2 * Double(slice.data[y * nx + x])
                }
            }
            return total.squareRoot()
        }
        let radii = slices.map(rmsRadius)
        let s2 = (na / n) * (na / n)
        let geometric = 1 * ((-s2 - log(1 - s2)) / s2).squareRoot()
        #expect(abs(radii[0] / geometric - 1) < 0.10, "RMS radius \(radii[0]) µm at −1 µm against \(geometric) µm")
        #expect(abs(radii[0] / radii[3] - 1) < 0.02, "above and below: \(radii[0]) and \(radii[3]) µm")
        #expect(radii[1] < 0.7 * radii[0] && radii[2] < 0.7 * radii[3])
    }

    /// The haze stage adds its image; a wrongly shaped haze is refused.
    @Test func hazeStageAdds() throws {
        let image = Volume(shape: [4, 4], repeating: 1), haze = Volume(shape: [4, 4], repeating: 0.5)
        let out = try HazeStage(haze).apply(image, stream: RandomStream(seed: 0), threads: 1)
        #expect(out.data.allSatisfy { $0 == 1.5 })
        #expect(throws: ImagingError.self) { try HazeStage(Volume(shape: [3, 4])).apply(image, stream: RandomStream(seed: 0), threads: 1) }
    }

    @Test func badParametersAreRefused() {
        #expect(throws: ImagingError.self) { try OutOfFocus(thicknessUm: 0).validate() }
        #expect(throws: ImagingError.self) { try OutOfFocus(thicknessUm: 2, layersPerSide: 0).validate() }
        #expect(throws: ImagingError.self) { try OutOfFocus(thicknessUm: 2, weight: -1).validate() }
    }
}

import FluoCore
import Foundation

/// Point-scanning confocal PSF: the excitation PSF times the emission PSF seen through the
/// pinhole, h = h_ex · (h_em ⊛ D), where D is the pinhole's back-projected disk of radius
/// `pinhole_au` · 0.61 λ_em/NA (one Airy unit is the Airy disk's diameter, 1.22 λ_em/NA).
/// A pinhole of 0 AU is the ideal small-pinhole limit h = h_ex · h_em (T. Wilson and
/// C. Sheppard, *Theory and Practice of Scanning Optical Microscopy*, 1984, ch. 3).
///
/// Both PSFs come from the Gibson–Lanni model (Born–Wolf when the indices match) with the
/// same objective and layers; only the wavelength differs. Spec keys are those of
/// `gibson-lanni` plus `excitation_wavelength_um` and `pinhole_au`.
public struct ConfocalPSF: PointSpreadFunction, Codable, Equatable {
    /// Objective, layers and emission wavelength.
    public var emission: GibsonLanniPSF
    /// Excitation wavelength in µm.
    public var excitationWavelengthUm: Double
    /// Pinhole diameter in Airy units of the emission (0: the small-pinhole limit).
    public var pinholeAU: Double

    public init(emission: GibsonLanniPSF, excitationWavelengthUm: Double, pinholeAU: Double = 1) {
        self.emission = emission
        self.excitationWavelengthUm = excitationWavelengthUm
        self.pinholeAU = pinholeAU
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case excitationWavelengthUm = "excitation_wavelength_um"
        case pinholeAU = "pinhole_au"
    }

    /// Every key a confocal spec may hold.
    public static var allKeys: [String] {
        CodingKeys.allCases.map(\.stringValue) + GibsonLanniPSF.CodingKeys.allCases.map(\.stringValue)
    }

    public init(from decoder: Decoder) throws {
        emission = try GibsonLanniPSF(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        excitationWavelengthUm = try container.decode(Double.self, forKey: .excitationWavelengthUm)
        pinholeAU = try container.decodeIfPresent(Double.self, forKey: .pinholeAU) ?? 1
    }

    public func encode(to encoder: Encoder) throws {
        try emission.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(excitationWavelengthUm, forKey: .excitationWavelengthUm)
        try container.encode(pinholeAU, forKey: .pinholeAU)
    }

    public func validate() throws {
        try emission.validate()
        try require(excitationWavelengthUm > 0 && excitationWavelengthUm < 10, "excitation_wavelength_um",
                    "must be a wavelength in µm (0–10), got \(excitationWavelengthUm)")
        try require(pinholeAU >= 0 && pinholeAU <= 20, "pinhole_au", "must be between 0 and 20 Airy units, got \(pinholeAU)")
    }

    public func render(on grid: PSFGrid, threads: Int = 1) throws -> Volume {
        try validate()
        try grid.validate()
        var excitation = emission
        excitation.wavelengthUm = excitationWavelengthUm
        let factor = grid.lateralOversampling(wavelengthUm: Swift.min(excitationWavelengthUm, emission.wavelengthUm),
                                              na: emission.na)
        let (dy, dx) = grid.lateralSpacingUm
        let ny = grid.shape[grid.rank - 2], nx = grid.shape[grid.rank - 1]
        let fine = LateralSupersampling(ny: ny, nx: nx, dyUm: dy, dxUm: dx, factor: factor)
        let planes = grid.planeOffsetsUm.count

        let exciting = excitation.diffraction.intensity(on: grid, supersampling: factor, threads: threads)
        var detected = emission.diffraction.intensity(on: grid, supersampling: factor, threads: threads)
        if pinholeAU > 0 {
            let radiusUm = pinholeAU * 0.61 * emission.wavelengthUm / emission.na
            let disk = ConfocalPSF.disk(radiusUm: radiusUm, dyUm: dy / Double(factor), dxUm: dx / Double(factor))
            let convolver = try FFTConvolver(kernel: disk, imageShape: [fine.fineY, fine.fineX], threads: threads)
            let workspace = convolver.makeWorkspace()
            var blurred = [Float](repeating: 0, count: detected.count)
            detected.withUnsafeBufferPointer { input in
                blurred.withUnsafeMutableBufferPointer { output in
                    for plane in 0..<planes {
                        let range = plane * fine.count ..< (plane + 1) * fine.count
                        convolver.apply(UnsafeBufferPointer(rebasing: input[range]),
                                        into: UnsafeMutableBufferPointer(rebasing: output[range]), workspace: workspace)
                    }
                }
            }
            detected = blurred
        }
        for i in detected.indices { detected[i] *= exciting[i] }
        var psf = Volume(shape: grid.shape, spacingUm: grid.spacingUm, data: fine.bin(detected, planeCount: planes))
        try psf.normaliseToUnitSum()
        return psf
    }

    /// A disk of radius `radiusUm`, each sample holding its covered area fraction (8 × 8
    /// sub-samples), on an odd grid centred at n/2.
    static func disk(radiusUm: Double, dyUm: Double, dxUm: Double) -> Volume {
        let halfY = Int((radiusUm / dyUm).rounded(.up)) + 1, halfX = Int((radiusUm / dxUm).rounded(.up)) + 1
        var disk = Volume(shape: [2 * halfY + 1, 2 * halfX + 1], spacingUm: [dyUm, dxUm])
        let sub = 8
        for y in 0..<disk.shape[0] {
            for x in 0..<disk.shape[1] {
                var inside = 0
                for a in 0..<sub {
                    for b in 0..<sub {
                        let py = (Double(y - halfY) + (Double(a) + 0.5) / Double(sub) - 0.5) * dyUm
                        let px = (Double(x - halfX) + (Double(b) + 0.5) / Double(sub) - 0.5) * dxUm
                        if py * py + px * px <= radiusUm * radiusUm { inside += 1 }
                    }
                }
                disk[y, x] = Float(inside) / Float(sub * sub)
            }
        }
        return disk
    }
}

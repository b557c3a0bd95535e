import FluoCore
import Foundation
@testable import Imaging
import Testing

@Suite("Richardson–Lucy deconvolution")
struct RichardsonLucyTests {
    static let spacing = [0.08, 0.08]

    /// Beads: bright 2×2 blocks on a black background, seeded positions (the PSF's FWHM,
    /// 0.26 µm, is about 3 pixels).
    static func beads(side: Int = 64, count: Int = 12, seed: UInt64 = 7) -> Volume {
        var random = RandomStream(seed: seed)
        var object = Volume(shape: [side, side], spacingUm: spacing)
        for _ in 0..<count {
            let y = 4 + random.integer(below: side - 8), x = 4 + random.integer(below: side - 8)
            for dy in 0..<2 { for dx in 0..<2 { object[y + dy, x + dx] += 100 } }
        }
        return object
    }

    static func psf() throws -> Volume {
        try BornWolfPSF(na: 1.2, wavelengthUm: 0.6, immersionIndex: 1.33).render(on: PSFGrid(shape: [33, 33], spacingUm: spacing))
    }

    static func rmse(_ a: Volume, _ b: Volume) -> Double {
        (zip(a.data, b.data).reduce(0.0) { $0 + pow(Double($1.0) - Double($1.1), 2) } / Double(a.count)).squareRoot()
    }

    /// Σ |∇u| with forward differences.
    static func totalVariation(_ u: Volume) -> Double {
        var total = 0.0
        for y in 0..<(u.shape[0] - 1) {
            for x in 0..<(u.shape[1] - 1) {
                total += hypot(Double(u[y + 1, x] - u[y, x]), Double(u[y, x + 1] - u[y, x]))
            }
        }
        return total
    }

    /// Blurred beads with Poisson noise: RL brings the image much closer to the object, and with
    /// a periodic boundary every iteration keeps the total intensity of the data (to 1e-3).
    @Test func improvesNoisyBeadsAndConservesIntensity() throws {
        let object = Self.beads(), psf = try Self.psf()
        let blurred = try FFTConvolver(kernel: psf, imageShape: object.shape, boundary: .periodic).apply(object)
        var random = RandomStream(seed: 11)
        let data = blurred.map { Float(random.poisson(Double($0) * 20) / 20) }
        let parameters = RichardsonLucyParameters(iterations: 30, boundary: .periodic)
        let deconvolution = try RichardsonLucy(psf: psf, imageShape: data.shape, parameters: parameters)
        let total = data.sum()
        var worstDrift = 0.0
        let restored = deconvolution.run(data) { _, estimate in
            worstDrift = max(worstDrift, abs(estimate.sum() - total) / total)
        }
        #expect(worstDrift < 1e-3, "total intensity drifted by \(worstDrift)")
        let before = Self.rmse(data, object), after = Self.rmse(restored, object)
        #expect(after < 0.4 * before, "RMSE to the object: blurred \(before), RL \(after)")
    }

    /// λ > 0 makes the result smoother (lower total variation) than plain RL from the same data.
    @Test func totalVariationRegularisationSmooths() throws {
        let object = Self.beads(seed: 3), psf = try Self.psf()
        let blurred = try FFTConvolver(kernel: psf, imageShape: object.shape, boundary: .zero).apply(object)
        var random = RandomStream(seed: 5)
        let data = blurred.map { Float(random.poisson(Double($0) * 5) / 5) }
        func run(_ lambda: Double) throws -> Volume {
            try RichardsonLucy(psf: psf, imageShape: data.shape, parameters: RichardsonLucyParameters(iterations: 25, tvWeight: lambda)).run(data)
        }
        let plain = Self.totalVariation(try run(0)), regularised = Self.totalVariation(try run(0.05))
        #expect(regularised < 0.85 * plain, "total variation: λ = 0 \(plain), λ = 0.05 \(regularised)")
    }

    /// A noiseless blurred point sharpens back: higher peak, narrower profile, same position.
    @Test func sharpensABlurredPoint() throws {
        var point = Volume(shape: [48, 48], spacingUm: Self.spacing)
        point[24, 24] = 1000
        let psf = try Self.psf()
        let blurred = try FFTConvolver(kernel: psf, imageShape: point.shape, boundary: .periodic).apply(point)
        let restored = try RichardsonLucy(psf: psf, imageShape: point.shape,
                                          parameters: RichardsonLucyParameters(iterations: 50, boundary: .periodic)).run(blurred)
        #expect(restored.argmax() == [24, 24])
        #expect(restored[24, 24] > 5 * blurred[24, 24], "peak: blurred \(blurred[24, 24]), RL \(restored[24, 24])")
        // Nearly all the light within one pixel of the centre (blurred: about half).
        let core = { (image: Volume) in (23...25).flatMap { y in (23...25).map { x in Double(image[y, x]) } }.reduce(0, +) / image.sum() }
        #expect(core(restored) > 0.9 && core(blurred) < 0.6, "fraction within a pixel: blurred \(core(blurred)), RL \(core(restored))")
    }

    /// The object is a fixed point of the update for data H·object + b exactly when b is modelled
    /// (the ratio d/(H u + b) is then 1 everywhere and Hᵀ1/Hᵀ1 = 1, for either boundary); ignoring b
    /// changes it.
    @Test func objectIsAFixedPointWithTheBackgroundModelled() throws {
        let object = Self.beads(seed: 9), psf = try Self.psf()
        for boundary in FFTConvolver.Boundary.allCases {
            let data = try FFTConvolver(kernel: psf, imageShape: object.shape, boundary: boundary).apply(object).map { $0 + 100 }
            let modelled = try RichardsonLucy(psf: psf, imageShape: object.shape, parameters: RichardsonLucyParameters(background: 100, boundary: boundary))
            let ignored = try RichardsonLucy(psf: psf, imageShape: object.shape, parameters: RichardsonLucyParameters(boundary: boundary))
            #expect(Self.rmse(modelled.update(object, data: data), object) < 1e-3 * Self.rmse(object, Volume(shape: object.shape)), "\(boundary)")
            #expect(Self.rmse(ignored.update(object, data: data), object) > 1, "\(boundary)")
        }
    }

    /// Hᵀ is the adjoint of H: ⟨Hx, y⟩ = ⟨x, Hᵀy⟩ for an asymmetric, even-sized kernel, both boundaries.
    @Test func mirroredKernelGivesTheAdjoint() throws {
        var random = RandomStream(seed: 2)
        let kernel = Volume(shape: [6, 5], data: (0..<30).map { _ in Float(random.uniform()) })
        let x = Volume(shape: [20, 17], data: (0..<340).map { _ in Float(random.uniform()) })
        let y = Volume(shape: [20, 17], data: (0..<340).map { _ in Float(random.uniform()) })
        for boundary in FFTConvolver.Boundary.allCases {
            let hx = try FFTConvolver(kernel: kernel, imageShape: x.shape, boundary: boundary).apply(x)
            let hty = try FFTConvolver(kernel: RichardsonLucy.mirrored(kernel), imageShape: y.shape, boundary: boundary).apply(y)
            let left = zip(hx.data, y.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let right = zip(x.data, hty.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(left - right) < 1e-4 * abs(left), "\(boundary): \(left) vs \(right)")
        }
    }

    @Test func rejectsBadParameters() throws {
        let psf = try Self.psf()
        for parameters in [RichardsonLucyParameters(iterations: 0), RichardsonLucyParameters(tvWeight: 0.25),
                           RichardsonLucyParameters(background: -1)] {
            #expect(throws: ImagingError.self) { try RichardsonLucy(psf: psf, imageShape: [32, 32], parameters: parameters) }
        }
    }
}

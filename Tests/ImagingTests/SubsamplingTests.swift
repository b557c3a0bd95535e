import FluoCore
import Foundation
@testable import Imaging
import Testing

@Suite("Axis resampling")
struct SubsamplingTests {
    /// value = a + b·index along x, constant across other axes.
    static func ramp(_ shape: [Int], a: Float = 3, b: Float = 0.5) -> Volume {
        let n = shape.last!
        return Volume(shape: shape, spacingUm: shape.map { _ in 0.1 }, data: (0..<shape.reduce(1, *)).map { a + b * Float($0 % n) })
    }

    @Test(arguments: [(64, 2.5, AxisResampling.Mode.point, 26), (64, 2.5, .integrate, 25), (10, 4.0 / 3.0, .point, 7),
                      (10, 4.0 / 3.0, .integrate, 7), (17, 1.0, .point, 17), (64, 10.2, .point, 7), (64, 10.2, .integrate, 6)])
    func shapesAndSpacingForNonIntegerFactors(n: Int, factor: Double, mode: AxisResampling.Mode, expected: Int) throws {
        let step = AxisResampling(axis: .x, factor: factor, mode: mode)
        let output = try step.apply(Self.ramp([3, n]))
        #expect(output.shape == [3, expected])
        #expect(output.spacingUm[1] == 0.1 * factor)
        #expect(output.spacingUm[0] == 0.1)
    }

    /// Point sampling at j·f (interpolated) reproduces a linear ramp exactly.
    @Test func pointSamplingIsExactOnARamp() throws {
        let output = try AxisResampling(axis: .x, factor: 2.7, mode: .point).apply(Self.ramp([2, 50]))
        for j in 0..<output.shape[1] { #expect(abs(output[1, j] - (3 + 0.5 * Float(2.7 * Double(j)))) < 1e-4) }
    }

    /// Integration averages the piecewise-constant samples over [j·f, (j+1)·f): on a ramp that
    /// is the ramp at the slab centre minus ½ sample, where the slab has no partial ends…
    /// and, in general, a weighted mean of the covered samples with weights summing to 1.
    @Test func integrationAveragesTheSlab() throws {
        let ramp = Self.ramp([1, 60])
        let integer = try AxisResampling(axis: .x, factor: 3, mode: .integrate).apply(ramp)
        for j in 0..<20 { #expect(abs(integer[0, j] - (3 + 0.5 * Float(3 * j + 1))) < 1e-5) }
        let fractional = try AxisResampling(axis: .x, factor: 2.5, mode: .integrate).apply(ramp)
        // Slab j = [2.5j, 2.5j + 2.5): ∫ of the step function / 2.5.
        for j in 0..<24 {
            let start = 2.5 * Double(j), end = start + 2.5
            var total = 0.0
            for i in Int(start)..<Int(end.rounded(.up)) {
                total += (min(end, Double(i + 1)) - max(start, Double(i))) * (3 + 0.5 * Double(i))
            }
            #expect(abs(Double(fractional[0, j]) - total / 2.5) < 1e-4)
        }
    }

    @Test(arguments: AxisResampling.Mode.allCases)
    func meanIntensityIsPreserved(mode: AxisResampling.Mode) throws {
        // A smooth structured stack: subsampling along z keeps its mean.
        var stack = Volume(shape: [60, 16, 16], spacingUm: [0.1, 0.1, 0.1])
        for z in 0..<60 { for y in 0..<16 { for x in 0..<16 {
            stack[z, y, x] = 10 + 4 * Float(sin(Double(z) * 0.37 + Double(x) * 0.2)) + Float(y % 3)
        } } }
        let down = try AxisResampling(axis: .z, factor: 3, mode: mode).apply(stack)
        #expect(down.shape == [20, 16, 16])
        #expect(abs(down.mean() / stack.mean() - 1) < 0.01)
        let constant = try AxisResampling(axis: .y, factor: 2.6, mode: mode).apply(Volume(shape: [4, 33, 5], repeating: 7))
        #expect(constant.data.allSatisfy { abs($0 - 7) < 1e-5 })
    }

    @Test(arguments: AxisResampling.Mode.allCases)
    func upsamplingInvertsSubsamplingOnARamp(mode: AxisResampling.Mode) throws {
        let step = AxisResampling(axis: .x, factor: 4, mode: mode)
        let ramp = Self.ramp([2, 41])
        let up = try step.upsample(try step.apply(ramp), count: 41)
        #expect(up.shape == [2, 41])
        #expect(abs(up.spacingUm[1] - 0.1) < 1e-12)
        // Exact between the first and last coarse sample positions.
        let first = mode == .point ? 0 : 2, last = mode == .point ? 40 : 37
        for i in first...last { #expect(abs(up[1, i] - ramp[1, i]) < 1e-4, "sample \(i)") }
    }

    @Test func invalidFactorsAndAxesAreRejected() {
        #expect(throws: ImagingError.self) { try AxisResampling(axis: .x, factor: 0.5).apply(Volume(shape: [4, 4])) }
        #expect(throws: ImagingError.self) { try AxisResampling(axis: .z, factor: 2).apply(Volume(shape: [4, 4])) }
    }
}

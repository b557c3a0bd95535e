import FluoCore
@testable import Imaging
import Testing

@Suite("Perlin background")
struct BackgroundTests {
    /// Mean squared difference between x-neighbours.
    static func roughness(_ v: Volume) -> Double {
        var total = 0.0, count = 0
        let n = v.shape.last!
        for i in 0..<(v.count - 1) where (i + 1) % n != 0 {
            total += Double(v.data[i + 1] - v.data[i]) * Double(v.data[i + 1] - v.data[i])
            count += 1
        }
        return total / Double(count)
    }

    @Test func valuesStayInRangeAndVary() throws {
        let background = PerlinBackground(amplitude: 30, featureSizeUm: 2, offset: 5)
        for shape in [[128, 128], [16, 64, 64]] {
            let v = try background.render(shape: shape, spacingUm: shape.map { _ in 0.1 }, stream: RandomStream(seed: 1))
            let (low, high) = v.extrema()
            #expect(low >= 5 && high <= 35)
            #expect(high - low > 10, "too flat: \(low)…\(high)")
            #expect(abs(v.mean() - 20) < 5)
        }
    }

    /// Doubling the feature size stretches the pattern by two, so neighbour differences
    /// halve and their mean square drops by four.
    @Test func featureSizeSetsTheScale() throws {
        let stream = RandomStream(seed: 9)
        let fine = try PerlinBackground(amplitude: 1, featureSizeUm: 2, octaves: 1)
            .render(shape: [256, 256], spacingUm: [0.05, 0.05], stream: stream)
        let coarse = try PerlinBackground(amplitude: 1, featureSizeUm: 4, octaves: 1)
            .render(shape: [256, 256], spacingUm: [0.05, 0.05], stream: stream)
        let ratio = Self.roughness(fine) / Self.roughness(coarse)
        #expect(ratio > 3 && ratio < 5.3, "roughness ratio \(ratio)")
    }

    @Test func patternIsFixedByTheStream() throws {
        let b = PerlinBackground(amplitude: 1, featureSizeUm: 1)
        let a1 = try b.render(shape: [32, 32], spacingUm: [0.1, 0.1], stream: RandomStream(seed: 3))
        let a2 = try b.render(shape: [32, 32], spacingUm: [0.1, 0.1], stream: RandomStream(seed: 3))
        let other = try b.render(shape: [32, 32], spacingUm: [0.1, 0.1], stream: RandomStream(seed: 4))
        #expect(a1 == a2)
        #expect(a1 != other)
        // The pattern is a function of position: a larger field contains the smaller one.
        let larger = try b.render(shape: [48, 40], spacingUm: [0.1, 0.1], stream: RandomStream(seed: 3))
        #expect((0..<32).allSatisfy { y in (0..<32).allSatisfy { x in larger[y, x] == a1[y, x] } })
    }
}

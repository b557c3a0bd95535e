import FluoCore
import Foundation
@testable import Phantoms
import Testing

@Suite("Granules and spherical phantoms")
struct GranuleTests {
    /// Mean and sd of drawn radii within 5 % of the spec over 20 000 granules, for a
    /// log-normal (granules) and a uniform range (spherical phantoms); the hollow fraction
    /// within 2 points.
    @Test func radiusDistributionMatchesSpec() throws {
        let grid = try PhantomGrid(shape: [3000, 3000], spacingUm: [0.1, 0.1])
        let cases: [Distribution] = [.logNormal(mean: 0.15, sd: 0.05), .uniform(min: 0.4, max: 0.7)]
        for radius in cases {
            let (mean, sd) = (radius.mean, radius.standardDeviation)
            let parameters = GranuleParameters(number: ObjectCount(count: 20_000), radiusUm: radius,
                                               shellThicknessUm: 0.02, hollowFraction: 0.3)
            let (granules, summary) = try parameters.granules(in: PhantomField(grid: grid), stream: RandomStream(seed: 4))
            let radii = granules.map(\.radiusUm)
            let m = radii.reduce(0, +) / Double(radii.count)
            let s = (radii.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(radii.count - 1)).squareRoot()
            let hollow = Double(summary.hollowCount) / Double(summary.placedCount)
            print("\(radius): mean \(m) (spec \(mean)), sd \(s) (spec \(sd)), hollow \(hollow)")
            #expect(summary.placedCount == 20_000)
            #expect(abs(m / mean - 1) < 0.05)
            #expect(abs(s / sd - 1) < 0.05)
            #expect(abs(hollow - 0.3) < 0.02)
        }
    }

    /// With `non_overlap` no two spheres come closer than the sum of their radii plus the gap
    /// (3-D RCAN defaults and a crowded 2-D field); without it, the same crowded field has
    /// overlaps, so the check can fail.
    @Test func nonOverlapHolds() throws {
        func closestApproach(_ granules: [Granule], gap: Double) -> Double {
            var worst = Double.infinity
            for i in granules.indices {
                for j in granules.indices where j > i {
                    let g1 = granules[i], g2 = granules[j]
                    worst = Swift.min(worst, (g1.centerUm - g2.centerUm).length - g1.radiusUm - g2.radiusUm - gap)
                }
            }
            return worst
        }
        let grid3 = try PhantomGrid(shape: [64, 128, 128], spacingUm: [0.1, 0.1, 0.1])
        let spheres = GranuleParameters.sphericalPhantomDefaults
        let (placed3, summary3) = try spheres.granules(in: PhantomField(grid: grid3), stream: RandomStream(seed: 1))
        #expect(summary3.placedCount == summary3.requestedCount && summary3.placedCount > 50)
        #expect(closestApproach(placed3, gap: 0) >= 0)

        let grid2 = try PhantomGrid(shape: [200, 200], spacingUm: [0.1, 0.1])
        var crowded = GranuleParameters(number: ObjectCount(count: 150), radiusUm: .uniform(min: 0.3, max: 0.5), nonOverlap: true,
                                        minGapUm: 0.05)
        let (placed2, summary2) = try crowded.granules(in: PhantomField(grid: grid2), stream: RandomStream(seed: 1))
        print("3-D: \(summary3.placedCount) spheres; 2-D crowded: \(summary2.placedCount) of \(summary2.requestedCount) placed")
        #expect(closestApproach(placed2, gap: 0.05) >= 0)
        #expect(summary2.placedCount > 60)
        crowded.nonOverlap = false
        let (free, _) = try crowded.granules(in: PhantomField(grid: grid2), stream: RandomStream(seed: 1))
        #expect(closestApproach(free, gap: 0.05) < 0)
    }

    /// Clustering raises the pair correlation at short range: the number of pairs closer than
    /// 0.6 µm over its expectation under uniform placement (Ripley's K ratio) is about 1 for
    /// uniform granules and several times that for a Poisson cluster process.
    @Test func clusteringRaisesShortRangePairCorrelation() throws {
        let grid = try PhantomGrid(shape: [512, 512], spacingUm: [0.1, 0.1])
        let area = grid.fieldMeasure, range = 0.6
        func kRatio(_ clustering: GranuleParameters.Clustering?) throws -> Double {
            let parameters = GranuleParameters(number: ObjectCount(count: 2000), radiusUm: 0.05, clustering: clustering)
            let (granules, _) = try parameters.granules(in: PhantomField(grid: grid), stream: RandomStream(seed: 9))
            var pairs = 0
            for i in granules.indices {
                for j in granules.indices where j > i && (granules[i].centerUm - granules[j].centerUm).length < range { pairs += 1 }
            }
            let n = Double(granules.count)
            return Double(pairs) / (n * (n - 1) / 2 * Double.pi * range * range / area)
        }
        let uniform = try kRatio(nil)
        let clustered = try kRatio(.init(meanPerCluster: 10, clusterSdUm: 0.3))
        print("pairs within \(range) µm over the uniform expectation: uniform \(uniform), clustered \(clustered)")
        #expect(abs(uniform - 1) < 0.15)
        #expect(clustered > 4 * uniform)
    }

    /// Counts follow the density: Poisson(density × area of the cell inside the field).
    @Test func densityGivesCountsPerArea() throws {
        let grid = try PhantomGrid(shape: [256, 256], spacingUm: [0.1, 0.1])
        let cell = Ellipsoid(centerUm: grid.centerUm, semiAxesUm: PositionUm(2, 10, 6), angleRad: 0.3)
        let field = PhantomField(grid: grid, cell: cell)
        let parameters = GranuleParameters(number: ObjectCount(densityPerUm2: 2))
        var total = 0
        for seed in 0..<40 {
            let (granules, summary) = try parameters.granules(in: field, stream: RandomStream(seed: UInt64(seed)))
            total += summary.requestedCount
            #expect(granules.allSatisfy { cell.contains($0.centerUm) })
        }
        let expected = 2 * Double.pi * 10 * 6  // the ellipse lies inside the field
        print("mean count \(Double(total) / 40), expected \(expected); cell area measured \(field.measure) µm²")
        #expect(abs(field.measure / (Double.pi * 60) - 1) < 1e-3)
        #expect(abs(Double(total) / 40 / expected - 1) < 0.03)
    }
}

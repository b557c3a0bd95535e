import FluoCore
import Foundation
@testable import Phantoms
import Testing

@Suite("Determinism")
struct DeterminismTests {
    /// Every generator at once: microtubules from asters with speckles, clustered hollow
    /// granules and spherical phantoms, on two channels inside a masked cell.
    static let mixture = PhantomParameters(components: [
        PhantomComponent(.microtubules(MicrotubuleParameters(number: ObjectCount(count: 30), persistenceLengthUm: .uniform(min: 5, max: 15),
                                                             nucleation: .asters, asterCount: 2))),
        PhantomComponent(.microtubules(MicrotubuleParameters(number: ObjectCount(count: 10), speckleDensityPerUm: 20)), weight: .uniform(min: 0.5, max: 2)),
        PhantomComponent(.granules(GranuleParameters(number: ObjectCount(count: 80), shellThicknessUm: 0.05, hollowFraction: 0.5,
                                                     clustering: .init(meanPerCluster: 5, clusterSdUm: 0.4))), channel: 1),
        PhantomComponent(.spheres(GranuleParameters.sphericalPhantomDefaults), channel: 1, weight: 0.01),
    ], cell: CellOutline(majorSemiAxisUm: .uniform(min: 5, max: 7), minorSemiAxisUm: 4, zSemiAxisUm: 1))

    /// The same seed gives bit-identical channels and summaries with 1, 2 and 8 threads.
    @Test(arguments: [[96, 128], [12, 96, 128]])
    func sameSeedGivesTheSameVolumeForAnyThreadCount(shape: [Int]) throws {
        let spacing = shape.count == 3 ? [0.2, 0.1, 0.1] : [0.1, 0.1]
        let runs = try [1, 2, 8].map {
            try DeterminismTests.mixture.generate(shape: shape, spacingUm: spacing, stream: RandomStream(seed: 42), threads: $0)
        }
        #expect(runs[0].channels.count == 2)
        #expect(runs[0].channels.allSatisfy { $0.sum() > 0 })
        for run in runs.dropFirst() {
            #expect(run.channels == runs[0].channels)
            #expect(run.summary == runs[0].summary)
        }
    }

    /// A different seed gives a different volume; the cell mask leaves nothing outside the cell.
    @Test func differentSeedGivesADifferentVolume() throws {
        let a = try DeterminismTests.mixture.generate(shape: [96, 128], spacingUm: [0.1, 0.1], stream: RandomStream(seed: 1), threads: 2)
        let b = try DeterminismTests.mixture.generate(shape: [96, 128], spacingUm: [0.1, 0.1], stream: RandomStream(seed: 2), threads: 2)
        #expect(a.channels[0] != b.channels[0])
        #expect(a.channels[1] != b.channels[1])
        #expect(a.summary != b.summary)
        let cell = try #require(a.summary.cell)
        let grid = try PhantomGrid(shape: [96, 128], spacingUm: [0.1, 0.1])
        let coverage = try #require(PhantomField(grid: grid, cell: cell).cellCoverage)
        for channel in a.channels {
            #expect(zip(channel.data, coverage).allSatisfy { $1 > 0 || $0 == 0 })
        }
    }
}

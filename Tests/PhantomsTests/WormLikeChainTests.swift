import FluoCore
import Foundation
@testable import Phantoms
import Testing

/// Tangent–tangent correlation ⟨t(s)·t(0)⟩ of many chains, averaged over all starting
/// vertices, at the given lags (in steps).
func tangentCorrelation(_ chains: [[PositionUm]], lags: [Int]) -> [Int: Double] {
    var sums = [Int: Double](), counts = [Int: Double]()
    for chain in chains {
        let tangents = zip(chain, chain.dropFirst()).map { ($0.1 - $0.0).normalized }
        for lag in lags where lag < tangents.count {
            for i in 0..<(tangents.count - lag) {
                sums[lag, default: 0] += tangents[i].dot(tangents[i + lag])
                counts[lag, default: 0] += 1
            }
        }
    }
    return sums.merging(counts) { $0 / $1 }
}

@Suite("Worm-like chains")
struct WormLikeChainTests {
    /// Persistence length measured back from generated microtubules: the decay length ℓ of
    /// ⟨cos θ(s)⟩ = e^{−s/ℓ}, fitted through the origin over s ≤ ℓ, must be 2Lp in 2-D and
    /// Lp in 3-D within 10 %.
    @Test(arguments: [(2, 0.5), (2, 10.0), (3, 0.5), (3, 10.0)])
    func persistenceLengthIsMeasuredBack(rank: Int, lpUm: Double) throws {
        let decay = rank == 2 ? 2 * lpUm : lpUm
        let parameters = MicrotubuleParameters(number: ObjectCount(count: 2000), persistenceLengthUm: .constant(lpUm),
                                               contourLengthUm: .constant(3 * decay))
        // A large field (never allocated here): chains are free, never clipped.
        let shape = rank == 2 ? [4000, 4000] : [4000, 4000, 4000]
        let grid = try PhantomGrid(shape: shape, spacingUm: Array(repeating: 0.1, count: rank))
        let (filaments, summary) = try parameters.filaments(in: PhantomField(grid: grid), stream: RandomStream(seed: 11), threads: 2)
        #expect(summary.filamentCount == 2000)
        let step = (filaments[0].points[1] - filaments[0].points[0]).length
        let lags = (1...10).map { Int((Double($0) / 10 * decay / step).rounded()) }
        let correlation = tangentCorrelation(filaments.map(\.points), lags: lags)
        // Least squares of −ln C(s) = s/ℓ through the origin, over s ≤ ℓ.
        var ss = 0.0, sl = 0.0
        for lag in lags {
            let s = Double(lag) * step
            ss += s * s
            sl += s * -Foundation.log(correlation[lag]!)
        }
        let measured = ss / sl
        let measuredLp = rank == 2 ? measured / 2 : measured
        print("rank \(rank): Lp spec \(lpUm) µm, measured \(String(format: "%.4f", measuredLp)) µm (step \(step) µm)")
        #expect(abs(measuredLp / lpUm - 1) < 0.10)
    }

    /// Mean contour length of drawn filaments within 5 % of the spec's log-normal mean.
    @Test func meanContourLengthMatchesSpec() throws {
        let parameters = MicrotubuleParameters(number: ObjectCount(count: 3000), persistenceLengthUm: 5,
                                               contourLengthUm: .logNormal(mean: 6, sd: 3))
        let grid = try PhantomGrid(shape: [2000, 2000], spacingUm: [0.1, 0.1])
        let (filaments, summary) = try parameters.filaments(in: PhantomField(grid: grid), stream: RandomStream(seed: 5), threads: 2)
        let lengths = filaments.map { zip($0.points, $0.points.dropFirst()).reduce(0.0) { $0 + ($1.1 - $1.0).length } }
        let mean = lengths.reduce(0, +) / Double(lengths.count)
        let sd = (lengths.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(lengths.count - 1)).squareRoot()
        print("contour length: mean \(mean) µm (spec 6), sd \(sd) µm (spec 3)")
        #expect(abs(mean / 6 - 1) < 0.05)
        #expect(abs(sd / 3 - 1) < 0.10)
        #expect(abs(summary.meanContourLengthUm - mean) < 1e-9)
    }

    /// Chains confined to a cell stay inside it; bending keeps their full length, stopping
    /// shortens some.
    @Test(arguments: [2, 3])
    func chainsStayInTheCell(rank: Int) throws {
        let shape = rank == 2 ? [200, 300] : [40, 200, 300]
        let grid = try PhantomGrid(shape: shape, spacingUm: Array(repeating: 0.1, count: rank))
        let cell = Ellipsoid(centerUm: grid.centerUm, semiAxesUm: PositionUm(rank == 3 ? 1.5 : 1, 12, 7), angleRad: 0.4)
        let field = PhantomField(grid: grid, cell: cell)
        for rule in WormLikeChain.BoundaryRule.allCases {
            let parameters = MicrotubuleParameters(number: ObjectCount(count: 200), persistenceLengthUm: 20,
                                                   contourLengthUm: .constant(15), atBoundary: rule)
            let (filaments, _) = try parameters.filaments(in: field, stream: RandomStream(seed: 2), threads: 2)
            let worst = filaments.flatMap(\.points).map(cell.quadraticForm).max()!
            let lengths = filaments.map(\.contourLengthUm)
            print("rank \(rank) \(rule): max Q \(worst), lengths \(lengths.min()!)–\(lengths.max()!) µm")
            #expect(worst <= 1 + 1e-9)
            if rule == .bend {
                // Points pulled back onto the outline change a bent chain's length a little.
                #expect(lengths.allSatisfy { abs($0 / 15 - 1) < 0.01 })
            } else {
                #expect(lengths.filter { $0 < 14.9 }.count > 100)
            }
        }
    }
}

import FluoCore
import Foundation

/// Sub-voxel rendering of a tube of diameter d = 2r along a polyline, with brightness λ per
/// µm of filament (the amount of dye per µm).
///
/// Each segment is cut into m = ⌈ℓ / (Δmin/8)⌉ equal pieces carrying λℓ/m each. At a
/// piece's midpoint the tube's cross-section is integrated over the voxels exactly along one
/// direction across the tube: the cross-section is a set of chords along the first normal
/// e₁, and the part of a chord inside each voxel is found from where the chord crosses the
/// voxel faces, so each voxel gets the chord's mass between its crossings, F(u_b) − F(u_a).
///
/// - 2-D (the projection of the tube): one chord through the axis, u ∈ [−r, r], with the
///   projected disk's density ∝ √(r² − u²): F(u) = (G(u) + πr²/2)/(πr²) with
///   G(u) = u√(r² − u²) + r² asin(u/r). Exact across the tube.
/// - 3-D: the disk is cut into K = ⌈d / (Δmin/8)⌉ slices along the second normal e₂; slice
///   j is a chord of half-length √(r² − v_j²) at its midpoint v_j, weighted by the slice's
///   area G(v_{j+1}) − G(v_j), uniform along u.
///
/// The amount is conserved exactly: the sum over the grid is λ × the length inside it, so a
/// filament has the same integrated intensity per µm at any angle (a 1-pixel line has √2
/// more per µm at 45°).
struct FilamentRasteriser: Sendable {
    /// A chord of the cross-section: offset v along e₂, half-length, share of the amount.
    struct Chord: Sendable {
        var v: Double
        var halfLength: Double
        var weight: Double
    }

    let grid: PhantomGrid
    let radiusUm: Double
    let chords: [Chord]

    init(grid: PhantomGrid, tubeDiameterUm: Double) {
        self.grid = grid
        let r = tubeDiameterUm / 2
        radiusUm = r
        if grid.rank == 2 {
            chords = [Chord(v: 0, halfLength: r, weight: 1)]
        } else {
            let k = Swift.min(64, Swift.max(1, Int((tubeDiameterUm / (grid.minSpacingUm / 8)).rounded(.up))))
            let edges = (0...k).map { -r + Double($0) * tubeDiameterUm / Double(k) }
            chords = (0..<k).map { j in
                let v = (edges[j] + edges[j + 1]) / 2
                let area = FilamentRasteriser.diskArea(below: edges[j + 1], r) - FilamentRasteriser.diskArea(below: edges[j], r)
                return Chord(v: v, halfLength: Swift.max(r * r - v * v, 0).squareRoot(), weight: area / (Double.pi * r * r))
            }
        }
    }

    /// G(u) = u√(r² − u²) + r² asin(u/r): the area of the disk of radius r between the
    /// chords at 0 and at u (negative for u < 0), with u clamped to [−r, r].
    static func diskArea(below u: Double, _ r: Double) -> Double {
        let t = Swift.min(Swift.max(u, -r), r)
        return t * Swift.max(r * r - t * t, 0).squareRoot() + r * r * Foundation.asin(t / r)
    }

    /// Share of a chord's mass at u ≤ `u` (its cumulative distribution along the chord).
    @inline(__always) func cumulative(_ u: Double, halfLength h: Double) -> Double {
        if grid.rank == 2 {
            return (FilamentRasteriser.diskArea(below: u, h) + Double.pi * h * h / 2) / (Double.pi * h * h)
        }
        return (Swift.min(Swift.max(u, -h), h) + h) / (2 * h)
    }

    /// The two unit normals of a segment with unit direction `t`: in 2-D the in-plane normal
    /// (and zero), in 3-D an orthonormal pair.
    func normals(_ t: PositionUm) -> (PositionUm, PositionUm) {
        grid.rank == 2 ? (PositionUm(0, t[2], -t[1]), .zero) : t.perpendicularBasis()
    }

    /// The amounts a filament through `points` with `intensityPerUm` adds to the grid.
    func deposits(along points: [PositionUm], intensityPerUm: Double) -> VoxelDeposits {
        var deposits = VoxelDeposits()
        var cuts: [Double] = []
        let maxPiece = grid.minSpacingUm / 8
        for (p0, p1) in zip(points, points.dropFirst()) {
            let delta = p1 - p0
            let length = delta.length
            guard length > 0 else { continue }
            let (e1, e2) = normals(delta / length)
            let pieces = Swift.max(1, Int((length / maxPiece).rounded(.up)))
            let amount = intensityPerUm * length / Double(pieces)
            for piece in 0..<pieces {
                let centre = p0 + ((Double(piece) + 0.5) / Double(pieces)) * delta
                for chord in chords {
                    deposit(chord, at: centre + chord.v * e2, along: e1, amount: amount * chord.weight,
                            cuts: &cuts, into: &deposits)
                }
            }
        }
        return deposits
    }

    /// Splits one chord (centre `q`, direction `e1`) at the voxel faces it crosses and adds
    /// each part's mass to its voxel.
    private func deposit(_ chord: Chord, at q: PositionUm, along e1: PositionUm, amount: Double,
                         cuts: inout [Double], into deposits: inout VoxelDeposits) {
        let h = chord.halfLength
        cuts.removeAll(keepingCapacity: true)
        cuts.append(-h)
        for axis in (grid.rank == 3 ? 0 : 1)...2 where e1[axis] != 0 {
            let delta = axis == 0 ? grid.dz : axis == 1 ? grid.dy : grid.dx
            let reach = h * Swift.abs(e1[axis])
            // Faces between voxels sit at (k + ½)Δ.
            let first = Int(((q[axis] - reach) / delta - 0.5).rounded(.up))
            let last = Int(((q[axis] + reach) / delta - 0.5).rounded(.down))
            if first <= last {
                for k in first...last { cuts.append(((Double(k) + 0.5) * delta - q[axis]) / e1[axis]) }
            }
        }
        cuts.append(h)
        cuts.sort()
        var below = 0.0
        for index in 1..<cuts.count {
            let (ua, ub) = (cuts[index - 1], cuts[index])
            let next = cumulative(ub, halfLength: h)
            if ub > ua, let voxel = grid.voxelIndex(of: q + (0.5 * (ua + ub)) * e1) {
                deposits.add(voxel, amount * (next - below))
            }
            below = next
        }
    }

    /// Discrete labelling: fluorophores placed along the filament as a Poisson process of
    /// `densityPerUm`, each uniformly across the tube's cross-section and carrying
    /// `intensityPerUm / densityPerUm`, so the expected amount per µm stays `intensityPerUm`.
    /// Returns the deposits and the number of fluorophores placed.
    func speckles(along points: [PositionUm], intensityPerUm: Double, densityPerUm: Double,
                  stream: inout RandomStream) -> (VoxelDeposits, Int) {
        var deposits = VoxelDeposits()
        var placed = 0
        let amount = intensityPerUm / densityPerUm
        var next = stream.exponential() / densityPerUm  // arc length of the next fluorophore
        var travelled = 0.0
        for (p0, p1) in zip(points, points.dropFirst()) {
            let delta = p1 - p0
            let length = delta.length
            guard length > 0 else { continue }
            let (n1, n2) = normals(delta / length)
            while next < travelled + length {
                var u: Double, v: Double
                repeat {
                    u = stream.uniform(-1, 1)
                    v = stream.uniform(-1, 1)
                } while u * u + v * v > 1
                // In 2-D only u is used: one coordinate of a uniform disk point has the
                // projected disk's density ∝ √(1 − u²).
                let position = p0 + ((next - travelled) / length) * delta + radiusUm * (u * n1 + v * n2)
                if let index = grid.voxelIndex(of: position) { deposits.add(index, amount) }
                placed += 1
                next += stream.exponential() / densityPerUm
            }
            travelled += length
        }
        return (deposits, placed)
    }
}

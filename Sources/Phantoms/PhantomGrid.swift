import FluoCore

/// A position in µm, components (z, y, x). Positions in a 2-D grid have z = 0.
public typealias PositionUm = SIMD3<Double>

/// The sampling grid of a phantom: shape (z, y, x) or (y, x) and spacing in µm.
///
/// Voxel *i* along an axis of spacing Δ covers [(i − ½)Δ, (i + ½)Δ) µm, so positions are
/// measured from the centre of voxel 0. A voxel holds the *amount* of fluorophore inside it
/// (brightness per µm of filament × length, or per µm³ of material × volume), so the sum of a
/// phantom is its total amount whatever the voxel size, and a camera's photons-per-unit is
/// photons per unit of dye. A 2-D grid is the z-projection of a thin 3-D world: every object
/// is centred at z = 0 and its amount along z is summed into the pixel (a sphere of radius r
/// shows its chord 2√(r² − ρ²), its integral is still the sphere's volume × brightness).
public struct PhantomGrid: Equatable, Sendable {
    /// Samples per axis, (z, y, x) or (y, x).
    public let shape: [Int]
    /// Spacing per axis in µm, same order as `shape`.
    public let spacingUm: [Double]
    /// Samples along z, y, x (z is 1 for a 2-D grid).
    public let nz, ny, nx: Int
    /// Spacing along z, y, x in µm (z is 0 for a 2-D grid: the projection has no z sampling).
    public let dz, dy, dx: Double

    public init(shape: [Int], spacingUm: [Double]) throws {
        guard shape.count == 2 || shape.count == 3 else {
            throw PhantomError.invalidGrid("a phantom needs a 2-D (y, x) or 3-D (z, y, x) shape, got \(shape)")
        }
        guard spacingUm.count == shape.count else {
            throw PhantomError.invalidGrid("spacing \(spacingUm) does not match shape \(shape)")
        }
        guard shape.allSatisfy({ $0 > 0 }), spacingUm.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw PhantomError.invalidGrid("shape \(shape) and spacing \(spacingUm) µm must be positive")
        }
        self.shape = shape
        self.spacingUm = spacingUm
        let three = shape.count == 3
        nz = three ? shape[0] : 1
        ny = shape[shape.count - 2]
        nx = shape[shape.count - 1]
        dz = three ? spacingUm[0] : 0
        dy = spacingUm[shape.count - 2]
        dx = spacingUm[shape.count - 1]
    }

    /// 2 or 3.
    public var rank: Int { shape.count }
    /// Number of voxels.
    public var count: Int { nz * ny * nx }
    /// The smallest spacing of the sampled axes, in µm.
    public var minSpacingUm: Double { rank == 3 ? Swift.min(dz, dy, dx) : Swift.min(dy, dx) }
    /// Area (2-D, µm²) or volume (3-D, µm³) of one voxel.
    public var voxelMeasure: Double { rank == 3 ? dz * dy * dx : dy * dx }
    /// Area (2-D, µm²) or volume (3-D, µm³) of the field.
    public var fieldMeasure: Double { voxelMeasure * Double(count) }
    /// Centre of the field (z = 0 in 2-D).
    public var centerUm: PositionUm {
        PositionUm(Double(nz - 1) / 2 * dz, Double(ny - 1) / 2 * dy, Double(nx - 1) / 2 * dx)
    }
    /// Lower corner of the field: (−½Δ) per sampled axis, z = 0 in 2-D.
    public var lowerCornerUm: PositionUm { PositionUm(-dz / 2, -dy / 2, -dx / 2) }
    /// Upper corner of the field.
    public var upperCornerUm: PositionUm {
        PositionUm((Double(nz) - 0.5) * dz, (Double(ny) - 0.5) * dy, (Double(nx) - 0.5) * dx)
    }

    /// Whether `position` lies in the field (z is ignored in 2-D).
    @inlinable public func contains(_ position: PositionUm) -> Bool {
        voxelIndex(of: position) != nil
    }

    /// The flat index (x fastest) of the voxel containing `position`, or `nil` outside the grid.
    @inlinable public func voxelIndex(of position: PositionUm) -> Int? {
        let iz = rank == 3 ? Int((position[0] / dz + 0.5).rounded(.down)) : 0
        let iy = Int((position[1] / dy + 0.5).rounded(.down))
        let ix = Int((position[2] / dx + 0.5).rounded(.down))
        guard iz >= 0, iz < nz, iy >= 0, iy < ny, ix >= 0, ix < nx else { return nil }
        return (iz * ny + iy) * nx + ix
    }

    /// The voxel indices (inclusive, clipped to the grid) along axis `axis` (0 z, 1 y, 2 x)
    /// that the interval [low, high] µm touches, or `nil` when it misses the grid.
    func indexRange(axis: Int, low: Double, high: Double) -> ClosedRange<Int>? {
        if axis == 0 && rank == 2 { return 0...0 }
        let (n, delta) = axis == 0 ? (nz, dz) : axis == 1 ? (ny, dy) : (nx, dx)
        let first = Swift.max(0, Int((low / delta + 0.5).rounded(.down)))
        let last = Swift.min(n - 1, Int((high / delta + 0.5).rounded(.down)))
        return first <= last ? first...last : nil
    }

    /// A volume on this grid holding `data`.
    func volume(_ data: [Float]) -> Volume { Volume(shape: shape, spacingUm: spacingUm, data: data) }
}

/// Small vector helpers on positions.
extension SIMD3 where Scalar == Double {
    @inlinable func dot(_ other: Self) -> Double { (self * other).sum() }
    @inlinable var length: Double { dot(self).squareRoot() }
    @inlinable var normalized: Self { self / length }

    /// The cross product in (z, y, x) component order (a right-handed basis either way).
    @inlinable func cross(_ o: Self) -> Self {
        Self(self[1] * o[2] - self[2] * o[1], self[2] * o[0] - self[0] * o[2], self[0] * o[1] - self[1] * o[0])
    }

    /// Two unit vectors that complete this unit vector to an orthonormal basis.
    func perpendicularBasis() -> (Self, Self) {
        let magnitudes = Self(Swift.abs(self[0]), Swift.abs(self[1]), Swift.abs(self[2]))
        let helper: Self = magnitudes[0] <= magnitudes[1] && magnitudes[0] <= magnitudes[2] ? Self(1, 0, 0)
            : magnitudes[1] <= magnitudes[2] ? Self(0, 1, 0) : Self(0, 0, 1)
        let first = cross(helper).normalized
        return (first, cross(first))
    }
}

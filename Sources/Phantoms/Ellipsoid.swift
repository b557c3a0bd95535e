import Foundation

/// An ellipsoid with one semi-axis along z and the other two rotated by `angleRad` in the
/// (y, x) plane; a sphere has three equal semi-axes. Cells and granules are ellipsoids.
///
/// With (Z, Y, X) = p − centre, u = X cos φ + Y sin φ (along the major axis) and
/// v = −X sin φ + Y cos φ, a point is inside when
///
///     Q(p) = u²/a² + v²/b² + Z²/c² ≤ 1.
///
/// Along a row of fixed (Z, Y), Q − 1 = A X² + B X + C with
/// A = cos²φ/a² + sin²φ/b², B = 2Y sin φ cos φ (1/a² − 1/b²),
/// C = Y²(sin²φ/a² + cos²φ/b²) + Z²/c² − 1, which is what the rasteriser integrates exactly.
public struct Ellipsoid: Codable, Equatable, Sendable {
    /// Centre (z, y, x) in µm.
    public var centerUm: PositionUm
    /// Semi-axes (z, major, minor) in µm: c, a, b above.
    public var semiAxesUm: PositionUm
    /// Angle φ of the major axis from +x towards +y, in radians.
    public var angleRad: Double

    public init(centerUm: PositionUm, semiAxesUm: PositionUm, angleRad: Double = 0) {
        self.centerUm = centerUm
        self.semiAxesUm = semiAxesUm
        self.angleRad = angleRad
    }

    /// A sphere.
    public init(centerUm: PositionUm, radiusUm: Double) {
        self.init(centerUm: centerUm, semiAxesUm: PositionUm(repeating: radiusUm))
    }

    public enum CodingKeys: String, CodingKey {
        case centerUm = "center_um"
        case semiAxesUm = "semi_axes_um"
        case angleRad = "angle_rad"
    }

    /// Q(p): below 1 inside, 1 on the surface.
    @inlinable public func quadraticForm(_ position: PositionUm) -> Double {
        let d = position - centerUm
        let (s, c) = (Foundation.sin(angleRad), Foundation.cos(angleRad))
        let u = d[2] * c + d[1] * s, v = -d[2] * s + d[1] * c
        let (az, a, b) = (semiAxesUm[0], semiAxesUm[1], semiAxesUm[2])
        return u * u / (a * a) + v * v / (b * b) + d[0] * d[0] / (az * az)
    }

    /// Whether `position` is inside or on the surface.
    @inlinable public func contains(_ position: PositionUm) -> Bool { quadraticForm(position) <= 1 }

    /// The outward direction ∇Q at `position` (not normalised); `planar` drops its z part.
    public func gradient(at position: PositionUm, planar: Bool) -> PositionUm {
        let d = position - centerUm
        let (s, c) = (Foundation.sin(angleRad), Foundation.cos(angleRad))
        let u = d[2] * c + d[1] * s, v = -d[2] * s + d[1] * c
        let (az, a, b) = (semiAxesUm[0], semiAxesUm[1], semiAxesUm[2])
        let gu = u / (a * a), gv = v / (b * b)
        return PositionUm(planar ? 0 : d[0] / (az * az), gu * s + gv * c, gu * c - gv * s)
    }

    /// `position` moved along the ray from the centre onto the inside of the surface.
    public func pulledInside(_ position: PositionUm) -> PositionUm {
        let q = quadraticForm(position)
        guard q > 1 else { return position }
        return centerUm + (position - centerUm) * ((1 - 1e-9) / q.squareRoot())
    }

    /// Half-widths (z, y, x) of the axis-aligned bounding box:
    /// √(a² sin²φ + b² cos²φ) along y and √(a² cos²φ + b² sin²φ) along x.
    public var boundingHalfWidthsUm: PositionUm {
        let (s, c) = (Foundation.sin(angleRad), Foundation.cos(angleRad))
        let (az, a, b) = (semiAxesUm[0], semiAxesUm[1], semiAxesUm[2])
        return PositionUm(az, (a * a * s * s + b * b * c * c).squareRoot(), (a * a * c * c + b * b * s * s).squareRoot())
    }
}

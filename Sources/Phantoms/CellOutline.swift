import FluoCore
import Foundation

/// A cell-like outline: an ellipse (2-D) or a flat ellipsoid (3-D) centred in the field, with
/// its major axis at a random angle in the (y, x) plane. Filaments start inside it and bend
/// or stop at it, granules are placed inside it, and with `mask` everything outside it is
/// removed (voxels on the outline keep the fraction of them inside).
///
/// Defaults: `z_semi_axis_um` 2 µm (adherent cultured cells are a few µm tall: a reasonable
/// guess, not a citation), `orientation_deg` uniform in [0, 180), `mask` true.
public struct CellOutline: Codable, Equatable, Sendable {
    /// Semi-axis along the major axis in µm, drawn per sample.
    public var majorSemiAxisUm: Distribution
    /// Semi-axis along the minor axis in µm, drawn per sample.
    public var minorSemiAxisUm: Distribution
    /// Semi-axis along z in µm (3-D only), drawn per sample.
    public var zSemiAxisUm: Distribution
    /// Angle of the major axis from +x towards +y in degrees, drawn per sample.
    public var orientationDeg: Distribution
    /// Whether to zero the phantom outside the cell.
    public var mask: Bool

    public init(majorSemiAxisUm: Distribution, minorSemiAxisUm: Distribution, zSemiAxisUm: Distribution = 2,
                orientationDeg: Distribution = .uniform(min: 0, max: 180), mask: Bool = true) {
        self.majorSemiAxisUm = majorSemiAxisUm
        self.minorSemiAxisUm = minorSemiAxisUm
        self.zSemiAxisUm = zSemiAxisUm
        self.orientationDeg = orientationDeg
        self.mask = mask
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case majorSemiAxisUm = "major_semi_axis_um"
        case minorSemiAxisUm = "minor_semi_axis_um"
        case zSemiAxisUm = "z_semi_axis_um"
        case orientationDeg = "orientation_deg"
        case mask
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = CellOutline(majorSemiAxisUm: 1, minorSemiAxisUm: 1)
        majorSemiAxisUm = try c.decode(Distribution.self, forKey: .majorSemiAxisUm)
        minorSemiAxisUm = try c.decode(Distribution.self, forKey: .minorSemiAxisUm)
        zSemiAxisUm = try c.decodeIfPresent(Distribution.self, forKey: .zSemiAxisUm) ?? defaults.zSemiAxisUm
        orientationDeg = try c.decodeIfPresent(Distribution.self, forKey: .orientationDeg) ?? defaults.orientationDeg
        mask = try c.decodeIfPresent(Bool.self, forKey: .mask) ?? defaults.mask
    }

    public func validate() throws {
        try majorSemiAxisUm.validate("major_semi_axis_um", .positive)
        try minorSemiAxisUm.validate("minor_semi_axis_um", .positive)
        try zSemiAxisUm.validate("z_semi_axis_um", .positive)
        try orientationDeg.validate("orientation_deg", .real)
    }

    /// The outline of one sample, centred in the field of `grid` (at z = 0 in 2-D).
    public func draw(on grid: PhantomGrid, stream: RandomStream) -> Ellipsoid {
        var stream = stream
        let major = majorSemiAxisUm.sample(&stream, in: .positive)
        let minor = minorSemiAxisUm.sample(&stream, in: .positive)
        let height = zSemiAxisUm.sample(&stream, in: .positive)
        let angle = orientationDeg.sample(&stream) * Double.pi / 180
        return Ellipsoid(centerUm: grid.centerUm, semiAxesUm: PositionUm(height, major, minor), angleRad: angle)
    }
}

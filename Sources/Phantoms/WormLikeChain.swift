import FluoCore
import Foundation

/// The discrete worm-like chain (Kratky–Porod) that microtubules follow.
///
/// A chain of contour length L is n = ⌈L / maxStep⌉ straight steps of Δs = L/n. The
/// persistence length Lp is the bending stiffness over kT (the 3-D convention: a free chain in
/// space has ⟨t(s)·t(0)⟩ = e^{−s/Lp}). Each step turns the unit tangent t:
///
/// - **2-D** (a chain confined to the image plane, the CARE-style filament): the heading turns
///   by Δθ ~ N(0, Δs/Lp), so ⟨cos θ(s)⟩ = e^{−s/(2Lp)} exactly (the 2-D decay length is 2Lp).
/// - **3-D**: t turns by a von Mises–Fisher deflection of concentration κ with a uniform
///   azimuth; ⟨cos α⟩ = coth κ − 1/κ is set to e^{−Δs/Lp}, so ⟨t(s)·t(0)⟩ = e^{−s/Lp} exactly
///   for any step (cos α drawn by inversion: 1 + ln(u + (1 − u)e^{−2κ})/κ; A. T. A. Wood,
///   "Simulation of the von Mises Fisher distribution", Commun. Stat. Simul. Comput. 23 (1994)).
///
/// Both are the standard samplers of the WLC (e.g. Castro et al. 2015 for chain bundles; the
/// 2-D rule is the one the field reference notes in its section 2.1). A chain may be confined
/// to an ellipsoid (a cell): at the boundary it either **bends** (the outward part of the step
/// direction is removed, so it follows the outline) or **stops**.
public struct WormLikeChain: Sendable {
    /// What a chain does when its next step would leave the cell.
    public enum BoundaryRule: String, Codable, CaseIterable, Sendable {
        case bend, stop
    }

    /// A cell outline the chain must stay in.
    public struct Confinement: Sendable {
        public var outline: Ellipsoid
        public var rule: BoundaryRule
        public init(outline: Ellipsoid, rule: BoundaryRule) {
            self.outline = outline
            self.rule = rule
        }
    }

    /// Persistence length Lp in µm.
    public var persistenceLengthUm: Double
    /// 2 (chains in the (y, x) plane, z = 0) or 3.
    public var rank: Int

    public init(persistenceLengthUm: Double, rank: Int) {
        precondition(persistenceLengthUm > 0 && (rank == 2 || rank == 3), "WormLikeChain needs Lp > 0 and rank 2 or 3")
        self.persistenceLengthUm = persistenceLengthUm
        self.rank = rank
    }

    /// The chain's vertices, from `start` along the unit tangent `direction`, with steps of at
    /// most `maxStepUm`. With a confinement that stops chains, the chain may end early.
    public func sample(from start: PositionUm, direction: PositionUm, contourLengthUm: Double, maxStepUm: Double,
                       confinement: Confinement? = nil, stream: inout RandomStream) -> [PositionUm] {
        let steps = Swift.max(1, Int((contourLengthUm / maxStepUm).rounded(.up)))
        let step = contourLengthUm / Double(steps)
        let planar = rank == 2
        let angleSD = (step / persistenceLengthUm).squareRoot()
        let kappa = planar ? 0 : WormLikeChain.concentration(oneMinusMeanCosine: -Foundation.expm1(-step / persistenceLengthUm))
        var points = [start]
        points.reserveCapacity(steps + 1)
        var position = start
        var tangent = direction.normalized
        for index in 0..<steps {
            if index > 0 {
                tangent = planar ? WormLikeChain.turn(tangent, by: angleSD * stream.normal())
                                 : WormLikeChain.deflect(tangent, kappa: kappa, stream: &stream)
            }
            var next = position + step * tangent
            if let confinement, !confinement.outline.contains(next) {
                if confinement.rule == .stop { break }
                tangent = WormLikeChain.alongBoundary(tangent, normal: confinement.outline.gradient(at: position, planar: planar).normalized,
                                                      planar: planar)
                next = confinement.outline.pulledInside(position + step * tangent)
            }
            position = next
            points.append(position)
        }
        return points
    }

    /// The heading turned by `angle` radians in the (y, x) plane.
    static func turn(_ t: PositionUm, by angle: Double) -> PositionUm {
        let (s, c) = (Foundation.sin(angle), Foundation.cos(angle))
        return PositionUm(0, t[1] * c + t[2] * s, t[2] * c - t[1] * s)
    }

    /// `t` deflected by a von Mises–Fisher step of concentration `kappa` around itself.
    static func deflect(_ t: PositionUm, kappa: Double, stream: inout RandomStream) -> PositionUm {
        let u = 1 - stream.uniform()  // (0, 1]
        let cosAlpha = Swift.max(-1, 1 + Foundation.log(u + (1 - u) * Foundation.exp(-2 * kappa)) / kappa)
        let sinAlpha = Swift.max(0, 1 - cosAlpha * cosAlpha).squareRoot()
        let phi = 2 * Double.pi * stream.uniform()
        let (e1, e2) = t.perpendicularBasis()
        return (cosAlpha * t + sinAlpha * (Foundation.cos(phi) * e1 + Foundation.sin(phi) * e2)).normalized
    }

    /// The tangent with its component along the outward `normal` removed (when pointing out).
    static func alongBoundary(_ t: PositionUm, normal: PositionUm, planar: Bool) -> PositionUm {
        let outward = t.dot(normal)
        guard outward > 0 else { return t }
        let sliding = t - outward * normal
        if sliding.length > 1e-9 { return sliding.normalized }
        // Heading straight out: turn along the outline instead.
        return planar ? PositionUm(0, normal[2], -normal[1]) : normal.perpendicularBasis().0
    }

    /// κ with coth κ − 1/κ = 1 − q, i.e. 1/κ − 2/(e^{2κ} − 1) = q, for 0 < q < 1 (q = 1 − ⟨cos α⟩).
    static func concentration(oneMinusMeanCosine q: Double) -> Double {
        let oneMinusMean = Swift.min(Swift.max(q, 1e-300), 1 - 1e-12)
        if 1 / oneMinusMean > 30 { return 1 / oneMinusMean }  // 2/(e^{2κ} − 1) < 1e-25: negligible
        var low = 1e-6, high = 60.0
        for _ in 0..<200 {
            let kappa = (low * high).squareRoot()
            let value = 1 / kappa - 2 / Foundation.expm1(2 * kappa)
            if value > oneMinusMean { low = kappa } else { high = kappa }
        }
        return (low * high).squareRoot()
    }
}

import FluoCore

/// Resampling of one axis by a real factor f ≥ 1, exactly (the factor is never rounded and
/// the input never cropped to make it fit).
///
/// Input sample i covers [i, i + 1) in index units. Two ways to go down:
/// - `.point` — sample at positions j·f, linearly interpolated between the two neighbouring
///   input samples when j·f is fractional: what a z-stage does (CSBDeep's convention, which
///   however rounds f and crops the stack). Output count ⌊(n − 1)/f⌋ + 1.
/// - `.integrate` — average over the slab [j·f, (j + 1)·f), partial input samples weighted by
///   their overlap: what a coarser camera pixel does. Only whole slabs are kept: ⌊n/f⌋ samples.
/// Both keep the mean intensity (integration averages; it does not add photons); spacing
/// along the axis is multiplied by f.
///
/// `upsample` is the matching way back, linear interpolation onto the fine grid with the
/// same sample positions (j·f for `.point`; slab centres (j + ½)·f − ½ for `.integrate`),
/// holding the end values beyond the first and last sample.
public struct AxisResampling: Codable, Equatable, Sendable {
    public enum Mode: String, Codable, CaseIterable, Sendable {
        case point
        case integrate
    }

    /// The axis to resample.
    public var axis: Axis
    /// The factor f ≥ 1 (output spacing / input spacing).
    public var factor: Double
    public var mode: Mode

    public init(axis: Axis, factor: Double, mode: Mode = .point) {
        self.axis = axis
        self.factor = factor
        self.mode = mode
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case axis, factor, mode
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        axis = try container.decode(Axis.self, forKey: .axis)
        factor = try container.decode(Double.self, forKey: .factor)
        mode = try container.decodeIfPresent(Mode.self, forKey: .mode) ?? .point
    }

    /// Checks f ≥ 1 and that the axis exists in a volume of `rank` axes.
    public func validate(rank: Int) throws {
        try require(factor >= 1 && factor.isFinite, "factor", "must be a finite number ≥ 1, got \(factor)")
        try require(axis.index(inRank: rank) != nil, "axis", "'\(axis.rawValue)' does not exist in a \(rank)-D image")
    }

    /// Number of output samples for `n` input samples.
    public func outputCount(_ n: Int) -> Int {
        switch mode {
        case .point: return Int((Double(n - 1) / factor).rounded(.down)) + 1
        case .integrate: return Swift.max(1, Int((Double(n) / factor + 1e-9).rounded(.down)))
        }
    }

    /// The volume subsampled along `axis`.
    public func apply(_ volume: Volume) throws -> Volume {
        try validate(rank: volume.rank)
        let a = axis.index(inRank: volume.rank)!
        let n = volume.shape[a], m = outputCount(n)
        let weights: [[(Int, Float)]]
        switch mode {
        case .point:
            weights = (0..<m).map { j in AxisResampling.linear(at: Double(j) * factor, count: n) }
        case .integrate:
            weights = (0..<m).map { j in
                let start = Double(j) * factor, end = start + factor
                return (Int(start.rounded(.down)) ..< Swift.min(n, Int(end.rounded(.up)))).compactMap { i in
                    let overlap = Swift.min(end, Double(i + 1)) - Swift.max(start, Double(i))
                    return overlap > 0 ? (i, Float(overlap / factor)) : nil
                }
            }
        }
        var spacing = volume.spacingUm
        spacing[a] *= factor
        return AxisResampling.map(volume, axis: a, weights: weights, spacingUm: spacing)
    }

    /// The inverse direction: `volume` (sampled by this resampling) interpolated back onto
    /// `count` samples of the fine grid (default: the span of the coarse samples).
    public func upsample(_ volume: Volume, count: Int? = nil) throws -> Volume {
        try validate(rank: volume.rank)
        let a = axis.index(inRank: volume.rank)!
        let m = volume.shape[a]
        let n = count ?? (mode == .point ? Int((Double(m - 1) * factor).rounded()) + 1 : Int((Double(m) * factor).rounded()))
        try require(n >= 1, "count", "must be at least 1, got \(n)")
        let weights = (0..<n).map { i -> [(Int, Float)] in
            // Fine sample i sits at coarse coordinate u, where coarse sample j sits at j.
            let u = mode == .point ? Double(i) / factor : (Double(i) + 0.5) / factor - 0.5
            return AxisResampling.linear(at: Swift.min(Swift.max(u, 0), Double(m - 1)), count: m)
        }
        var spacing = volume.spacingUm
        spacing[a] /= factor
        return AxisResampling.map(volume, axis: a, weights: weights, spacingUm: spacing)
    }

    /// Linear-interpolation weights at fractional index `position` of `count` samples.
    static func linear(at position: Double, count: Int) -> [(Int, Float)] {
        let lower = Swift.min(Int(position.rounded(.down)), count - 1)
        let t = position - Double(lower)
        if t <= 1e-12 || lower + 1 >= count { return [(lower, 1)] }
        return [(lower, Float(1 - t)), (lower + 1, Float(t))]
    }

    /// Applies a sparse linear map along one axis: output sample j = Σ w·input[i] over `weights[j]`.
    static func map(_ volume: Volume, axis: Int, weights: [[(Int, Float)]], spacingUm: [Double]) -> Volume {
        let outer = volume.shape[..<axis].reduce(1, *)
        let inner = volume.shape[(axis + 1)...].reduce(1, *)
        let n = volume.shape[axis], m = weights.count
        var shape = volume.shape
        shape[axis] = m
        var output = Volume(shape: shape, spacingUm: spacingUm)
        volume.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                for o in 0..<outer {
                    for j in 0..<m {
                        let target = (o * m + j) * inner
                        for (i, w) in weights[j] {
                            let source = (o * n + i) * inner
                            for k in 0..<inner { out[target + k] += w * input[source + k] }
                        }
                    }
                }
            }
        }
        return output
    }
}

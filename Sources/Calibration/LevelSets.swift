import Foundation

/// Pixels (or blocks) of nearly equal mean intensity, and the variance of the noise among them:
/// one point of the noise-level function Var[S](E[S]).
public struct LevelSet: Codable, Equatable, Sendable {
    /// Mean intensity of the set (ADU).
    public var meanADU: Double
    /// Noise variance at that intensity (ADU²).
    public var variance: Double
    /// Samples in the set.
    public var count: Int

    /// Weight of the set in a fit of the variance line: the inverse variance of its variance
    /// estimate, ∝ n/σ⁴ for Gaussian samples.
    public var weight: Double { variance > 0 ? Double(count) / (variance * variance) : 0 }
}

/// Level sets (Foi et al., IEEE TIP 17 (2008) 1737, §III): samples sorted by their local mean
/// and cut into sets of equal count, each set's noise variance estimated robustly.
public enum LevelSets {
    /// Sets from zero-mean noise samples (wavelet details of smooth regions): the variance of a
    /// set is the mean of d² over the samples within 5 s of zero, s = 1.4826·median |d| (the
    /// MAD scale), so the few samples that still hold structure are dropped while the noise's
    /// own distribution, far from Gaussian at a few electrons, is measured as it is.
    public static func fromDetails(levels: [Double], details: [Double], perSet: Int) -> [LevelSet] {
        sets(levels: levels, values: details, perSet: perSet) { values in
            let limit = 5 * 1.4826 * RobustLine.median(values.map(abs))
            let kept = values.filter { abs($0) <= limit }
            return kept.reduce(0) { $0 + $1 * $1 } / Double(Swift.max(kept.count, 1))
        }
    }

    /// Sets from per-pixel variance estimates (temporal variances of a frame stack): the
    /// variance of a set is the mean of its values, leaving out those more than 10 MADs above
    /// the median (hot pixels); a symmetric trim would bias the mean of these skewed values low.
    public static func fromVariances(levels: [Double], variances: [Double], perSet: Int) -> [LevelSet] {
        sets(levels: levels, values: variances, perSet: perSet) { values in
            let median = RobustLine.median(values)
            let limit = median + 10 * 1.4826 * RobustLine.median(values.map { abs($0 - median) })
            let kept = values.filter { $0 <= limit }
            return kept.reduce(0, +) / Double(Swift.max(kept.count, 1))
        }
    }

    static func sets(levels: [Double], values: [Double], perSet: Int, variance: ([Double]) -> Double) -> [LevelSet] {
        precondition(levels.count == values.count && perSet > 0)
        let order = levels.indices.sorted { levels[$0] < levels[$1] }
        return stride(from: 0, to: order.count - perSet + 1, by: perSet).map { start in
            let end = order.count - start < 2 * perSet ? order.count : start + perSet
            let members = order[start..<end]
            return LevelSet(meanADU: members.reduce(0) { $0 + levels[$1] } / Double(members.count),
                            variance: variance(members.map { values[$0] }), count: members.count)
        }
    }
}

/// A named image axis. Volumes store (z, y, x) or, in 2-D, (y, x).
public enum Axis: String, Codable, CaseIterable, Sendable {
    case z, y, x

    /// The storage index of this axis in a volume of `rank` axes, or `nil` (z of a 2-D image).
    public func index(inRank rank: Int) -> Int? {
        switch (self, rank) {
        case (.z, 3): return 0
        case (.y, 3): return 1
        case (.x, 3): return 2
        case (.y, 2): return 0
        case (.x, 2): return 1
        default: return nil
        }
    }
}

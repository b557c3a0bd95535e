import FluoCore

/// How many objects a sample has: a `count` (drawn per sample, rounded), or a density per
/// µm² (2-D) or µm³ (3-D) of the region they are placed in (the cell, or the field), from
/// which the count is Poisson(density × measure). A spec may give both densities so that one
/// preset serves 2-D and 3-D shapes. Parameter types embed it: its keys sit beside theirs.
public struct ObjectCount: Codable, Equatable, Sendable {
    public var count: Distribution?
    public var densityPerUm2: Distribution?
    public var densityPerUm3: Distribution?

    public init(count: Distribution? = nil, densityPerUm2: Distribution? = nil, densityPerUm3: Distribution? = nil) {
        self.count = count
        self.densityPerUm2 = densityPerUm2
        self.densityPerUm3 = densityPerUm3
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case count
        case densityPerUm2 = "density_per_um2"
        case densityPerUm3 = "density_per_um3"
    }

    /// Decodes the keys if present; `fallback` when none is given.
    init(from decoder: Decoder, fallback: ObjectCount) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let decoded = ObjectCount(count: try c.decodeIfPresent(Distribution.self, forKey: .count),
                                  densityPerUm2: try c.decodeIfPresent(Distribution.self, forKey: .densityPerUm2),
                                  densityPerUm3: try c.decodeIfPresent(Distribution.self, forKey: .densityPerUm3))
        self = decoded == ObjectCount() ? fallback : decoded
    }

    public func validate() throws {
        try require(count != nil || densityPerUm2 != nil || densityPerUm3 != nil, "count",
                    "give count, density_per_um2 or density_per_um3")
        try require(count == nil || (densityPerUm2 == nil && densityPerUm3 == nil), "count",
                    "give either count or a density, not both")
        try count?.validate("count", .nonNegative)
        try densityPerUm2?.validate("density_per_um2", .nonNegative)
        try densityPerUm3?.validate("density_per_um3", .nonNegative)
    }

    /// Throws unless a count can be drawn for a grid of `rank`.
    func validate(rank: Int) throws {
        try validate()
        guard count == nil else { return }
        if rank == 2 {
            try require(densityPerUm2 != nil, "density_per_um2", "a 2-D shape needs count or density_per_um2")
        } else {
            try require(densityPerUm3 != nil, "density_per_um3", "a 3-D shape needs count or density_per_um3")
        }
    }

    /// The number of objects of one sample in `field`.
    func draw(in field: PhantomField, stream: inout RandomStream) -> Int {
        if let count { return count.sampleCount(&stream) }
        let density = (field.grid.rank == 2 ? densityPerUm2 : densityPerUm3)!
        return Int(stream.poisson(density.sample(&stream, in: .nonNegative) * field.measure))
    }
}

import FluoCore
import Foundation

/// Granules: solid spheres or hollow shells (vesicle membranes) with drawn radii and
/// brightness, placed uniformly, in Poisson clusters, and optionally without overlap, then
/// rendered with exact partial volumes (`EllipsoidRasteriser`). Point-like granules are
/// spheres well below a voxel: their amount lands in the voxel(s) they occupy.
///
/// Defaults: radius log-normal mean 0.15 µm, sd 0.04 µm (insulin secretory granules are about
/// 0.2–0.35 µm across: a literature figure the field reference marks unverified);
/// `intensity_per_um3` log-normal mean 10 000, sd 3 000 (a guess: a 0.15 µm granule then
/// holds about 140 units, like a microtubule's 160 per µm); 100 granules; solid; overlap
/// allowed; no clustering.
public struct GranuleParameters: Codable, Equatable, Sendable {
    /// A Poisson cluster process (a Thomas process with the total fixed): the granules are
    /// shared at random among round(n / `mean_per_cluster`) parents placed uniformly, each
    /// displaced from its parent by N(0, `cluster_sd_um`²) per axis (in the plane in 2-D).
    public struct Clustering: Codable, Equatable, Sendable {
        public var meanPerCluster: Double
        public var clusterSdUm: Double

        public init(meanPerCluster: Double, clusterSdUm: Double) {
            self.meanPerCluster = meanPerCluster
            self.clusterSdUm = clusterSdUm
        }

        public enum CodingKeys: String, CodingKey, CaseIterable {
            case meanPerCluster = "mean_per_cluster"
            case clusterSdUm = "cluster_sd_um"
        }

        public init(from decoder: Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            meanPerCluster = try c.decode(Double.self, forKey: .meanPerCluster)
            clusterSdUm = try c.decode(Double.self, forKey: .clusterSdUm)
        }

        func validate() throws {
            try require(meanPerCluster >= 1 && meanPerCluster.isFinite, "clustering.mean_per_cluster", "must be ≥ 1, got \(meanPerCluster)")
            try require(clusterSdUm > 0 && clusterSdUm.isFinite, "clustering.cluster_sd_um", "must be positive, got \(clusterSdUm)")
        }
    }

    /// Granules per sample.
    public var number: ObjectCount
    /// Outer radius in µm, drawn per granule.
    public var radiusUm: Distribution
    /// Amount of dye per µm³ of material, drawn per granule.
    public var intensityPerUm3: Distribution
    /// Shell thickness in µm, drawn per hollow granule; `nil` for solid granules only.
    public var shellThicknessUm: Distribution?
    /// Probability that a granule is a shell; `nil` means 1 with a shell thickness, else 0.
    public var hollowFraction: Double?
    /// Whether granules may not overlap (random sequential placement: up to 1000 tries per
    /// granule, in order; a granule that finds no room is left out and counted in the summary).
    public var nonOverlap: Bool
    /// Smallest surface-to-surface distance in µm with `non_overlap`.
    public var minGapUm: Double
    /// Optional clustering.
    public var clustering: Clustering?

    public init(number: ObjectCount = ObjectCount(count: 100), radiusUm: Distribution = .logNormal(mean: 0.15, sd: 0.04),
                intensityPerUm3: Distribution = .logNormal(mean: 10_000, sd: 3_000), shellThicknessUm: Distribution? = nil,
                hollowFraction: Double? = nil, nonOverlap: Bool = false, minGapUm: Double = 0, clustering: Clustering? = nil) {
        self.number = number
        self.radiusUm = radiusUm
        self.intensityPerUm3 = intensityPerUm3
        self.shellThicknessUm = shellThicknessUm
        self.hollowFraction = hollowFraction
        self.nonOverlap = nonOverlap
        self.minGapUm = minGapUm
        self.clustering = clustering
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case radiusUm = "radius_um"
        case intensityPerUm3 = "intensity_per_um3"
        case shellThicknessUm = "shell_thickness_um"
        case hollowFraction = "hollow_fraction"
        case nonOverlap = "non_overlap"
        case minGapUm = "min_gap_um"
        case clustering
    }

    /// Every key a spec may give.
    public static var keys: [String] {
        CodingKeys.allCases.map(\.stringValue) + ObjectCount.CodingKeys.allCases.map(\.stringValue)
    }

    public init(from decoder: Decoder) throws {
        try self.init(from: decoder, defaults: GranuleParameters(), alsoAllowing: [])
    }

    /// Decodes the keys present, taking the others from `defaults` (granules and spherical
    /// phantoms share this type and differ in their defaults); `extra` keys belong to an
    /// enclosing mapping (e.g. `kind`) and are not rejected.
    public init(from decoder: Decoder, defaults d: GranuleParameters, alsoAllowing extra: [String]) throws {
        try decoder.rejectUnknownKeys(allowed: GranuleParameters.keys + extra)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        number = try ObjectCount(from: decoder, fallback: d.number)
        radiusUm = try c.decodeIfPresent(Distribution.self, forKey: .radiusUm) ?? d.radiusUm
        intensityPerUm3 = try c.decodeIfPresent(Distribution.self, forKey: .intensityPerUm3) ?? d.intensityPerUm3
        shellThicknessUm = try c.decodeIfPresent(Distribution.self, forKey: .shellThicknessUm) ?? d.shellThicknessUm
        hollowFraction = try c.decodeIfPresent(Double.self, forKey: .hollowFraction) ?? d.hollowFraction
        nonOverlap = try c.decodeIfPresent(Bool.self, forKey: .nonOverlap) ?? d.nonOverlap
        minGapUm = try c.decodeIfPresent(Double.self, forKey: .minGapUm) ?? d.minGapUm
        clustering = try c.decodeIfPresent(Clustering.self, forKey: .clustering) ?? d.clustering
    }

    public func encode(to encoder: Encoder) throws {
        try number.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(radiusUm, forKey: .radiusUm)
        try c.encode(intensityPerUm3, forKey: .intensityPerUm3)
        try c.encodeIfPresent(shellThicknessUm, forKey: .shellThicknessUm)
        try c.encodeIfPresent(hollowFraction, forKey: .hollowFraction)
        try c.encode(nonOverlap, forKey: .nonOverlap)
        try c.encode(minGapUm, forKey: .minGapUm)
        try c.encodeIfPresent(clustering, forKey: .clustering)
    }

    /// The probability that a granule is hollow.
    public var effectiveHollowFraction: Double { hollowFraction ?? (shellThicknessUm == nil ? 0 : 1) }

    public func validate(rank: Int) throws {
        try number.validate(rank: rank)
        try radiusUm.validate("radius_um", .positive)
        try intensityPerUm3.validate("intensity_per_um3", .nonNegative)
        try shellThicknessUm?.validate("shell_thickness_um", .positive)
        if let hollowFraction {
            try require((0...1).contains(hollowFraction), "hollow_fraction", "must be in [0, 1], got \(hollowFraction)")
            try require(hollowFraction == 0 || shellThicknessUm != nil, "hollow_fraction", "hollow granules need shell_thickness_um")
        }
        try require(minGapUm >= 0 && minGapUm.isFinite, "min_gap_um", "must be ≥ 0, got \(minGapUm)")
        try clustering?.validate()
    }

    /// Tries per granule to find a free place with `non_overlap`.
    static let placementAttempts = 1000

    /// The granules of one sample, and what was drawn. Placement is sequential (each granule
    /// sees the ones before it) and uses only the sample's stream, so it is the same for
    /// every thread count.
    public func granules(in field: PhantomField, stream: RandomStream) throws -> (granules: [Granule], summary: GranuleSummary) {
        try validate(rank: field.grid.rank)
        var countStream = stream.substream("count")
        let requested = number.draw(in: field, stream: &countStream)
        var parentStream = stream.substream("parents")
        let parents: [PositionUm] = clustering.map { cluster in
            let n = Swift.max(1, Int((Double(requested) / cluster.meanPerCluster).rounded()))
            return (0..<n).map { _ in field.uniformPoint(&parentStream) }
        } ?? []
        let planar = field.grid.rank == 2
        let hollowProbability = effectiveHollowFraction
        let granuleStreams = stream.substream("granule")
        var placed: [Granule] = []
        placed.reserveCapacity(requested)
        for index in 0..<requested {
            var s = granuleStreams.substream(index)
            let radius = radiusUm.sample(&s, in: .positive)
            let intensity = intensityPerUm3.sample(&s, in: .nonNegative)
            var inner = 0.0
            if let shellThicknessUm, s.uniform() < hollowProbability {
                inner = Swift.max(0, radius - shellThicknessUm.sample(&s, in: .positive))
            }
            let parent = parents.isEmpty ? nil : parents[s.integer(below: parents.count)]
            let attempts = nonOverlap ? GranuleParameters.placementAttempts : 1
            var position: PositionUm?
            for _ in 0..<attempts {
                let candidate = parent.map { clusteredPoint(around: $0, in: field, planar: planar, stream: &s) }
                    ?? field.uniformPoint(&s)
                if !nonOverlap || placed.allSatisfy({ ($0.centerUm - candidate).length >= $0.radiusUm + radius + minGapUm }) {
                    position = candidate
                    break
                }
            }
            if let position {
                placed.append(Granule(centerUm: position, radiusUm: radius, innerRadiusUm: inner, intensityPerUm3: intensity))
            }
        }
        let summary = GranuleSummary(
            requestedCount: requested, placedCount: placed.count, hollowCount: placed.filter { $0.innerRadiusUm > 0 }.count,
            meanRadiusUm: placed.isEmpty ? 0 : placed.reduce(0) { $0 + $1.radiusUm } / Double(placed.count),
            clusterCount: clustering == nil ? nil : parents.count)
        return (placed, summary)
    }

    /// A point displaced from `parent` by N(0, sd²) per axis, redrawn until it lies in the field.
    private func clusteredPoint(around parent: PositionUm, in field: PhantomField, planar: Bool,
                                stream: inout RandomStream) -> PositionUm {
        let sd = clustering!.clusterSdUm
        for _ in 0..<100 {
            let offset = PositionUm(planar ? 0 : stream.normal(mean: 0, sd: sd), stream.normal(mean: 0, sd: sd),
                                    stream.normal(mean: 0, sd: sd))
            if field.contains(parent + offset) { return parent + offset }
        }
        return parent
    }

    /// The rendered granules of one sample, and what was drawn.
    public func render(in field: PhantomField, stream: RandomStream, threads: Int) throws -> (Volume, GranuleSummary) {
        let (granules, summary) = try self.granules(in: field, stream: stream)
        let rasteriser = EllipsoidRasteriser(grid: field.grid)
        let blocks = Parallel.map(granules.count, threads: threads) { rasteriser.block(for: granules[$0]) }
        var sum = VoxelAccumulator(grid: field.grid)
        for block in blocks { if let block { sum.add(block) } }
        return (sum.volume, summary)
    }
}

/// One granule: a solid sphere (`innerRadiusUm` 0) or a shell between the two radii.
public struct Granule: Codable, Equatable, Sendable {
    public var centerUm: PositionUm
    public var radiusUm: Double
    public var innerRadiusUm: Double
    public var intensityPerUm3: Double

    public init(centerUm: PositionUm, radiusUm: Double, innerRadiusUm: Double = 0, intensityPerUm3: Double) {
        self.centerUm = centerUm
        self.radiusUm = radiusUm
        self.innerRadiusUm = innerRadiusUm
        self.intensityPerUm3 = intensityPerUm3
    }

    /// Amount of dye: density × (4/3)π(R³ − r³).
    public var totalIntensity: Double {
        intensityPerUm3 * 4 / 3 * Double.pi * (Foundation.pow(radiusUm, 3) - Foundation.pow(innerRadiusUm, 3))
    }
}

extension EllipsoidRasteriser {
    /// A granule's voxels: the outer sphere minus the lumen, as volumes in 3-D and as
    /// projected thickness in 2-D.
    func block(for granule: Granule) -> VoxelBlock? {
        let outer = Ellipsoid(centerUm: granule.centerUm, radiusUm: granule.radiusUm)
        guard var block = block(for: outer) else { return nil }
        let lumen = granule.innerRadiusUm > 0 ? Ellipsoid(centerUm: granule.centerUm, radiusUm: granule.innerRadiusUm) : nil
        add(outer, lumen: lumen, density: granule.intensityPerUm3, measure: grid.rank == 3 ? .inside : .projectedThickness,
            into: &block)
        return block
    }
}

/// What one sample of granules (or spherical phantoms) drew.
public struct GranuleSummary: Codable, Equatable, Sendable {
    public var requestedCount: Int
    /// Granules placed (fewer than requested when non-overlap ran out of room).
    public var placedCount: Int
    public var hollowCount: Int
    public var meanRadiusUm: Double
    /// Cluster parents, with clustering.
    public var clusterCount: Int?

    public enum CodingKeys: String, CodingKey {
        case requestedCount = "requested_count"
        case placedCount = "placed_count"
        case hollowCount = "hollow_count"
        case meanRadiusUm = "mean_radius_um"
        case clusterCount = "cluster_count"
    }
}

import FluoCore
import Foundation

/// Microtubules: worm-like chains (`WormLikeChain`) rendered as tubes (`FilamentRasteriser`).
///
/// Defaults and where they come from:
/// - `tube_diameter_um` 0.025: the microtubule's outer diameter, about 25 nm (textbook value,
///   e.g. Alberts, Molecular Biology of the Cell).
/// - `persistence_length_um` 20: in vitro microtubules have Lp of millimetres (Gittes et al.,
///   J. Cell Biol. 120 (1993) 923: about 5 mm), but in cells their shapes look far more
///   flexible (tens of µm); 20 µm is a reasonable guess for a cell-like look, not a citation.
/// - `contour_length_um` log-normal, mean 8 µm, sd 4 µm: a reasonable guess for interphase
///   microtubules seen in a field of a few tens of µm.
/// - `intensity_per_um` log-normal, mean 160, sd 40 per µm (per-filament brightness varies):
///   13 protofilaments of 8 nm dimers make 1625 tubulin dimers per µm; about 10 % labelled is a
///   guess.
/// - `count` 20 filaments.
public struct MicrotubuleParameters: Codable, Equatable, Sendable {
    /// Where filaments start.
    public enum Nucleation: String, Codable, CaseIterable, Sendable {
        /// Uniformly in the cell or field, heading in a uniformly random direction.
        case uniform
        /// From centrosome-like asters: each filament starts `aster_radius_um` from one of
        /// `aster_count` centres (drawn uniformly in the inner half of the cell or field) and
        /// heads away from it.
        case asters
    }

    /// Filaments per sample.
    public var number: ObjectCount
    /// Persistence length Lp in µm (3-D convention, see `WormLikeChain`), drawn per sample.
    public var persistenceLengthUm: Distribution
    /// Contour length in µm, drawn per filament.
    public var contourLengthUm: Distribution
    /// Outer diameter of the tube in µm.
    public var tubeDiameterUm: Double
    /// Amount of dye per µm of filament, drawn per filament.
    public var intensityPerUm: Distribution
    /// Where filaments start.
    public var nucleation: Nucleation
    /// Number of asters per sample (with `nucleation: asters`).
    public var asterCount: Distribution
    /// Distance from an aster's centre at which its filaments start, in µm (a centrosome's
    /// pericentriolar material is about 1 µm across: a reasonable default of 0.5).
    public var asterRadiusUm: Double
    /// What filaments do at a cell outline: bend along it or stop.
    public var atBoundary: WormLikeChain.BoundaryRule
    /// Discrete labelling: fluorophores per µm placed as a Poisson process along the filament
    /// (speckles); `nil` renders a continuous tube.
    public var speckleDensityPerUm: Double?

    public init(number: ObjectCount = ObjectCount(count: 20), persistenceLengthUm: Distribution = 20,
                contourLengthUm: Distribution = .logNormal(mean: 8, sd: 4), tubeDiameterUm: Double = 0.025,
                intensityPerUm: Distribution = .logNormal(mean: 160, sd: 40), nucleation: Nucleation = .uniform,
                asterCount: Distribution = 1, asterRadiusUm: Double = 0.5, atBoundary: WormLikeChain.BoundaryRule = .bend,
                speckleDensityPerUm: Double? = nil) {
        self.number = number
        self.persistenceLengthUm = persistenceLengthUm
        self.contourLengthUm = contourLengthUm
        self.tubeDiameterUm = tubeDiameterUm
        self.intensityPerUm = intensityPerUm
        self.nucleation = nucleation
        self.asterCount = asterCount
        self.asterRadiusUm = asterRadiusUm
        self.atBoundary = atBoundary
        self.speckleDensityPerUm = speckleDensityPerUm
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case persistenceLengthUm = "persistence_length_um"
        case contourLengthUm = "contour_length_um"
        case tubeDiameterUm = "tube_diameter_um"
        case intensityPerUm = "intensity_per_um"
        case nucleation
        case asterCount = "aster_count"
        case asterRadiusUm = "aster_radius_um"
        case atBoundary = "at_boundary"
        case speckleDensityPerUm = "speckle_density_per_um"
    }

    /// Every key a spec may give.
    public static var keys: [String] {
        CodingKeys.allCases.map(\.stringValue) + ObjectCount.CodingKeys.allCases.map(\.stringValue)
    }

    public init(from decoder: Decoder) throws {
        try self.init(from: decoder, alsoAllowing: [])
    }

    /// Decodes the keys present, defaults for the others; `extra` keys belong to an enclosing
    /// mapping (e.g. `kind`) and are not rejected.
    public init(from decoder: Decoder, alsoAllowing extra: [String]) throws {
        try decoder.rejectUnknownKeys(allowed: MicrotubuleParameters.keys + extra)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = MicrotubuleParameters()
        number = try ObjectCount(from: decoder, fallback: d.number)
        persistenceLengthUm = try c.decodeIfPresent(Distribution.self, forKey: .persistenceLengthUm) ?? d.persistenceLengthUm
        contourLengthUm = try c.decodeIfPresent(Distribution.self, forKey: .contourLengthUm) ?? d.contourLengthUm
        tubeDiameterUm = try c.decodeIfPresent(Double.self, forKey: .tubeDiameterUm) ?? d.tubeDiameterUm
        intensityPerUm = try c.decodeIfPresent(Distribution.self, forKey: .intensityPerUm) ?? d.intensityPerUm
        nucleation = try c.decodeIfPresent(Nucleation.self, forKey: .nucleation) ?? d.nucleation
        asterCount = try c.decodeIfPresent(Distribution.self, forKey: .asterCount) ?? d.asterCount
        asterRadiusUm = try c.decodeIfPresent(Double.self, forKey: .asterRadiusUm) ?? d.asterRadiusUm
        atBoundary = try c.decodeIfPresent(WormLikeChain.BoundaryRule.self, forKey: .atBoundary) ?? d.atBoundary
        speckleDensityPerUm = try c.decodeIfPresent(Double.self, forKey: .speckleDensityPerUm)
    }

    public func encode(to encoder: Encoder) throws {
        try number.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(persistenceLengthUm, forKey: .persistenceLengthUm)
        try c.encode(contourLengthUm, forKey: .contourLengthUm)
        try c.encode(tubeDiameterUm, forKey: .tubeDiameterUm)
        try c.encode(intensityPerUm, forKey: .intensityPerUm)
        try c.encode(nucleation, forKey: .nucleation)
        try c.encode(asterCount, forKey: .asterCount)
        try c.encode(asterRadiusUm, forKey: .asterRadiusUm)
        try c.encode(atBoundary, forKey: .atBoundary)
        try c.encodeIfPresent(speckleDensityPerUm, forKey: .speckleDensityPerUm)
    }

    public func validate(rank: Int) throws {
        try number.validate(rank: rank)
        try persistenceLengthUm.validate("persistence_length_um", .positive)
        try contourLengthUm.validate("contour_length_um", .positive)
        try require(tubeDiameterUm > 0 && tubeDiameterUm < 10, "tube_diameter_um", "must be in (0, 10) µm, got \(tubeDiameterUm)")
        try intensityPerUm.validate("intensity_per_um", .nonNegative)
        try asterCount.validate("aster_count", .positive)
        try require(asterRadiusUm >= 0 && asterRadiusUm.isFinite, "aster_radius_um", "must be ≥ 0, got \(asterRadiusUm)")
        if let speckleDensityPerUm {
            try require(speckleDensityPerUm > 0 && speckleDensityPerUm.isFinite, "speckle_density_per_um",
                        "must be positive, got \(speckleDensityPerUm)")
        }
    }

    /// One drawn filament.
    public struct Filament: Sendable {
        /// Vertices of the chain in µm.
        public var points: [PositionUm]
        /// Amount of dye per µm.
        public var intensityPerUm: Double
        /// Length of the chain in µm (shorter than drawn if it stopped at the cell outline).
        public var contourLengthUm: Double
    }

    /// The filaments of one sample, and what was drawn.
    public func filaments(in field: PhantomField, stream: RandomStream, threads: Int) throws
        -> (filaments: [Filament], summary: MicrotubuleSummary) {
        try validate(rank: field.grid.rank)
        var countStream = stream.substream("count")
        let count = number.draw(in: field, stream: &countStream)
        var lpStream = stream.substream("persistence")
        let persistence = persistenceLengthUm.sample(&lpStream, in: .positive)
        var asterStream = stream.substream("asters")
        let asters: [PositionUm] = nucleation == .asters
            ? (0..<Swift.max(1, asterCount.sampleCount(&asterStream))).map { _ in field.uniformPoint(&asterStream, shrink: 0.5) }
            : []
        let chain = WormLikeChain(persistenceLengthUm: persistence, rank: field.grid.rank)
        let maxStep = Swift.min(field.grid.minSpacingUm / 2, persistence / 10)
        let confinement = field.cell.map { WormLikeChain.Confinement(outline: $0, rule: atBoundary) }
        let filamentStreams = stream.substream("filament")
        let filaments = Parallel.map(count, threads: threads) { index -> Filament in
            var s = filamentStreams.substream(index)
            let length = contourLengthUm.sample(&s, in: .positive)
            let intensity = intensityPerUm.sample(&s, in: .nonNegative)
            let direction = field.randomDirection(&s)
            var start: PositionUm
            if asters.isEmpty {
                start = field.uniformPoint(&s)
            } else {
                let centre = asters[index % asters.count]
                start = centre + asterRadiusUm * direction
                if !field.contains(start) { start = centre }
            }
            let points = chain.sample(from: start, direction: direction, contourLengthUm: length, maxStepUm: maxStep,
                                      confinement: confinement, stream: &s)
            let travelled = zip(points, points.dropFirst()).reduce(0.0) { $0 + ($1.1 - $1.0).length }
            return Filament(points: points, intensityPerUm: intensity, contourLengthUm: travelled)
        }
        let total = filaments.reduce(0.0) { $0 + $1.contourLengthUm }
        let summary = MicrotubuleSummary(filamentCount: count, persistenceLengthUm: persistence,
                                         meanContourLengthUm: count > 0 ? total / Double(count) : 0,
                                         totalContourLengthUm: total, asterCentersUm: asters.isEmpty ? nil : asters)
        return (filaments, summary)
    }

    /// The rendered microtubules of one sample, and what was drawn.
    public func render(in field: PhantomField, stream: RandomStream, threads: Int) throws -> (Volume, MicrotubuleSummary) {
        let (filaments, drawn) = try self.filaments(in: field, stream: stream, threads: threads)
        var summary = drawn
        let rasteriser = FilamentRasteriser(grid: field.grid, tubeDiameterUm: tubeDiameterUm)
        let speckleStreams = stream.substream("speckle")
        let stamps = Parallel.map(filaments.count, threads: threads) { index -> (VoxelDeposits, Int) in
            let filament = filaments[index]
            guard let density = speckleDensityPerUm else {
                return (rasteriser.deposits(along: filament.points, intensityPerUm: filament.intensityPerUm), 0)
            }
            var s = speckleStreams.substream(index)
            return rasteriser.speckles(along: filament.points, intensityPerUm: filament.intensityPerUm,
                                       densityPerUm: density, stream: &s)
        }
        var sum = VoxelAccumulator(grid: field.grid)
        for (deposits, _) in stamps { sum.add(deposits) }
        if speckleDensityPerUm != nil { summary.fluorophoreCount = stamps.reduce(0) { $0 + $1.1 } }
        return (sum.volume, summary)
    }
}

/// What one sample of microtubules drew.
public struct MicrotubuleSummary: Codable, Equatable, Sendable {
    public var filamentCount: Int
    public var persistenceLengthUm: Double
    public var meanContourLengthUm: Double
    public var totalContourLengthUm: Double
    /// Aster centres (z, y, x) in µm, with `nucleation: asters`.
    public var asterCentersUm: [PositionUm]?
    /// Fluorophores placed, with discrete labelling.
    public var fluorophoreCount: Int?

    public enum CodingKeys: String, CodingKey {
        case filamentCount = "filament_count"
        case persistenceLengthUm = "persistence_length_um"
        case meanContourLengthUm = "mean_contour_length_um"
        case totalContourLengthUm = "total_contour_length_um"
        case asterCentersUm = "aster_centers_um"
        case fluorophoreCount = "fluorophore_count"
    }
}

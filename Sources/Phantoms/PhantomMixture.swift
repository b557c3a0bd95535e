import FluoCore
import Foundation

/// A phantom: one or more structures summed into one or more channels, optionally inside a
/// cell outline drawn once per sample and shared by all of them.
///
/// A single structure is written flat, a mixture lists its components:
///
///     kind: microtubules            kind: mixture
///     count: 20                     cell: {major_semi_axis_um: 12, minor_semi_axis_um: 8}
///     cell: {…}                     components:
///                                     - {kind: microtubules, channel: 0, nucleation: asters}
///                                     - {kind: granules, channel: 1, weight: 0.5}
///
/// Each component's volume is multiplied by its `weight` (drawn per sample, default 1) and
/// added to channel `channel` (default 0) in list order; with the cell's `mask`, every channel
/// is then zeroed outside the cell. Random streams: the cell uses `substream("cell")`,
/// component i `substream("component").substream(i)`, so adding a component does not change
/// the others.
public struct PhantomParameters: Equatable, Sendable {
    public var components: [PhantomComponent]
    public var cell: CellOutline?
    /// Whether this is a `kind: mixture` (error keys then start with `components[i].`);
    /// otherwise it is one structure written flat.
    public var isMixture: Bool

    /// A mixture of `components`.
    public init(components: [PhantomComponent], cell: CellOutline? = nil) {
        self.components = components
        self.cell = cell
        isMixture = true
    }

    /// A single structure on channel 0.
    public init(_ structure: PhantomStructure, cell: CellOutline? = nil) {
        components = [PhantomComponent(structure)]
        self.cell = cell
        isMixture = false
    }

    /// The names used for `kind:` at the top of a phantom.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case microtubules, granules, spheres, mixture
    }

    /// Number of output channels: the highest channel used plus one.
    public var channelCount: Int { (components.map(\.channel).max() ?? 0) + 1 }

    public func validate(rank: Int) throws {
        try require(!components.isEmpty, "components", "a mixture needs at least one component")
        try require(isMixture || components.count == 1, "kind", "several components make a mixture")
        if let cell { try nested("cell.") { try cell.validate() } }
        for (index, component) in components.enumerated() {
            try nested(isMixture ? "components[\(index)]." : "") { try component.validate(rank: rank) }
        }
    }

    /// One sample on the grid of `shape` (z, y, x or y, x) and `spacingUm`, drawn from `stream`.
    /// The result is the same for any `threads`.
    public func generate(shape: [Int], spacingUm: [Double], stream: RandomStream,
                         threads: Int = Parallel.availableCores) throws -> PhantomSample {
        let grid = try PhantomGrid(shape: shape, spacingUm: spacingUm)
        try validate(rank: grid.rank)
        let outline = cell?.draw(on: grid, stream: stream.substream("cell"))
        let field = PhantomField(grid: grid, cell: outline)
        var channels: [Volume?] = Array(repeating: nil, count: channelCount)
        var summaries: [ComponentSummary] = []
        let componentStreams = stream.substream("component")
        for (index, component) in components.enumerated() {
            let componentStream = componentStreams.substream(index)
            var weightStream = componentStream.substream("weight")
            let weight = component.weight.sample(&weightStream, in: .nonNegative)
            let (volume, drawn) = try nested(isMixture ? "components[\(index)]." : "") {
                try component.structure.render(in: field, stream: componentStream, threads: threads)
            }
            let scale = Float(weight)
            if var sum = channels[component.channel] {
                channels[component.channel] = nil  // sole owner: no copy on write
                sum.data.withUnsafeMutableBufferPointer { out in
                    for (i, value) in volume.data.enumerated() { out[i] += scale * value }
                }
                channels[component.channel] = sum
            } else {
                var first = volume
                if scale != 1 { first.scale(by: scale) }
                channels[component.channel] = first
            }
            summaries.append(ComponentSummary(kind: component.structure.kind, channel: component.channel,
                                              weight: weight, drawn: drawn))
        }
        var volumes = channels.map { $0 ?? Volume(shape: shape, spacingUm: spacingUm) }
        if cell?.mask == true {
            for c in volumes.indices { field.applyMask(to: &volumes[c]) }
        }
        return PhantomSample(channels: volumes, summary: PhantomSummary(cell: outline, components: summaries))
    }
}

/// One structure of a mixture with its channel and weight.
public struct PhantomComponent: Equatable, Sendable {
    public var structure: PhantomStructure
    /// Output channel, 0-based.
    public var channel: Int
    /// Factor on the structure's volume, drawn per sample.
    public var weight: Distribution

    public init(_ structure: PhantomStructure, channel: Int = 0, weight: Distribution = 1) {
        self.structure = structure
        self.channel = channel
        self.weight = weight
    }

    func validate(rank: Int) throws {
        try require((0..<8).contains(channel), "channel", "must be 0–7, got \(channel)")
        try weight.validate("weight", .nonNegative)
        try structure.validate(rank: rank)
    }
}

extension PhantomComponent: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case kind, channel, weight }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(PhantomStructure.Kind.self, forKey: .kind)
        structure = try PhantomStructure(kind: kind, from: decoder, alsoAllowing: CodingKeys.allCases.map(\.stringValue))
        channel = try c.decodeIfPresent(Int.self, forKey: .channel) ?? 0
        weight = try c.decodeIfPresent(Distribution.self, forKey: .weight) ?? 1
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(structure.kind, forKey: .kind)
        try c.encode(channel, forKey: .channel)
        try c.encode(weight, forKey: .weight)
        try structure.encodeParameters(to: encoder)
    }
}

extension PhantomParameters: Codable {
    private enum CodingKeys: String, CodingKey, CaseIterable { case kind, cell, components }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try c.decode(Kind.self, forKey: .kind)
        if let single = PhantomStructure.Kind(rawValue: kind.rawValue) {
            let structure = try PhantomStructure(kind: single, from: decoder, alsoAllowing: ["kind", "cell"])
            self.init(structure, cell: try c.decodeIfPresent(CellOutline.self, forKey: .cell))
        } else {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            self.init(components: try c.decode([PhantomComponent].self, forKey: .components),
                      cell: try c.decodeIfPresent(CellOutline.self, forKey: .cell))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(cell, forKey: .cell)
        if isMixture {
            try c.encode(Kind.mixture, forKey: .kind)
            try c.encode(components, forKey: .components)
        } else {
            try c.encode(components[0].structure.kind, forKey: .kind)
            try components[0].structure.encodeParameters(to: encoder)
        }
    }
}

/// One generated phantom: a volume per channel and what was drawn for it.
public struct PhantomSample: Sendable {
    /// One volume per channel, all on the same grid.
    public var channels: [Volume]
    public var summary: PhantomSummary
}

/// What was drawn for one sample, for a dataset's manifest.
public struct PhantomSummary: Codable, Equatable, Sendable {
    /// The cell outline, if any.
    public var cell: Ellipsoid?
    public var components: [ComponentSummary]
}

/// What one component of a sample drew.
public struct ComponentSummary: Codable, Equatable, Sendable {
    public var kind: PhantomStructure.Kind
    public var channel: Int
    public var weight: Double
    public var microtubules: MicrotubuleSummary?
    public var granules: GranuleSummary?

    init(kind: PhantomStructure.Kind, channel: Int, weight: Double, drawn: StructureSummary) {
        self.kind = kind
        self.channel = channel
        self.weight = weight
        switch drawn {
        case let .microtubules(summary): microtubules = summary
        case let .granules(summary): granules = summary
        }
    }

    /// A one-line description for the terminal.
    public var line: String {
        var text = "\(kind.rawValue) (channel \(channel)"
        if weight != 1 { text += ", weight \(String(format: "%.3g", weight))" }
        text += "): "
        if let m = microtubules {
            text += "\(m.filamentCount) filaments, Lp \(String(format: "%.3g", m.persistenceLengthUm)) µm, mean length \(String(format: "%.3g", m.meanContourLengthUm)) µm"
            if let n = m.fluorophoreCount { text += ", \(n) fluorophores" }
        }
        if let g = granules {
            text += "\(g.placedCount) of \(g.requestedCount) placed, \(g.hollowCount) hollow, mean radius \(String(format: "%.3g", g.meanRadiusUm)) µm"
            if let clusters = g.clusterCount { text += ", \(clusters) clusters" }
        }
        return text
    }
}

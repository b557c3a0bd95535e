import FluoCore
import Imaging
import Yams

/// A dataset spec: what `fluosynth generate` reads from YAML. It composes the parameter
/// types of each pipeline stage (phantom, optics, acquisition, output), which remain the
/// single source of truth for the keys a user can write.
///
///     name: microtubules-widefield-2d
///     seed: 1
///     samples: 200
///     shape: [128, 128]                 # ground-truth grid, (y, x) or (z, y, x)
///     pixel_size_um: [0.03, 0.03]       # one value per axis of shape
///     phantom: microtubules             # a preset in Phantoms/, or inline parameters
///     optics: {model: born-wolf, na: 1.3, wavelength_um: 0.52, immersion_index: 1.518}
///     acquisition: {subsample: [...], background: {...}, camera: {...}}
///     conditions: [{name: low, acquisition: {camera: {peak_photons: 20}}}, ...]
///     target: {grid: ground_truth}
///     output: {directory: out/mt, formats: [tiff, npz, previews]}
///
/// Any number may be written as a range `[min, max]` or `{distribution: …}`; it is drawn
/// per sample (see `NumberResolution`).
public struct DatasetSpec: Codable, Sendable {
    public var name: String
    /// Root seed; sample i uses `RandomStream(seed:).substream(i)`.
    public var seed: UInt64
    /// Number of samples.
    public var samples: Int
    /// The most samples a spec may ask for: a run keeps a record of each.
    public static let maximumSamples = 100_000_000
    /// Ground-truth grid, (y, x) or (z, y, x).
    public var shape: [Int]
    /// Ground-truth spacing in µm, one value per axis of `shape`.
    public var pixelSizeUm: [Double]
    /// A preset name from `Phantoms/` or inline phantom parameters (kept as written here;
    /// `SpecLoader` decodes it).
    public var phantom: PhantomChoice
    /// The PSF model (absent: no blur).
    public var optics: PSFModel?
    /// Background, resampling and camera shared by every condition.
    public var acquisition: Acquisition
    /// Several acquisitions of the same ground truth, each overriding parts of `optics` and
    /// `acquisition`; none given means one condition named `low`.
    public var conditions: [Condition]
    /// What the ground truth written beside the inputs is.
    public var target: TargetSpec
    public var output: OutputSpec
    /// What `fluosynth loop` trains and compares with (ignored by `generate`).
    public var loop: LoopSettings?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, seed, samples, shape
        case pixelSizeUm = "pixel_size_um"
        case phantom, optics, acquisition, conditions, target, output, loop
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
        samples = try c.decode(Int.self, forKey: .samples)
        shape = try c.decode([Int].self, forKey: .shape)
        pixelSizeUm = try c.decode([Double].self, forKey: .pixelSizeUm)
        phantom = try c.decode(PhantomChoice.self, forKey: .phantom)
        optics = try c.decodeIfPresent(PSFModel.self, forKey: .optics)
        acquisition = try c.decodeIfPresent(Acquisition.self, forKey: .acquisition) ?? Acquisition()
        conditions = try c.decodeIfPresent([Condition].self, forKey: .conditions)
            ?? [Condition(name: "low", optics: optics, acquisition: acquisition)]
        target = try c.decodeIfPresent(TargetSpec.self, forKey: .target) ?? TargetSpec()
        output = try c.decode(OutputSpec.self, forKey: .output)
        loop = try c.decodeIfPresent(LoopSettings.self, forKey: .loop)
    }
}

/// One acquisition of the ground truth, e.g. one rung of a photon ladder (CARE's C1–C3,
/// BioSR's SNR levels). In YAML a condition lists only what differs from the top-level
/// `optics` and `acquisition`; `SpecLoader` merges the two before decoding, so here both
/// are complete.
public struct Condition: Codable, Equatable, Sendable {
    /// Folder and npz name of this condition's inputs.
    public var name: String
    public var optics: PSFModel?
    public var acquisition: Acquisition

    public init(name: String, optics: PSFModel?, acquisition: Acquisition) {
        self.name = name
        self.optics = optics
        self.acquisition = acquisition
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case name, optics, acquisition }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        optics = try c.decodeIfPresent(PSFModel.self, forKey: .optics)
        acquisition = try c.decodeIfPresent(Acquisition.self, forKey: .acquisition) ?? Acquisition()
    }
}

/// The ground truth written beside the inputs.
public struct TargetSpec: Codable, Equatable, Sendable {
    /// Which grid the target is written on.
    public enum Grid: String, Codable, CaseIterable, Sendable {
        /// The simulation grid (`shape`, `pixel_size_um`): finer than the input when the
        /// acquisition subsamples, giving super-resolution pairs.
        case groundTruth = "ground_truth"
        /// The input's grid: the ground truth integrated over the input's pixels.
        case input
    }

    public var grid: Grid
    /// An optional PSF the target is blurred with (e.g. a SIM-like reference, or the
    /// diffraction limit for pure denoising pairs).
    public var psf: PSFModel?

    public init(grid: Grid = .groundTruth, psf: PSFModel? = nil) {
        self.grid = grid
        self.psf = psf
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case grid, psf }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        grid = try c.decodeIfPresent(Grid.self, forKey: .grid) ?? .groundTruth
        psf = try c.decodeIfPresent(PSFModel.self, forKey: .psf)
    }
}

/// The `phantom:` entry as written: a preset name or an inline mapping. The mapping's node
/// is kept so `SpecLoader` can decode it with the phantom types (and point errors at it).
public enum PhantomChoice: Codable, @unchecked Sendable {
    case preset(String)
    case inline(Node)

    public init(from decoder: Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            self = .preset(name)
        } else if let decoder = decoder as? NodeDecoder {
            self = .inline(decoder.node)
        } else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "expected a preset name or phantom parameters"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .preset(name):
            var single = encoder.singleValueContainer()
            try single.encode(name)
        case .inline:
            // The resolved spec writes the decoded parameters instead (see ResolvedSpec).
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        }
    }
}

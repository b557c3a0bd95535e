import FluoCore

/// A measured PSF named by file, or by the name of a PSF bundled in `PSFs/`, as a spec or the
/// command line gives it. Loading the file is the caller's business (the imaging model does no
/// I/O); `MeasuredPSF` does the rest.
public struct PSFFile: Codable, Equatable, Sendable {
    /// Path of the TIFF stack (relative paths are resolved against the spec's folder).
    public var path: String?
    /// A bundled PSF (`fluosynth psf --list`), instead of `path`.
    public var name: String?
    /// Spacing of the stack (z, y, x) in µm; `nil` reads it from the file's metadata (or the
    /// bundled PSF's description).
    public var spacingUm: [Double]?
    /// Background level to subtract; `nil` estimates it from the stack's border.
    public var background: Double?

    public init(path: String, spacingUm: [Double]? = nil, background: Double? = nil) {
        self.path = path
        self.spacingUm = spacingUm
        self.background = background
    }

    public init(name: String, spacingUm: [Double]? = nil, background: Double? = nil) {
        self.name = name
        self.spacingUm = spacingUm
        self.background = background
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case path, name
        case spacingUm = "spacing_um"
        case background
    }
}

/// The PSF models a user can choose, as written in a spec:
/// `{model: born-wolf, na: 1.4, wavelength_um: 0.52, immersion_index: 1.518}`.
public enum PSFModel: Equatable, Sendable {
    case gaussian(GaussianPSF)
    case bornWolf(BornWolfPSF)
    case gibsonLanni(GibsonLanniPSF)
    case vectorial(VectorialPSF)
    case confocal(ConfocalPSF)
    case file(PSFFile)

    /// The names used for `model:` in specs and `--model` on the command line.
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case gaussian
        case bornWolf = "born-wolf"
        case gibsonLanni = "gibson-lanni"
        case vectorial
        case confocal
        case file
    }

    public var kind: Kind {
        switch self {
        case .gaussian: return .gaussian
        case .bornWolf: return .bornWolf
        case .gibsonLanni: return .gibsonLanni
        case .vectorial: return .vectorial
        case .confocal: return .confocal
        case .file: return .file
        }
    }

    /// The keys each model accepts besides `model`.
    public static func keys(of kind: Kind) -> [String] {
        switch kind {
        case .gaussian: return GaussianPSF.CodingKeys.allCases.map(\.stringValue)
        case .bornWolf: return BornWolfPSF.CodingKeys.allCases.map(\.stringValue)
        case .gibsonLanni, .vectorial: return GibsonLanniPSF.CodingKeys.allCases.map(\.stringValue)
        case .confocal: return ConfocalPSF.allKeys
        case .file: return PSFFile.CodingKeys.allCases.map(\.stringValue)
        }
    }

    /// The emission optics (NA, wavelength in µm, immersion index) where the model has them.
    public var optics: (na: Double, wavelengthUm: Double, immersionIndex: Double)? {
        switch self {
        case let .bornWolf(p): return (p.na, p.wavelengthUm, p.immersionIndex)
        case let .gibsonLanni(p): return (p.na, p.wavelengthUm, p.immersionIndex)
        case let .vectorial(v): return (v.layers.na, v.layers.wavelengthUm, v.layers.immersionIndex)
        case let .confocal(p): return (p.emission.na, p.emission.wavelengthUm, p.emission.immersionIndex)
        case .gaussian, .file: return nil
        }
    }

    /// The model as something that renders; `loadFile` turns a `PSFFile` into a measured stack.
    public func pointSpreadFunction(loadFile: (PSFFile) throws -> MeasuredPSF) rethrows -> any PointSpreadFunction {
        switch self {
        case let .gaussian(p): return p
        case let .bornWolf(p): return p
        case let .gibsonLanni(p): return p
        case let .vectorial(p): return p
        case let .confocal(p): return p
        case let .file(p): return try loadFile(p)
        }
    }
}

extension PSFModel: Codable {
    private enum ModelKey: String, CodingKey { case model }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: ModelKey.self)
        let kind = try container.decode(Kind.self, forKey: .model)
        try decoder.rejectUnknownKeys(allowed: ["model"] + PSFModel.keys(of: kind))
        switch kind {
        case .gaussian: self = .gaussian(try GaussianPSF(from: decoder))
        case .bornWolf: self = .bornWolf(try BornWolfPSF(from: decoder))
        case .gibsonLanni: self = .gibsonLanni(try GibsonLanniPSF(from: decoder))
        case .vectorial: self = .vectorial(try VectorialPSF(from: decoder))
        case .confocal: self = .confocal(try ConfocalPSF(from: decoder))
        case .file: self = .file(try PSFFile(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: ModelKey.self)
        try container.encode(kind, forKey: .model)
        switch self {
        case let .gaussian(p): try p.encode(to: encoder)
        case let .bornWolf(p): try p.encode(to: encoder)
        case let .gibsonLanni(p): try p.encode(to: encoder)
        case let .vectorial(p): try p.encode(to: encoder)
        case let .confocal(p): try p.encode(to: encoder)
        case let .file(p): try p.encode(to: encoder)
        }
    }
}

extension PSFModel {
    /// Checks the model's parameters (a file model only checks that it names a file).
    public func validate() throws {
        switch self {
        case let .gaussian(p): try p.validate()
        case let .bornWolf(p): try p.validate()
        case let .gibsonLanni(p): try p.validate()
        case let .vectorial(p): try p.validate()
        case let .confocal(p): try p.validate()
        case let .file(p):
            try require((p.path == nil) != (p.name == nil), "path",
                        "a file PSF needs either path (a TIFF stack) or name (a bundled PSF, see fluosynth psf --list), not both")
            try require(!(p.path ?? p.name ?? "").isEmpty, p.name == nil ? "path" : "name", "must name a TIFF file or a bundled PSF")
            if let spacing = p.spacingUm {
                try require(spacing.allSatisfy { $0 > 0 && $0.isFinite }, "spacing_um", "must be positive, got \(spacing)")
            }
        }
    }
}

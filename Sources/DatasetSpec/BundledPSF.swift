import FluoCore
import Foundation
import Imaging
import Yams

/// A PSF shipped in `PSFs/`: `<name>.yaml` describes the TIFF stack beside it (what it is, its
/// shape and voxel size, the optics, where it comes from and its licence). Specs use it as
/// `optics: {model: file, name: <name>}`; `fluosynth psf --list` lists them.
public struct BundledPSF: Codable, Equatable, Sendable {
    /// Rendered from a model, or measured (beads).
    public enum Kind: String, Codable, Sendable { case model, measurement }

    public var description: String
    public var kind: Kind
    /// The TIFF stack, beside the description.
    public var file: String
    /// (z, y, x) samples.
    public var shape: [Int]
    /// (z, y, x) in µm.
    public var voxelSizeUm: [Double]
    public var na: Double?
    /// Emission wavelength in µm.
    public var wavelengthUm: Double?
    public var excitationWavelengthUm: Double?
    public var immersionIndex: Double?
    public var sampleIndex: Double?
    /// The model that renders the stack (`kind: model`).
    public var optics: PSFModel?
    public var source: String
    public var licence: String

    enum CodingKeys: String, CodingKey {
        case description, kind, file, shape, na, optics, source, licence
        case voxelSizeUm = "voxel_size_um", wavelengthUm = "wavelength_um", excitationWavelengthUm = "excitation_wavelength_um"
        case immersionIndex = "immersion_index", sampleIndex = "sample_index"
    }

    /// The bundled PSF `name` and the path of its stack.
    public static func load(_ name: String, library: PresetLibrary = .psfs()) throws -> (psf: BundledPSF, stack: String) {
        let path = try library.resolve(name)
        let psf: BundledPSF
        do {
            psf = try YAMLDecoder().decode(BundledPSF.self, from: String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw SpecError(file: path, line: 0, column: 0, path: "", message: "not a bundled PSF description: \(error)")
        }
        return (psf, URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(psf.file).path)
    }

    /// Every bundled PSF, by name.
    public static func all(library: PresetLibrary = .psfs()) throws -> [(name: String, psf: BundledPSF)] {
        try library.names.map { ($0, try load($0, library: library).psf) }
    }
}

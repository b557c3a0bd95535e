import DatasetSpec
import Foundation
import Imaging

/// One parameter of a condition set to several values in turn, everything else (the sample,
/// its ground truth and every random stream) kept: `--sweep na=0.8,1.0,1.4`.
public struct ParameterSweep: Equatable, Sendable {
    public enum Key: String, CaseIterable, Sendable {
        /// The objective's numerical aperture (`optics.na`).
        case na
        /// The emission wavelength in µm (`optics.wavelength_um`).
        case wavelength
        /// The camera's photon scale: `peak_photons` or `photons_per_unit`, whichever the spec uses.
        case photons
        /// The camera pixel in µm, in the specimen: the lateral subsampling becomes y and x
        /// steps integrating `value / ground-truth pixel` samples (at least 1).
        case pixelSize = "pixel-size"

        var meaning: String {
            switch self {
            case .na: return "numerical aperture NA"
            case .wavelength: return "emission wavelength λ (µm)"
            case .photons: return "photons (the camera's peak_photons or photons_per_unit)"
            case .pixelSize: return "camera pixel size (µm)"
            }
        }
    }

    public var key: Key
    public var values: [Double]

    public init(key: Key, values: [Double]) {
        self.key = key
        self.values = values
    }

    /// Parses `KEY=V1,V2,…`.
    public init(_ text: String) throws {
        let keys = Key.allCases.map(\.rawValue).joined(separator: ", ")
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw TeachingError.invalidRequest("--sweep \(text): write KEY=V1,V2,… with KEY one of \(keys)") }
        guard let key = Key(rawValue: parts[0].trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw TeachingError.invalidRequest("--sweep \(text): unknown key '\(parts[0])'; keys: \(keys)")
        }
        let values = parts[1].split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite }) else {
            throw TeachingError.invalidRequest("--sweep \(text): '\(parts[1])' is not a comma-separated list of numbers")
        }
        guard values.count <= 8 else { throw TeachingError.invalidRequest("--sweep \(text): at most 8 values, got \(values.count)") }
        self.init(key: key, values: values.map { $0! })
    }

    /// `condition` with the key set to `value`; the result is checked as a spec's would be.
    public func applying(_ value: Double, to condition: Condition, groundTruthPixelUm: [Double]) throws -> Condition {
        var result = condition
        let label = "--sweep \(key.rawValue)=\(HTML.plain(value))"
        do {
            switch key {
            case .na, .wavelength:
                guard let optics = condition.optics else { throw TeachingError.invalidRequest("the condition has no optics") }
                result.optics = try ParameterSweep.setting(key, to: value, in: optics)
                try result.optics!.validate()
            case .photons:
                guard var camera = condition.acquisition.camera else { throw TeachingError.invalidRequest("the condition has no camera") }
                if camera.peakPhotons != nil { camera.peakPhotons = value } else { camera.photonsPerUnit = value }
                try camera.validate()
                result.acquisition.camera = camera
            case .pixelSize:
                let rank = groundTruthPixelUm.count
                var steps = condition.acquisition.subsample.filter { $0.axis == .z }
                for axis in [Axis.y, .x] {
                    let factor = value / groundTruthPixelUm[axis.index(inRank: rank)!]
                    guard factor >= 1 - 1e-9 else {
                        throw TeachingError.invalidRequest("the camera pixel cannot be finer than the ground truth's \(groundTruthPixelUm[axis.index(inRank: rank)!]) µm")
                    }
                    steps.append(AxisResampling(axis: axis, factor: Swift.max(factor, 1), mode: .integrate))
                }
                result.acquisition.subsample = steps
            }
        } catch {
            throw TeachingError.invalidRequest("\(label): \(error)")
        }
        return result
    }

    /// `optics` with its NA or emission wavelength replaced.
    static func setting(_ key: Key, to value: Double, in optics: PSFModel) throws -> PSFModel {
        func set(_ na: inout Double, _ wavelength: inout Double) {
            if key == .na { na = value } else { wavelength = value }
        }
        switch optics {
        case var .bornWolf(p): set(&p.na, &p.wavelengthUm); return .bornWolf(p)
        case var .gibsonLanni(p): set(&p.na, &p.wavelengthUm); return .gibsonLanni(p)
        case var .vectorial(p): set(&p.layers.na, &p.layers.wavelengthUm); return .vectorial(p)
        case var .confocal(p): set(&p.emission.na, &p.emission.wavelengthUm); return .confocal(p)
        case .gaussian, .file:
            throw TeachingError.invalidRequest("a \(optics.kind.rawValue) PSF has no \(key == .na ? "NA" : "wavelength"); use born-wolf, gibson-lanni or confocal")
        }
    }
}

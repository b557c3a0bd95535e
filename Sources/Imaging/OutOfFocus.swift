import FluoCore
import Foundation

/// Out-of-focus light of a thick specimen seen in a 2-D image: besides the in-focus layer
/// (the ground truth), the specimen holds `layers_per_side` further layers above and below
/// the focus, at depths ±j·T/(2L) (j = 1…L, T = `thickness_um`), each an independent draw of
/// the same phantom with `weight` times its brightness, each blurred by the PSF defocused to
/// its depth:
///
///     haze = Σₖ weight · layerₖ ⊛ h(·, zₖ)
///
/// with every defocused slice h(·, z) normalised to unit sum (every photon from a layer
/// reaches the camera; only its lateral spread grows with |z|, the missing cone of the
/// widefield OTF). The haze joins the in-focus image after its own PSF convolution, before
/// sampling and the camera, so it tracks the density of the structures as real haze does
/// (DeepTrack's per-plane scheme; `Imaging` for the 3-D PSF's slices).
public struct OutOfFocus: Codable, Equatable, Sendable {
    /// Thickness T of the specimen around the focus in µm.
    public var thicknessUm: Double
    /// Layers L on each side of the focus (2L in all), default 2.
    public var layersPerSide: Int
    /// Brightness of each layer relative to the in-focus one, default 1.
    public var weight: Double

    public init(thicknessUm: Double, layersPerSide: Int = 2, weight: Double = 1) {
        self.thicknessUm = thicknessUm
        self.layersPerSide = layersPerSide
        self.weight = weight
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case thicknessUm = "thickness_um"
        case layersPerSide = "layers_per_side"
        case weight
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        thicknessUm = try c.decode(Double.self, forKey: .thicknessUm)
        layersPerSide = try c.decodeIfPresent(Int.self, forKey: .layersPerSide) ?? 2
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
    }

    public func validate() throws {
        try require(thicknessUm > 0 && thicknessUm <= 100, "thickness_um", "must be in (0, 100] µm, got \(thicknessUm)")
        try require((1...16).contains(layersPerSide), "layers_per_side", "must be 1–16, got \(layersPerSide)")
        try require(weight >= 0 && weight.isFinite, "weight", "must be ≥ 0, got \(weight)")
    }

    /// Depths of the layers in µm: −T/2 … −T/(2L), T/(2L) … T/2.
    public var depthsUm: [Double] {
        let step = thicknessUm / Double(2 * layersPerSide)
        return (1...layersPerSide).reversed().map { -Double($0) * step } + (1...layersPerSide).map { Double($0) * step }
    }

    /// The grid of the defocused PSF's slices for 2-D images of `spacingUm` (y, x): one plane
    /// per depth step, laterally wide enough for the geometric blur disc at the deepest layer,
    /// R = (T/2)·tan α with sin α = NA/n, plus the in-focus PSF's own `halfWidthUm`.
    public func psfGrid(spacingUm: [Double], na: Double, immersionIndex: Double, halfWidthUm: Double) -> PSFGrid {
        let sine = Swift.min(na / immersionIndex, 0.99)
        let radius = thicknessUm / 2 * sine / (1 - sine * sine).squareRoot() + halfWidthUm
        let lateral = spacingUm.map { 2 * Int((radius / $0).rounded(.up)) + 1 }
        return PSFGrid(shape: [2 * layersPerSide + 1] + lateral, spacingUm: [thicknessUm / Double(2 * layersPerSide)] + spacingUm)
    }

    /// The slices of a 3-D PSF rendered on `psfGrid(…)` at the layers' depths, each normalised
    /// to unit sum.
    public func defocusedSlices(of psf: Volume) -> [Volume] {
        let planes = psf.shape[0], lateral = Array(psf.shape.suffix(2)), size = lateral.reduce(1, *)
        return (0..<planes).filter { $0 != planes / 2 }.map { plane in
            let data = Array(psf.data[(plane * size)..<((plane + 1) * size)])
            let total = data.reduce(0.0) { $0 + Double($1) }
            return Volume(shape: lateral, spacingUm: Array(psf.spacingUm.suffix(2)),
                          data: data.map { Float(Double($0) / Swift.max(total, .leastNormalMagnitude)) })
        }
    }
}

/// Adds a precomputed out-of-focus haze image (`OutOfFocus`) to the in-focus image.
public struct HazeStage: ImagingStage {
    public let haze: Volume
    public var name: String { "out-of-focus" }
    public init(_ haze: Volume) { self.haze = haze }

    public func apply(_ volume: Volume, stream: RandomStream, threads: Int) throws -> Volume {
        guard volume.shape == haze.shape else {
            throw ImagingError.mismatch("out-of-focus haze of shape \(haze.shape) for an image of \(volume.shape)")
        }
        return Volume(shape: volume.shape, spacingUm: volume.spacingUm, data: zip(volume.data, haze.data).map { $0 + $1 })
    }
}

import Calibration
import DatasetSpec
import Foundation
import Yams

/// The spec values `calibrate` fits so that synthetic images measure like the real one, and
/// how they are written into a spec.
///
/// The camera is the calibrated one (gain, offset, read noise in electrons) with photons given
/// per unit of ground truth (`photons_per_unit`, QE 1) rather than per image's brightest pixel,
/// so every intensity in the model scales linearly with it: filament brightness and the
/// out-of-focus haze (`out_of_focus.weight`, which carries the whole diffuse light; the base
/// spec's Perlin background stays as it is). The PSF keeps its model at an effective NA (a
/// lower NA stands for the aberrations and defocus that narrow a real microscope's OTF), and
/// the phantom's filament count is scaled to the real density.
public struct SimulationSettings: Codable, Equatable, Sendable {
    /// The spec's camera: offset as measured, gain matched through the twin.
    public var camera: CameraNoiseModel
    /// The real image's noise-level function: its slope (ADU²/ADU) and its value at the
    /// offset, the read variance (ADU²), both as resampling left them.
    public var measuredSlope: Double, measuredReadVarianceADU: Double
    /// Expected photons per unit of ground truth.
    public var photonsPerUnit: Double
    /// Brightness of each out-of-focus layer relative to the in-focus one.
    public var hazeWeight: Double
    /// Specimen thickness for the out-of-focus layers (µm).
    public var thicknessUm: Double
    /// NA of the PSF model.
    public var effectiveNA: Double
    /// The nominal NA and emission wavelength given by the user.
    public var na: Double, wavelengthUm: Double
    /// Factor on the phantom's object count.
    public var countScale: Double

    public init(camera: CameraNoiseModel, na: Double, wavelengthUm: Double, thicknessUm: Double = 4) {
        self.camera = camera
        measuredSlope = camera.gainADUPerE
        measuredReadVarianceADU = camera.readNoiseADU * camera.readNoiseADU
        self.na = na
        self.wavelengthUm = wavelengthUm
        effectiveNA = na
        photonsPerUnit = 100
        hazeWeight = 1
        self.thicknessUm = thicknessUm
        countScale = 1
    }

    /// Read noise of the spec's camera in electrons. Resampling scales shot and read variance
    /// by the same factor f = measured slope / g, so σ_r² = measured read variance / (f·g²).
    public var readNoiseE: Double {
        (Swift.max(measuredReadVarianceADU, 0) / (measuredSlope * camera.gainADUPerE)).squareRoot()
    }

    /// The settings moved towards what makes the synthetic measurements equal the real ones:
    /// the noise-level function's slope scales with the camera gain, the filament peak with
    /// photons per unit × gain, the optical cut-off with the NA (where both images show it), the filament density with the count;
    /// the diffuse light per in-focus signal grows with the haze weight, but not in
    /// proportion (the in-focus signal and the floor move too), so its step is damped (square
    /// root). Every setting stays within bounds. While the synthetic filaments are more than
    /// twice as dim or bright as the real ones, only the photon level and the gain move: the
    /// other measurements mean little on images far from the real one's signal-to-noise ratio.
    func updated(real: TwinMeasurement, synthetic: TwinMeasurement) -> SimulationSettings {
        var next = self
        func ratio(_ a: Double, _ b: Double) -> Double { b > 0 && a > 0 ? a / b : 1 }
        // Intensities are measured in ADU (through the real image's gain on both sides), so a
        // filament's peak scales with photons × gain and the noise slope with the gain alone.
        let gain = ratio(real.noiseSlope, synthetic.noiseSlope)
        let brightness = ratio(real.statistics.filamentPeakE, synthetic.statistics.filamentPeakE)
        next.camera.gainADUPerE *= gain
        next.photonsPerUnit *= brightness / gain
        guard (0.5...2).contains(brightness) else { return next }
        if let realCutoff = real.cutoffPerUm, let syntheticCutoff = synthetic.cutoffPerUm {
            next.effectiveNA = Swift.min(na, Swift.max(0.3 * na, effectiveNA * ratio(realCutoff, syntheticCutoff)))
        }
        next.countScale = Swift.min(20, Swift.max(0.05, countScale * ratio(real.statistics.filamentDensityPerUm,
                                                                           synthetic.statistics.filamentDensityPerUm)))
        next.hazeWeight = Swift.min(50, Swift.max(0, hazeWeight * ratio(real.statistics.diffuseRatio,
                                                                        synthetic.statistics.diffuseRatio).squareRoot()))
        return next
    }

    /// Overrides for `base` (and the keys to remove from it): fixed values with `spread` 0,
    /// else ranges [v·(1 − spread), v·(1 + spread)] for domain randomisation.
    func overrides(base: SpecDocument, spread: Double) -> (node: Node, removing: [[String]]) {
        func number(_ value: Double) -> Node { Node(String(format: "%.5g", value)) }
        func ranged(_ value: Double) -> Node {
            spread > 0 ? Node.sequence(Node.Sequence([number(value * (1 - spread)), number(value * (1 + spread))], .implicit, .flow)) : number(value)
        }
        func mapping(_ pairs: [(String, Node)]) -> Node {
            .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1) }, .implicit, .flow))
        }
        var optics: [(String, Node)] = [("na", number(effectiveNA)), ("wavelength_um", number(wavelengthUm))]
        if base.root.mapping?["optics"]?.mapping?["model"] == nil { optics.insert(("model", Node("born-wolf")), at: 0) }
        let acquisition = mapping([
            ("out_of_focus", mapping([("thickness_um", number(thicknessUm)), ("weight", ranged(hazeWeight))])),
            ("camera", mapping([("photons_per_unit", ranged(photonsPerUnit)), ("quantum_efficiency", Node("1")),
                                ("gain_adu_per_e", number(camera.gainADUPerE)), ("offset_adu", number(camera.offsetADU)),
                                ("read_noise_e", number(readNoiseE))])),
        ])
        var root: [(String, Node)] = [("optics", mapping(optics)), ("acquisition", acquisition)]
        if let count = scaledCount(base.root.mapping?["phantom"]?.mapping?["count"], spread: spread) {
            root.append(("phantom", mapping([("count", count)])))
        }
        return (.mapping(Node.Mapping(root.map { (Node($0.0), $0.1) })),
                [["acquisition", "camera", "peak_photons"], ["acquisition", "camera", "photons_per_unit"]])
    }

    /// The phantom's `count` (a number or a range [a, b]) times `countScale`, widened by `spread`.
    func scaledCount(_ node: Node?, spread: Double) -> Node? {
        let values: [Double]
        switch node {
        case let .scalar(s)?: values = Double(s.string).map { [$0, $0] } ?? []
        case let .sequence(s)? where s.count == 2: values = s.compactMap { $0.scalar.flatMap { Double($0.string) } }
        default: values = []
        }
        guard values.count == 2 else { return nil }
        let low = Swift.max(1, (values[0] * countScale * (1 - spread)).rounded())
        let high = Swift.max(low, (values[1] * countScale * (1 + spread)).rounded())
        return low == high ? Node(String(Int(low))) : Node.sequence(Node.Sequence([Node(String(Int(low))), Node(String(Int(high)))], .implicit, .flow))
    }
}

import FluoCore
import Foundation

/// A camera's parameters as a spec writes them.
///
/// Per pixel, with expected photons λ = scale · max(image, 0):
///
///     e   ~ Poisson(QE · λ)                    shot noise from the real-valued expectation
///     e  ← Gamma(e, G_em) if EM gain G_em > 1   EM register (excess noise factor √2)
///     ADU = (e + N(0, σ_read²)) · gain + offset  read noise in e⁻, gain in ADU/e⁻
///     ADU ← round and clip to [0, 2^bits − 1]   when a bit depth is given
///
/// so E[ADU] = gain·QE·λ·G_em + offset and, without EM gain, Var[ADU] = gain²·(QE·λ + σ_read²).
/// The scale is `photons_per_unit` or, with `peak_photons`, the factor that brings the
/// image's maximum to that many photons. sCMOS sensors add per-pixel offset, gain and read
/// noise maps (J. Huang et al., Nat. Methods 10 (2013) 653).
public struct CameraParameters: Codable, Equatable, Sendable {
    /// Expected photons per unit of image intensity.
    public var photonsPerUnit: Double?
    /// Expected photons at the image's brightest pixel (instead of `photonsPerUnit`).
    public var peakPhotons: Double?
    /// Quantum efficiency, 0–1 (default 1).
    public var quantumEfficiency: Double
    /// Read noise standard deviation in electrons (default 0).
    public var readNoiseE: Double
    /// Electron-multiplying gain (EMCCD); `nil` or 1 for none.
    public var emGain: Double?
    /// Conversion gain in ADU per electron (default 1).
    public var gainADUPerE: Double
    /// Offset (bias) in ADU (default 0).
    public var offsetADU: Double
    /// Bit depth of the digitiser; output is rounded and clipped to [0, 2^bits − 1].
    public var bitDepth: Int?
    /// Per-pixel sCMOS maps; override `offsetADU`, `gainADUPerE` and `readNoiseE` where given.
    public var scmos: SCMOSMaps?

    public init(photonsPerUnit: Double? = nil, peakPhotons: Double? = nil, quantumEfficiency: Double = 1,
                readNoiseE: Double = 0, emGain: Double? = nil, gainADUPerE: Double = 1, offsetADU: Double = 0,
                bitDepth: Int? = nil, scmos: SCMOSMaps? = nil) {
        self.photonsPerUnit = photonsPerUnit
        self.peakPhotons = peakPhotons
        self.quantumEfficiency = quantumEfficiency
        self.readNoiseE = readNoiseE
        self.emGain = emGain
        self.gainADUPerE = gainADUPerE
        self.offsetADU = offsetADU
        self.bitDepth = bitDepth
        self.scmos = scmos
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case photonsPerUnit = "photons_per_unit"
        case peakPhotons = "peak_photons"
        case quantumEfficiency = "quantum_efficiency"
        case readNoiseE = "read_noise_e"
        case emGain = "em_gain"
        case gainADUPerE = "gain_adu_per_e"
        case offsetADU = "offset_adu"
        case bitDepth = "bit_depth"
        case scmos
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        photonsPerUnit = try c.decodeIfPresent(Double.self, forKey: .photonsPerUnit)
        peakPhotons = try c.decodeIfPresent(Double.self, forKey: .peakPhotons)
        quantumEfficiency = try c.decodeIfPresent(Double.self, forKey: .quantumEfficiency) ?? 1
        readNoiseE = try c.decodeIfPresent(Double.self, forKey: .readNoiseE) ?? 0
        emGain = try c.decodeIfPresent(Double.self, forKey: .emGain)
        gainADUPerE = try c.decodeIfPresent(Double.self, forKey: .gainADUPerE) ?? 1
        offsetADU = try c.decodeIfPresent(Double.self, forKey: .offsetADU) ?? 0
        bitDepth = try c.decodeIfPresent(Int.self, forKey: .bitDepth)
        scmos = try c.decodeIfPresent(SCMOSMaps.self, forKey: .scmos)
    }

    public func validate() throws {
        try require((photonsPerUnit == nil) != (peakPhotons == nil), "photons_per_unit",
                    "give exactly one of photons_per_unit and peak_photons")
        if let photonsPerUnit {
            try require(photonsPerUnit >= 0 && photonsPerUnit.isFinite, "photons_per_unit", "must be ≥ 0, got \(photonsPerUnit)")
        }
        if let peakPhotons {
            try require(peakPhotons >= 0 && peakPhotons.isFinite, "peak_photons", "must be ≥ 0, got \(peakPhotons)")
        }
        try require(quantumEfficiency > 0 && quantumEfficiency <= 1, "quantum_efficiency", "must be in (0, 1], got \(quantumEfficiency)")
        try require(readNoiseE >= 0 && readNoiseE.isFinite, "read_noise_e", "must be ≥ 0, got \(readNoiseE)")
        if let emGain { try require(emGain >= 1 && emGain.isFinite, "em_gain", "must be ≥ 1, got \(emGain)") }
        try require(gainADUPerE > 0 && gainADUPerE.isFinite, "gain_adu_per_e", "must be positive, got \(gainADUPerE)")
        try require(offsetADU.isFinite, "offset_adu", "must be a number, got \(offsetADU)")
        if let bitDepth { try require((1...32).contains(bitDepth), "bit_depth", "must be 1–32, got \(bitDepth)") }
        try scmos?.validate()
    }
}

/// Where a per-pixel sCMOS map comes from.
public enum PixelMapSource: Codable, Equatable, Sendable {
    /// Normal per pixel with this mean and standard deviation.
    case normal(mean: Double, sd: Double)
    /// Log-normal per pixel with this arithmetic mean and standard deviation (read noise).
    case logNormal(mean: Double, sd: Double)
    /// A 2-D TIFF of the sensor's size (y, x).
    case file(String)

    private enum CodingKeys: String, CodingKey, CaseIterable { case distribution, mean, sd, file }
    private enum Distribution: String, Codable { case normal, lognormal }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let path = try c.decodeIfPresent(String.self, forKey: .file) {
            self = .file(path)
            return
        }
        let distribution = try c.decodeIfPresent(Distribution.self, forKey: .distribution) ?? .normal
        let mean = try c.decode(Double.self, forKey: .mean), sd = try c.decode(Double.self, forKey: .sd)
        self = distribution == .normal ? .normal(mean: mean, sd: sd) : .logNormal(mean: mean, sd: sd)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case let .normal(mean, sd):
            try c.encode(Distribution.normal, forKey: .distribution)
            try c.encode(mean, forKey: .mean)
            try c.encode(sd, forKey: .sd)
        case let .logNormal(mean, sd):
            try c.encode(Distribution.lognormal, forKey: .distribution)
            try c.encode(mean, forKey: .mean)
            try c.encode(sd, forKey: .sd)
        case let .file(path):
            try c.encode(path, forKey: .file)
        }
    }

    func validate(_ name: String, positive: Bool) throws {
        switch self {
        case let .normal(mean, sd), let .logNormal(mean, sd):
            try require(mean.isFinite && sd >= 0 && sd.isFinite, name, "needs a finite mean and sd ≥ 0, got \(mean), \(sd)")
            if positive || isLogNormal { try require(mean > 0, name, "needs a positive mean, got \(mean)") }
        case let .file(path):
            try require(!path.isEmpty, name, "needs a file path")
        }
    }

    private var isLogNormal: Bool { if case .logNormal = self { return true } else { return false } }
}

/// sCMOS per-pixel maps. Drawn maps come from `seed` (one sensor for a whole dataset).
public struct SCMOSMaps: Codable, Equatable, Sendable {
    public var offsetADU: PixelMapSource?
    public var gainADUPerE: PixelMapSource?
    public var readNoiseE: PixelMapSource?
    /// Seed of the drawn maps (default 0).
    public var seed: UInt64

    public init(offsetADU: PixelMapSource? = nil, gainADUPerE: PixelMapSource? = nil,
                readNoiseE: PixelMapSource? = nil, seed: UInt64 = 0) {
        self.offsetADU = offsetADU
        self.gainADUPerE = gainADUPerE
        self.readNoiseE = readNoiseE
        self.seed = seed
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case offsetADU = "offset_adu"
        case gainADUPerE = "gain_adu_per_e"
        case readNoiseE = "read_noise_e"
        case seed
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        offsetADU = try c.decodeIfPresent(PixelMapSource.self, forKey: .offsetADU)
        gainADUPerE = try c.decodeIfPresent(PixelMapSource.self, forKey: .gainADUPerE)
        readNoiseE = try c.decodeIfPresent(PixelMapSource.self, forKey: .readNoiseE)
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? 0
    }

    func validate() throws {
        try offsetADU?.validate("scmos.offset_adu", positive: false)
        try gainADUPerE?.validate("scmos.gain_adu_per_e", positive: true)
        try readNoiseE?.validate("scmos.read_noise_e", positive: false)
    }
}

/// A camera ready to record images of one lateral size: parameters plus resolved sCMOS maps.
public struct Camera: Sendable {
    public let parameters: CameraParameters
    /// Per-pixel (y, x) maps, `nil` where the scalar parameter applies.
    public let offsetMap, gainMap, readNoiseMap: [Float]?
    /// Lateral size the maps fit.
    public let sensorShape: [Int]

    /// Pixels per independent noise stream: fixed, so output does not depend on threads.
    static let chunkSize = 1 << 16

    /// Resolves the sCMOS maps for a sensor of `sensorShape` (y, x); `loadMap` reads a map file.
    public init(_ parameters: CameraParameters, sensorShape: [Int], loadMap: (String) throws -> Volume) throws {
        try parameters.validate()
        self.parameters = parameters
        self.sensorShape = sensorShape
        let root = RandomStream(seed: parameters.scmos?.seed ?? 0)
        func resolve(_ source: PixelMapSource?, _ name: String) throws -> [Float]? {
            guard let source else { return nil }
            let count = sensorShape.reduce(1, *)
            var stream = root.substream(name)
            switch source {
            case let .normal(mean, sd):
                return (0..<count).map { _ in Float(stream.normal(mean: mean, sd: sd)) }
            case let .logNormal(mean, sd):
                return (0..<count).map { _ in Float(stream.logNormal(mean: mean, sd: sd)) }
            case let .file(path):
                let map = try loadMap(path)
                guard map.shape == sensorShape else {
                    throw ImagingError.mismatch("sCMOS map \(path) has shape \(map.shape); the sensor is \(sensorShape)")
                }
                return map.data
            }
        }
        offsetMap = try resolve(parameters.scmos?.offsetADU, "offset")
        gainMap = try resolve(parameters.scmos?.gainADUPerE, "gain")
        readNoiseMap = try resolve(parameters.scmos?.readNoiseE, "read-noise")
    }

    /// Photons per unit of image intensity for `image`.
    public func photonScale(for image: Volume) -> Double {
        if let perUnit = parameters.photonsPerUnit { return perUnit }
        let peak = Double(image.extrema().max)
        return peak > 0 ? parameters.peakPhotons! / peak : 0
    }

    /// The recorded image in ADU. Planes of a stack share the sensor maps.
    public func record(_ image: Volume, stream: RandomStream, threads: Int = 1) throws -> Volume {
        let lateral = Array(image.shape.suffix(2))
        if parameters.scmos != nil && lateral != sensorShape {
            throw ImagingError.mismatch("the camera's sCMOS maps are \(sensorShape); the image is \(lateral)")
        }
        let scale = photonScale(for: image)
        let p = parameters
        let qe = p.quantumEfficiency, emGain = p.emGain ?? 1
        let limit: Double? = p.bitDepth.map { Foundation.pow(2, Double($0)) - 1 }
        let planeSize = lateral.reduce(1, *)
        var output = Volume(shape: image.shape, spacingUm: image.spacingUm)
        let chunks = Parallel.chunks(image.count, size: Camera.chunkSize)
        image.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                nonisolated(unsafe) let input = input, out = out
                Parallel.forEach(chunks.count, threads: threads) { chunk in
                    var rng = stream.substream(chunk)
                    var pixel = chunks[chunk].lowerBound % planeSize
                    for i in chunks[chunk] {
                        var electrons = rng.poisson(qe * scale * Swift.max(Double(input[i]), 0))
                        if emGain > 1 && electrons > 0 { electrons = rng.gamma(shape: electrons, scale: emGain) }
                        let sigma = readNoiseMap.map { Double($0[pixel]) } ?? p.readNoiseE
                        if sigma > 0 { electrons += sigma * rng.normal() }
                        let gain = gainMap.map { Double($0[pixel]) } ?? p.gainADUPerE
                        let offset = offsetMap.map { Double($0[pixel]) } ?? p.offsetADU
                        var adu = electrons * gain + offset
                        if let limit { adu = Swift.min(Swift.max(adu.rounded(), 0), limit) }
                        out[i] = Float(adu)
                        pixel = pixel + 1 == planeSize ? 0 : pixel + 1
                    }
                }
            }
        }
        return output
    }
}

import FluoCore
import Foundation

/// Smooth auto-fluorescence background: fractal Perlin gradient noise added to the image.
///
///     b(p) = offset + amplitude · ½(1 + Σₒ gᵒ·N(λᵒ·p/s) / Σₒ gᵒ),
///
/// where N is improved Perlin noise (K. Perlin, "Improving noise", SIGGRAPH 2002: quintic
/// fade, gradients at integer lattice points) in 2-D or 3-D, p the sample position in µm,
/// s the feature size in µm (the lattice period of the first octave), g the persistence
/// and λ the lacunarity. N lies in about [−1, 1], so b stays within offset + [0, amplitude]
/// (values are clamped there). Gradients come from a hash of the lattice point and the
/// random stream's key, so the pattern is fixed by the stream and independent of the
/// image shape and the thread count.
public struct PerlinBackground: Codable, Equatable, Sendable {
    /// Peak-to-trough height of the noise, in image (ground-truth) units.
    public var amplitude: Double
    /// Size of the largest features in µm.
    public var featureSizeUm: Double
    /// Number of octaves (finer layers), default 3.
    public var octaves: Int
    /// Weight of each octave relative to the previous one, default 0.5.
    public var persistence: Double
    /// Frequency of each octave relative to the previous one, default 2.
    public var lacunarity: Double
    /// Constant added everywhere, default 0.
    public var offset: Double

    public init(amplitude: Double, featureSizeUm: Double, octaves: Int = 3, persistence: Double = 0.5,
                lacunarity: Double = 2, offset: Double = 0) {
        self.amplitude = amplitude
        self.featureSizeUm = featureSizeUm
        self.octaves = octaves
        self.persistence = persistence
        self.lacunarity = lacunarity
        self.offset = offset
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case amplitude
        case featureSizeUm = "feature_size_um"
        case octaves, persistence, lacunarity, offset
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        amplitude = try c.decode(Double.self, forKey: .amplitude)
        featureSizeUm = try c.decode(Double.self, forKey: .featureSizeUm)
        octaves = try c.decodeIfPresent(Int.self, forKey: .octaves) ?? 3
        persistence = try c.decodeIfPresent(Double.self, forKey: .persistence) ?? 0.5
        lacunarity = try c.decodeIfPresent(Double.self, forKey: .lacunarity) ?? 2
        offset = try c.decodeIfPresent(Double.self, forKey: .offset) ?? 0
    }

    public func validate() throws {
        try require(amplitude >= 0 && amplitude.isFinite, "amplitude", "must be ≥ 0, got \(amplitude)")
        try require(featureSizeUm > 0 && featureSizeUm.isFinite, "feature_size_um", "must be positive, got \(featureSizeUm)")
        try require((1...12).contains(octaves), "octaves", "must be 1–12, got \(octaves)")
        try require(persistence > 0 && persistence <= 1, "persistence", "must be in (0, 1], got \(persistence)")
        try require(lacunarity >= 1 && lacunarity <= 8, "lacunarity", "must be in [1, 8], got \(lacunarity)")
        try require(offset >= 0 && offset.isFinite, "offset", "must be ≥ 0, got \(offset)")
    }

    /// The background alone on the grid of `shape`/`spacingUm`.
    public func render(shape: [Int], spacingUm: [Double], stream: RandomStream) throws -> Volume {
        try validate()
        var volume = Volume(shape: shape, spacingUm: spacingUm)
        let rank = shape.count
        let keys = (0..<octaves).map { stream.substream(UInt64($0)).key }
        let weights = (0..<octaves).map { Foundation.pow(persistence, Double($0)) }
        let frequencies = (0..<octaves).map { Foundation.pow(lacunarity, Double($0)) / featureSizeUm }
        let totalWeight = weights.reduce(0, +)
        let nz = rank == 3 ? shape[0] : 1, ny = shape[rank - 2], nx = shape[rank - 1]
        let dz = rank == 3 ? spacingUm[0] : 0, dy = spacingUm[rank - 2], dx = spacingUm[rank - 1]
        volume.data.withUnsafeMutableBufferPointer { out in
            var flat = 0
            for z in 0..<nz {
                for y in 0..<ny {
                    for x in 0..<nx {
                        var sum = 0.0
                        for o in 0..<octaves {
                            let f = frequencies[o]
                            let value = rank == 3
                                ? PerlinNoise.noise3(Double(z) * dz * f, Double(y) * dy * f, Double(x) * dx * f, key: keys[o])
                                : PerlinNoise.noise2(Double(y) * dy * f, Double(x) * dx * f, key: keys[o])
                            sum += weights[o] * value
                        }
                        let unit = Swift.min(Swift.max(0.5 * (1 + sum / totalWeight), 0), 1)
                        out[flat] = Float(offset + amplitude * unit)
                        flat += 1
                    }
                }
            }
        }
        return volume
    }

    /// `volume` plus the background.
    public func apply(_ volume: Volume, stream: RandomStream) throws -> Volume {
        var output = try render(shape: volume.shape, spacingUm: volume.spacingUm, stream: stream)
        for i in output.data.indices { output.data[i] += volume.data[i] }
        return output
    }
}

/// Improved Perlin gradient noise with hashed lattice gradients.
enum PerlinNoise {
    /// Quintic fade 6t⁵ − 15t⁴ + 10t³.
    @inline(__always) static func fade(_ t: Double) -> Double { t * t * t * (t * (t * 6 - 15) + 10) }

    @inline(__always) static func hash(_ key: UInt64, _ a: Int, _ b: Int, _ c: Int) -> UInt64 {
        var h = key ^ (UInt64(bitPattern: Int64(a)) &* 0x9E37_79B9_7F4A_7C15)
        h = (h ^ (h >> 29)) &* 0xBF58_476D_1CE4_E5B9 ^ (UInt64(bitPattern: Int64(b)) &* 0xC2B2_AE3D_27D4_EB4F)
        h = (h ^ (h >> 32)) &* 0x94D0_49BB_1331_11EB ^ (UInt64(bitPattern: Int64(c)) &* 0x1656_67B1_9E37_79F9)
        return h ^ (h >> 31)
    }

    /// 256 unit vectors at evenly spaced angles: 2-D gradients are drawn from them by hash.
    static let circle: [(Double, Double)] = (0..<256).map { i in
        let angle = 2 * Double.pi * (Double(i) + 0.5) / 256
        return (Foundation.sin(angle), Foundation.cos(angle))
    }

    /// 2-D noise: gradients are unit vectors at one of 256 hashed angles.
    static func noise2(_ y: Double, _ x: Double, key: UInt64) -> Double {
        let y0 = Int(y.rounded(.down)), x0 = Int(x.rounded(.down))
        let fy = y - Double(y0), fx = x - Double(x0)
        func corner(_ dy: Int, _ dx: Int) -> Double {
            let g = circle[Int(hash(key, y0 + dy, x0 + dx, 0) >> 56)]
            return g.0 * (fy - Double(dy)) + g.1 * (fx - Double(dx))
        }
        let u = fade(fy), v = fade(fx)
        let top = corner(0, 0) + v * (corner(0, 1) - corner(0, 0))
        let bottom = corner(1, 0) + v * (corner(1, 1) - corner(1, 0))
        // Unit gradients give |N| ≤ √2/2; scale to about [−1, 1].
        return (top + u * (bottom - top)) * 2.0.squareRoot()
    }

    /// The 12 cube-edge gradient directions of improved Perlin noise.
    static let gradients: [(Double, Double, Double)] = [
        (1, 1, 0), (-1, 1, 0), (1, -1, 0), (-1, -1, 0), (1, 0, 1), (-1, 0, 1),
        (1, 0, -1), (-1, 0, -1), (0, 1, 1), (0, -1, 1), (0, 1, -1), (0, -1, -1),
    ]

    /// 3-D noise (z, y, x).
    static func noise3(_ z: Double, _ y: Double, _ x: Double, key: UInt64) -> Double {
        let z0 = Int(z.rounded(.down)), y0 = Int(y.rounded(.down)), x0 = Int(x.rounded(.down))
        let fz = z - Double(z0), fy = y - Double(y0), fx = x - Double(x0)
        func corner(_ dz: Int, _ dy: Int, _ dx: Int) -> Double {
            let g = gradients[Int(hash(key, z0 + dz, y0 + dy, x0 + dx) % 12)]
            return g.0 * (fz - Double(dz)) + g.1 * (fy - Double(dy)) + g.2 * (fx - Double(dx))
        }
        let w = fade(fz), u = fade(fy), v = fade(fx)
        func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double { a + t * (b - a) }
        let near = lerp(lerp(corner(0, 0, 0), corner(0, 0, 1), v), lerp(corner(0, 1, 0), corner(0, 1, 1), v), u)
        let far = lerp(lerp(corner(1, 0, 0), corner(1, 0, 1), v), lerp(corner(1, 1, 0), corner(1, 1, 1), v), u)
        return lerp(near, far, w)
    }
}

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
        // Work on (z, y, x); a 2-D image is one plane (its z never moves off lattice plane 0).
        let rank = shape.count
        let size = rank == 3 ? shape : [1] + shape
        let spacing = rank == 3 ? spacingUm : [0] + spacingUm
        var sum = [Double](repeating: 0, count: size.reduce(1, *))
        var totalWeight = 0.0
        for octave in 0..<octaves {
            let weight = Foundation.pow(persistence, Double(octave))
            let frequency = Foundation.pow(lacunarity, Double(octave)) / featureSizeUm
            PerlinNoise.accumulate(into: &sum, shape: size, spacingUm: spacing, frequency: frequency, weight: weight,
                                   key: stream.substream(UInt64(octave)).key, twoDimensional: rank == 2)
            totalWeight += weight
        }
        let data = sum.map { Float(offset + amplitude * Swift.min(Swift.max(0.5 * (1 + $0 / totalWeight), 0), 1)) }
        return Volume(shape: shape, spacingUm: spacingUm, data: data)
    }

    /// `volume` plus the background.
    public func apply(_ volume: Volume, stream: RandomStream) throws -> Volume {
        var output = try render(shape: volume.shape, spacingUm: volume.spacingUm, stream: stream)
        for i in output.data.indices { output.data[i] += volume.data[i] }
        return output
    }
}

/// Improved Perlin gradient noise with hashed lattice gradients.
///
/// Each octave hashes every lattice point it touches once into a table of gradients, and
/// evaluates the per-axis cell index, offset and fade once per row, column and plane, so a
/// sample costs a few table reads and multiply-adds.
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
    static let circle: [SIMD3<Double>] = (0..<256).map { i in
        let angle = 2 * Double.pi * (Double(i) + 0.5) / 256
        return SIMD3(0, Foundation.sin(angle), Foundation.cos(angle))
    }

    /// The 12 cube-edge gradient directions of improved Perlin noise (z, y, x).
    static let edges: [SIMD3<Double>] = [
        [1, 1, 0], [-1, 1, 0], [1, -1, 0], [-1, -1, 0], [1, 0, 1], [-1, 0, 1],
        [1, 0, -1], [-1, 0, -1], [0, 1, 1], [0, -1, 1], [0, 1, -1], [0, -1, -1],
    ]

    /// Where sample i of an axis falls on the lattice: cell, offset in it, fade of the offset.
    struct AxisSamples {
        let cell: [Int]
        let offset: [Double]
        let fade: [Double]
        let first: Int

        init(count: Int, spacingUm: Double, frequency: Double) {
            let positions = (0..<count).map { Double($0) * spacingUm * frequency }
            cell = positions.map { Int($0.rounded(.down)) }
            offset = zip(positions, cell).map { $0 - Double($1) }
            fade = offset.map(PerlinNoise.fade)
            first = cell.first ?? 0
        }

        /// Lattice points spanned (cells and their far corners).
        var latticeCount: Int { (cell.last ?? 0) - first + 2 }
    }

    /// Adds `weight` × one octave of noise (about [−1, 1]) at `frequency` (1/µm) to `sum`,
    /// a (z, y, x) grid. In 2-D the gradients lie in the plane and the value is scaled by √2
    /// so its range is about [−1, 1] too.
    static func accumulate(into sum: inout [Double], shape: [Int], spacingUm: [Double], frequency: Double,
                           weight: Double, key: UInt64, twoDimensional: Bool) {
        let axes = (0..<3).map { AxisSamples(count: shape[$0], spacingUm: spacingUm[$0], frequency: frequency) }
        let (lz, ly, lx) = (axes[0].latticeCount, axes[1].latticeCount, axes[2].latticeCount)
        var gradients = [SIMD3<Double>](repeating: .zero, count: lz * ly * lx)
        for k in 0..<lz {
            for j in 0..<ly {
                for i in 0..<lx {
                    let h = hash(key, axes[1].first + j, axes[2].first + i, twoDimensional ? 0 : axes[0].first + k)
                    gradients[(k * ly + j) * lx + i] = twoDimensional ? circle[Int(h >> 56)] : edges[Int(h % 12)]
                }
            }
        }
        let scale = weight * (twoDimensional ? 2.0.squareRoot() : 1)
        var flat = 0
        for z in 0..<shape[0] {
            let cz = axes[0].cell[z] - axes[0].first, fz = axes[0].offset[z], wz = axes[0].fade[z]
            for y in 0..<shape[1] {
                let cy = axes[1].cell[y] - axes[1].first, fy = axes[1].offset[y], wy = axes[1].fade[y]
                for x in 0..<shape[2] {
                    let cx = axes[2].cell[x] - axes[2].first, fx = axes[2].offset[x], wx = axes[2].fade[x]
                    func corner(_ dz: Int, _ dy: Int, _ dx: Int) -> Double {
                        let g = gradients[((cz + dz) * ly + cy + dy) * lx + cx + dx]
                        return g.x * (fz - Double(dz)) + g.y * (fy - Double(dy)) + g.z * (fx - Double(dx))
                    }
                    func lerp(_ a: Double, _ b: Double, _ t: Double) -> Double { a + t * (b - a) }
                    var value = lerp(lerp(corner(0, 0, 0), corner(0, 0, 1), wx), lerp(corner(0, 1, 0), corner(0, 1, 1), wx), wy)
                    if !twoDimensional {
                        let far = lerp(lerp(corner(1, 0, 0), corner(1, 0, 1), wx), lerp(corner(1, 1, 0), corner(1, 1, 1), wx), wy)
                        value = lerp(value, far, wz)
                    }
                    sum[flat] += scale * value
                    flat += 1
                }
            }
        }
    }
}

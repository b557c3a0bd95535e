/// A seeded, splittable pseudo-random stream (xoshiro256** seeded through SplitMix64).
///
/// Every stream has a 64-bit *key*. `substream(_:)` derives a child whose key depends only
/// on the parent's key and the index, never on how many numbers the parent has drawn,
/// so the stream for sample *i* is `RandomStream(seed: s).substream(i)` whatever the order
/// or the thread in which samples are made. That is what makes a dataset byte-identical for
/// any thread count.
///
/// References: D. Blackman and S. Vigna, "Scrambled linear pseudorandom number generators",
/// ACM TOMS 47 (2021) (xoshiro256**); G. Steele, D. Lea, C. Flood, "Fast splittable
/// pseudorandom number generators", OOPSLA 2014 (SplitMix64).
public struct RandomStream: RandomNumberGenerator, Sendable {
    /// The identity of this stream; children are derived from it.
    public let key: UInt64
    @usableFromInline var s0, s1, s2, s3: UInt64
    /// A second normal deviate kept from the last polar-method draw.
    @usableFromInline var spareNormal: Double?

    /// The root stream for a user seed.
    public init(seed: UInt64) {
        self.init(key: RandomStream.mix(seed ^ 0x6A09_E667_F3BC_C908))
    }

    private init(key: UInt64) {
        self.key = key
        var state = key
        s0 = RandomStream.splitMix(&state)
        s1 = RandomStream.splitMix(&state)
        s2 = RandomStream.splitMix(&state)
        s3 = RandomStream.splitMix(&state)
        spareNormal = nil
    }

    /// The child stream number `index`; depends only on (`key`, `index`).
    public func substream(_ index: UInt64) -> RandomStream {
        RandomStream(key: RandomStream.mix(key &+ RandomStream.mix(index &+ 0x9E37_79B9_7F4A_7C15)))
    }

    /// The child stream for an integer index.
    public func substream(_ index: Int) -> RandomStream { substream(UInt64(bitPattern: Int64(index))) }

    /// The child stream named by `label` (FNV-1a hash of its UTF-8 bytes), e.g. `"camera"`.
    public func substream(_ label: String) -> RandomStream {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return substream(hash)
    }

    /// SplitMix64's output function (a bijective 64-bit mixer).
    @usableFromInline static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    private static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return mix(state)
    }

    /// The next 64 random bits (xoshiro256**).
    @inlinable public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform deviate in [0, 1) with 53 random bits.
    @inlinable public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A uniform deviate in [low, high).
    @inlinable public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * uniform()
    }

    /// A uniform integer in 0..<bound.
    ///
    /// Lemire's multiply-and-reject method (D. Lemire, "Fast random integer generation in an
    /// interval", ACM TOMS 29 (2019)), written out here so the draws never change with the
    /// standard library's implementation.
    @inlinable public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "integer(below:) needs a positive bound")
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold { product = next().multipliedFullWidth(by: range) }
        }
        return Int(product.high)
    }
}

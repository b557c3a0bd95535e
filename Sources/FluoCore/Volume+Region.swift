extension Volume {
    /// The box of `size` samples per axis starting at `origin` (same spacing).
    public func region(origin: [Int], size: [Int]) -> Volume {
        precondition(origin.count == rank && size.count == rank
                     && (0..<rank).allSatisfy { origin[$0] >= 0 && size[$0] > 0 && origin[$0] + size[$0] <= shape[$0] },
                     "region: origin \(origin) size \(size) outside shape \(shape)")
        let o = Array(repeating: 0, count: 3 - rank) + origin, n = Array(repeating: 1, count: 3 - rank) + size
        let full = Array(repeating: 1, count: 3 - rank) + shape
        var values: [Float] = []
        values.reserveCapacity(size.reduce(1, *))
        for z in o[0] ..< o[0] + n[0] {
            for y in o[1] ..< o[1] + n[1] {
                let start = (z * full[1] + y) * full[2] + o[2]
                values += data[start ..< start + n[2]]
            }
        }
        return Volume(shape: size, spacingUm: spacingUm, data: values)
    }

    /// The centred box of `size` (each axis clipped to the volume's).
    public func centred(_ size: [Int]) -> Volume {
        let clipped = zip(size, shape).map { Swift.min($0, $1) }
        return region(origin: zip(shape, clipped).map { ($0 - $1) / 2 }, size: clipped)
    }
}

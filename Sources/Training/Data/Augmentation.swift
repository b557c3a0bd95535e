import FluoCore

/// The symmetries used to augment training patches: the 8 rotations by 90° and reflections of
/// the (y, x) plane (the dihedral group D₄; only the 4 flips when y and x sizes differ) and,
/// in 3-D, a flip along z. Input and target get the same transform.
struct Augmentation: Equatable, Sendable {
    /// Quarter turns in the (y, x) plane (0–3).
    var rotations: Int
    var flipX: Bool
    var flipY: Bool
    var flipZ: Bool

    static let identity = Augmentation(rotations: 0, flipX: false, flipY: false, flipZ: false)

    /// A uniformly drawn element of the group for a patch `size` (z = 1 in 2-D).
    static func random(_ random: inout RandomStream, size: Size3) -> Augmentation {
        let bits = random.integer(below: 16)
        return Augmentation(rotations: size.y == size.x ? bits & 3 : 0, flipX: bits & 4 != 0,
                            flipY: size.y != size.x && bits & 8 != 0, flipZ: size.z > 1 && bits & 8 != 0)
    }

    /// Writes the transformed (channels, z, y, x) block `source` into `destination`.
    func apply(_ source: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, channels: Int, size: Size3) {
        let plane = size.y * size.x
        for c in 0..<channels {
            for z in 0..<size.z {
                let from = source + (c * size.z + (flipZ ? size.z - 1 - z : z)) * plane
                let to = destination + (c * size.z + z) * plane
                for y in 0..<size.y {
                    for x in 0..<size.x {
                        // Output (y, x) reads the source at the inverse transform of (y, x).
                        var sy = y, sx = x
                        for _ in 0..<rotations { (sy, sx) = (sx, size.x - 1 - sy) }
                        if flipX { sx = size.x - 1 - sx }
                        if flipY { sy = size.y - 1 - sy }
                        to[y * size.x + x] = from[sy * size.x + sx]
                    }
                }
            }
        }
    }
}


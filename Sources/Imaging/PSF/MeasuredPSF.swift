import FluoCore

/// A measured PSF (a bead stack) brought onto a simulation grid.
///
/// 1. Background: the median of the stack's outermost samples (or a given level) is
///    subtracted and negative values are set to 0.
/// 2. Centre: the brightest sample, refined to sub-sample precision by the intensity
///    centroid of its 3 × 3 (× 3) neighbourhood.
/// 3. Resampling: every grid sample takes the multilinear interpolation of the stack at the
///    same physical offset from the centre; laterally, where grid pixels are coarser than the
///    stack's, it averages ⌈grid/stack⌉² sub-samples (pixel integration). A 2-D grid takes
///    the plane through the centre.
/// 4. Normalisation to unit sum.
public struct MeasuredPSF: PointSpreadFunction {
    /// The measured stack with its spacing (z, y, x) in µm.
    public var stack: Volume
    /// Background level to subtract; `nil` estimates it from the border.
    public var backgroundLevel: Double?

    public init(stack: Volume, backgroundLevel: Double? = nil) {
        self.stack = stack
        self.backgroundLevel = backgroundLevel
    }

    /// The median of the samples on the faces of the stack.
    public static func borderMedian(_ volume: Volume) -> Double {
        var border: [Float] = []
        for flat in 0..<volume.count {
            let index = volume.unravel(flat)
            if zip(index, volume.shape).contains(where: { $0 == 0 || $0 == $1 - 1 }) { border.append(volume.data[flat]) }
        }
        border.sort()
        return Double(border[border.count / 2])
    }

    /// The stack after background subtraction, and its sub-sample centre (per axis, in samples).
    public func cleanedAndCentre() -> (Volume, [Double]) {
        let level = Float(backgroundLevel ?? MeasuredPSF.borderMedian(stack))
        let cleaned = stack.map { Swift.max($0 - level, 0) }
        let peak = cleaned.argmax()
        var weighted = [Double](repeating: 0, count: cleaned.rank), total = 0.0
        let neighbours = (0..<cleaned.rank).reduce(1) { count, _ in count * 3 }
        let offsets = (0..<neighbours).map { code -> [Int] in
            var rest = code
            return (0..<cleaned.rank).map { _ in
                defer { rest /= 3 }
                return rest % 3 - 1
            }
        }
        for offset in offsets {
            let index = zip(peak, offset).map { $0 + $1 }
            guard zip(index, cleaned.shape).allSatisfy({ $0 >= 0 && $0 < $1 }) else { continue }
            let value = Double(cleaned.data[cleaned.flatIndex(index)])
            total += value
            for axis in 0..<cleaned.rank { weighted[axis] += value * Double(index[axis]) }
        }
        let centre = total > 0 ? weighted.map { $0 / total } : peak.map(Double.init)
        return (cleaned, centre)
    }

    public func render(on grid: PSFGrid, threads: Int = 1) throws -> Volume {
        try grid.validate()
        guard stack.rank >= grid.rank else {
            throw ImagingError.mismatch("a \(stack.rank)-D measured PSF cannot fill a \(grid.rank)-D grid")
        }
        let (cleaned, centre) = cleanedAndCentre()
        guard cleaned.sum() > 0 else {
            throw ImagingError.invalidParameter("psf file", "has no signal above its background")
        }
        // Grid axis g corresponds to stack axis g + (stack.rank − grid.rank).
        let lead = stack.rank - grid.rank
        let subsamples = (0..<grid.rank).map { axis -> Int in
            let lateral = axis >= grid.rank - 2
            return lateral ? Swift.max(1, Int((grid.spacingUm[axis] / stack.spacingUm[axis + lead]).rounded(.up))) : 1
        }
        var psf = Volume(shape: grid.shape, spacingUm: grid.spacingUm)
        let strides = psf.strides
        let subCount = subsamples.reduce(1, *)
        for flat in 0..<psf.count {
            var total = 0.0
            for sub in 0..<subCount {
                var position = Array(centre.prefix(lead))
                var rest = sub
                for axis in 0..<grid.rank {
                    let s = subsamples[axis]
                    let part = rest % s
                    rest /= s
                    let index = (flat / strides[axis]) % grid.shape[axis]
                    let offsetUm = (Double(index - grid.shape[axis] / 2) + (Double(part) + 0.5) / Double(s) - 0.5)
                        * grid.spacingUm[axis]
                    position.append(centre[axis + lead] + offsetUm / stack.spacingUm[axis + lead])
                }
                total += MeasuredPSF.interpolate(cleaned, at: position)
            }
            psf.data[flat] = Float(total / Double(subCount))
        }
        try psf.normaliseToUnitSum()
        return psf
    }

    /// Multilinear interpolation of `volume` at a fractional index; 0 outside.
    static func interpolate(_ volume: Volume, at position: [Double]) -> Double {
        let rank = volume.rank
        let base = position.map { Int($0.rounded(.down)) }
        let fraction = zip(position, base).map { $0 - Double($1) }
        var total = 0.0
        for corner in 0..<(1 << rank) {
            var weight = 1.0
            var flat = 0
            var inside = true
            for axis in 0..<rank {
                let upper = (corner >> (rank - 1 - axis)) & 1 == 1
                let index = base[axis] + (upper ? 1 : 0)
                weight *= upper ? fraction[axis] : 1 - fraction[axis]
                if index < 0 || index >= volume.shape[axis] { inside = false; break }
                flat = flat * volume.shape[axis] + index
            }
            if inside && weight > 0 { total += weight * Double(volume.data[flat]) }
        }
        return total
    }
}

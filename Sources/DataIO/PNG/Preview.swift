import FluoCore

/// Maps image values to 8 bits linearly between a low and a high value, clipping outside.
public struct ContrastStretch: Equatable, Sendable {
    public var low: Float
    public var high: Float

    public init(low: Float, high: Float) {
        self.low = low
        self.high = high
    }

    /// The values at the `lowPercentile` and `highPercentile` (0–100) of the finite `values`
    /// (`Percentile.values`). A flat image maps to black.
    public static func percentiles(of values: [Float], low lowPercentile: Double = 0.1,
                                   high highPercentile: Double = 99.9) -> ContrastStretch {
        precondition(!values.isEmpty && 0 <= lowPercentile && lowPercentile <= highPercentile && highPercentile <= 100,
                     "percentiles need values and 0 ≤ low ≤ high ≤ 100")
        let finite = values.filter { $0.isFinite }
        guard !finite.isEmpty else { return ContrastStretch(low: 0, high: 0) }
        let p = Percentile.values(finite, [lowPercentile, highPercentile])
        return ContrastStretch(low: Float(p[0]), high: Float(p[1]))
    }

    /// 255 (v − low)/(high − low), rounded and clipped to 0…255 (0 when high ≤ low).
    @inlinable public func level(_ value: Float) -> UInt8 {
        guard high > low, value.isFinite else { return 0 }
        let scaled = (value - low) / (high - low) * 255
        return UInt8(Swift.min(Swift.max(scaled, 0), 255).rounded())
    }
}

/// Pictures of volumes for previews and reports.
public enum Preview {
    /// The image itself (2-D), or its maximum-intensity projection along z (3-D).
    public static func projection(_ volume: Volume) -> Volume {
        guard volume.rank == 3 else { return volume }
        let (nz, plane) = (volume.shape[0], volume.shape[1] * volume.shape[2])
        var maximum = [Float](repeating: -.infinity, count: plane)
        for z in 0..<nz {
            for i in 0..<plane { maximum[i] = Swift.max(maximum[i], volume.data[z * plane + i]) }
        }
        return Volume(shape: Array(volume.shape.suffix(2)), spacingUm: Array(volume.spacingUm.suffix(2)), data: maximum)
    }

    /// Colours of channels 0, 1, 2, … in a composite (green, magenta, cyan, yellow, red, blue).
    static let palette: [SIMD3<Float>] = [[0, 1, 0], [1, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 0], [0, 0, 1]]

    /// A grey picture of one channel, or a colour composite of several (each channel in its
    /// `palette` colour, summed and clipped); each channel is projected and stretched between
    /// its own percentiles.
    public static func image(channels: [Volume], lowPercentile: Double = 0.1, highPercentile: Double = 99.9) -> Image8 {
        precondition(!channels.isEmpty, "a preview needs at least one channel")
        let planes = channels.map(projection)
        let (height, width) = (planes[0].shape[0], planes[0].shape[1])
        precondition(planes.allSatisfy { $0.shape == planes[0].shape }, "preview channels differ in shape")
        let levels = planes.map { plane -> [UInt8] in
            let stretch = ContrastStretch.percentiles(of: plane.data, low: lowPercentile, high: highPercentile)
            return plane.data.map(stretch.level)
        }
        if levels.count == 1 { return Image8(width: width, height: height, channels: 1, pixels: levels[0]) }
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        for i in 0..<(width * height) {
            var colour = SIMD3<Float>(repeating: 0)
            for (c, level) in levels.enumerated() { colour += palette[c % palette.count] * Float(level[i]) }
            for k in 0..<3 { rgb[3 * i + k] = UInt8(Swift.min(colour[k], 255)) }
        }
        return Image8(width: width, height: height, channels: 3, pixels: rgb)
    }
}

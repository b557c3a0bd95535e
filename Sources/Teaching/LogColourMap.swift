import DataIO
import FluoCore
import Foundation

/// Pictures of quantities that span decades (PSF sections, OTFs): log₁₀(v / max) over a fixed
/// number of decades, in a perceptually ordered dark-to-bright colour map (matplotlib's
/// "inferno", S. van der Walt and N. Smith, 2015, sampled at nine points and interpolated
/// linearly), so one step of brightness is one factor of ten wherever it lies.
struct LogColourMap: Sendable {
    /// Decades below the maximum that the map spans; lower values are black.
    var decades: Double

    /// inferno at 0, 1/8, …, 1.
    static let anchors: [SIMD3<Double>] = [
        [0, 0, 4], [31, 12, 72], [85, 15, 109], [136, 34, 106], [186, 54, 85],
        [227, 89, 51], [249, 140, 10], [249, 201, 50], [252, 255, 164],
    ]

    /// The colour of t ∈ [0, 1].
    static func colour(_ t: Double) -> SIMD3<Double> {
        let position = Swift.min(Swift.max(t, 0), 1) * Double(anchors.count - 1)
        let lower = Swift.min(Int(position), anchors.count - 2)
        let f = position - Double(lower)
        return anchors[lower] * (1 - f) + anchors[lower + 1] * f
    }

    /// The position in the map of value v with maximum `peak`: 1 + log₁₀(v/peak)/decades.
    func level(_ value: Float, peak: Float) -> Double {
        guard value > 0, peak > 0 else { return 0 }
        return 1 + log10(Double(value / peak)) / decades
    }

    /// A 2-D image in the map.
    func picture(_ image: Volume) -> Image8 {
        precondition(image.rank == 2, "LogColourMap: needs a 2-D image, got \(image.shape)")
        let peak = image.extrema().max
        var pixels = [UInt8](repeating: 0, count: image.count * 3)
        for (i, value) in image.data.enumerated() {
            let rgb = LogColourMap.colour(level(value, peak: peak))
            for c in 0..<3 { pixels[3 * i + c] = UInt8(rgb[c].rounded()) }
        }
        return Image8(width: image.shape[1], height: image.shape[0], channels: 3, pixels: pixels)
    }
}

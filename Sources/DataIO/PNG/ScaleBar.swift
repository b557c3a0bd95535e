import Foundation

/// A scale bar drawn into a preview: a white bar with a black border near the lower-right
/// corner, of a length from the 1–2–5 series.
public enum ScaleBar {
    /// The longest 1, 2 or 5 × 10ⁿ µm that is at most a fifth of `fieldUm`.
    public static func length(forFieldUm fieldUm: Double) -> Double {
        precondition(fieldUm > 0 && fieldUm.isFinite, "ScaleBar: field must be positive")
        let target = fieldUm / 5
        let decade = pow10(Int(log10(target).rounded(.down)))
        return [5, 2, 1].map { $0 * decade }.first { $0 <= target * (1 + 1e-9) } ?? decade
    }

    /// `image` with a bar of `lengthUm` at `pixelUm` per pixel (at least one pixel long).
    public static func drawn(on image: Image8, lengthUm: Double, pixelUm: Double) -> Image8 {
        var result = image
        let length = Swift.max(1, Int((lengthUm / pixelUm).rounded()))
        let thickness = Swift.max(2, image.height / 48), margin = Swift.max(2, image.height / 24)
        let right = image.width - margin, bottom = image.height - margin
        for y in (bottom - thickness - 1)...bottom {
            for x in (right - length - 1)...right where x >= 0 && y >= 0 && x < image.width && y < image.height {
                let border = y == bottom - thickness - 1 || y == bottom || x == right - length - 1 || x == right
                for c in 0..<image.channels { result.pixels[(y * image.width + x) * image.channels + c] = border ? 0 : 255 }
            }
        }
        return result
    }

    private static func pow10(_ n: Int) -> Double { pow(10, Double(n)) }
}

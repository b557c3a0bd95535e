/// Arranging preview pictures: side by side, scaled, and in a grid.
public enum ImageSheet {
    /// `image` enlarged by nearest neighbour to `height` rows (keeping its aspect).
    public static func scaled(_ image: Image8, toHeight height: Int) -> Image8 {
        guard image.height != height, image.height > 0 else { return image }
        let width = Swift.max(1, image.width * height / image.height)
        var pixels = [UInt8](repeating: 0, count: width * height * image.channels)
        for y in 0..<height {
            let sy = y * image.height / height
            for x in 0..<width {
                let sx = x * image.width / width
                for c in 0..<image.channels {
                    pixels[(y * width + x) * image.channels + c] = image.pixels[(sy * image.width + sx) * image.channels + c]
                }
            }
        }
        return Image8(width: width, height: height, channels: image.channels, pixels: pixels)
    }

    /// The images in a row, scaled to the tallest one's height, `gap` pixels apart.
    public static func row(_ images: [Image8], gap: Int = 4) -> Image8 {
        grid([images], gap: gap)
    }

    /// Rows of images (each scaled to the tallest image's height), `gap` pixels apart,
    /// on a black background; grey images are drawn as RGB when any image has colour.
    public static func grid(_ rows: [[Image8]], gap: Int = 4) -> Image8 {
        let all = rows.flatMap { $0 }
        let height = all.map(\.height).max() ?? 1
        let channels = all.contains { $0.channels == 3 } ? 3 : 1
        let scaledRows = rows.map { $0.map { scaled($0, toHeight: height) } }
        let width = scaledRows.map { row in row.map(\.width).reduce(0, +) + gap * Swift.max(0, row.count - 1) }.max() ?? 1
        let totalHeight = rows.count * height + gap * Swift.max(0, rows.count - 1)
        var pixels = [UInt8](repeating: 0, count: width * totalHeight * channels)
        for (r, row) in scaledRows.enumerated() {
            var left = 0
            for image in row {
                for y in 0..<image.height {
                    for x in 0..<image.width {
                        let target = ((r * (height + gap) + y) * width + left + x) * channels
                        for c in 0..<channels {
                            pixels[target + c] = image.pixels[(y * image.width + x) * image.channels + (image.channels == 3 ? c : 0)]
                        }
                    }
                }
                left += image.width + gap
            }
        }
        return Image8(width: width, height: totalHeight, channels: channels, pixels: pixels)
    }
}

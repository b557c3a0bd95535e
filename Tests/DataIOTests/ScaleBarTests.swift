import Testing
@testable import DataIO

@Suite struct ScaleBarTests {
    /// Lengths follow 1–2–5 and are at most a fifth of the field.
    @Test func lengthsAreRoundFifthsOfTheField() {
        #expect(ScaleBar.length(forFieldUm: 8.32) == 1)
        #expect(ScaleBar.length(forFieldUm: 10) == 2)
        #expect(ScaleBar.length(forFieldUm: 24) == 2)
        #expect(ScaleBar.length(forFieldUm: 25) == 5)
        #expect(abs(ScaleBar.length(forFieldUm: 0.6) - 0.1) < 1e-12)
        #expect(ScaleBar.length(forFieldUm: 400) == 50)
    }

    /// The bar is white, as long as the length in pixels, with a black border.
    @Test func barHasItsLengthInPixels() {
        let image = Image8(width: 128, height: 96, channels: 1, pixels: Array(repeating: 100, count: 128 * 96))
        let drawn = ScaleBar.drawn(on: image, lengthUm: 1, pixelUm: 0.065)   // 15.4 → 15 px
        let rows = (0..<96).map { y in (0..<128).filter { drawn.pixels[y * 128 + $0] == 255 }.count }
        #expect(rows.max() == 15 && rows.filter { $0 == 15 }.count == Swift.max(2, 96 / 48))
        #expect(drawn.pixels.filter { $0 == 0 }.count == 2 * 17 + 2 * 2)   // border around a 15 × 2 bar
        #expect(drawn.pixels[0] == 100)
    }
}

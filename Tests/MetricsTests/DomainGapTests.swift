import FluoCore
import Foundation
@testable import Metrics
import Testing

/// The domain-gap distances: near zero between two draws of the same kind of image, clearly
/// larger where blur or the intensity distribution differ.
@Suite("Domain gap")
struct DomainGapTests {
    /// Smoothed noise (texture of scale `sigmaUm`) plus `background`, with Poisson-like noise.
    static func image(seed: UInt64, sigmaUm: Double, background: Float = 0) -> Volume {
        var random = RandomStream(seed: seed)
        let white = Volume(shape: [128, 128], spacingUm: [0.05, 0.05], data: (0..<128 * 128).map { _ in Float(random.uniform()) })
        let texture = GaussianFilter.smooth(white, sigmaUm: [sigmaUm, sigmaUm])
        return texture.map { value in
            let mean = 100 * (value - 0.45) + 20 + background
            return Swift.max(mean, 0) + Float(random.normal()) * Float(Swift.max(mean, 1)).squareRoot()
        }
    }

    @Test func sameKindIsClose() {
        let gap = DomainGap(real: Self.image(seed: 1, sigmaUm: 0.1), synthetic: [2, 3, 4].map { Self.image(seed: $0, sigmaUm: 0.1) })
        #expect(gap.spectrumDecades < 0.15, "\(gap.spectrumDecades) decades")
        #expect(gap.histogramW1 < 0.02, "W1 \(gap.histogramW1)")
    }

    @Test func blurAndBackgroundAreSeen() {
        let real = Self.image(seed: 1, sigmaUm: 0.1)
        let blurred = DomainGap(real: real, synthetic: [2, 3].map { Self.image(seed: $0, sigmaUm: 0.3) })
        #expect(blurred.spectrumDecades > 0.3, "\(blurred.spectrumDecades) decades")
        let hazy = DomainGap(real: real, synthetic: [2, 3].map { Self.image(seed: $0, sigmaUm: 0.1, background: 200) })
        let same = DomainGap(real: real, synthetic: [2, 3].map { Self.image(seed: $0, sigmaUm: 0.1) })
        #expect(hazy.spectrumDecades > same.spectrumDecades + 0.3, "\(hazy.spectrumDecades) against \(same.spectrumDecades)")
    }
}

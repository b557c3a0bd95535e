import FluoCore
import Foundation

/// The radially averaged power spectrum of a 2-D image:
///
///     P(q) = Σ_{k∈ring q} |F(k)|² / N_q,
///
/// F the discrete Fourier transform of the image after edge apodisation (`EdgeApodization`, so
/// the borders' jump under periodic extension adds no spurious power), rings one frequency
/// step 1/(n·p) wide (n the shorter side, p the larger pixel size) centred on q/(n·p),
/// q = 0…n/2, the same rings as `FourierRingCorrelation`, N_q the bins in ring q. P(0) is
/// the zero frequency alone, |Σ image|² (apodisation keeps the mean), so P(q)/P(0) is the power relative to the mean
/// intensity (the squared modulation contrast): blurring with a PSF of unit sum multiplies it
/// by |OTF(q)|², and Poisson noise of N photons per pixel adds a flat floor 1/(N·pixels).
public struct RadialPowerSpectrum: Equatable, Sendable {
    /// Ring centres in cycles/µm.
    public var frequenciesPerUm: [Double]
    /// Mean |F|² per ring.
    public var power: [Double]

    /// The spectrum of `image` (2-D), apodised over `apodizationPixels` at each edge.
    public init(_ image: Volume, apodizationPixels: Int = 8) {
        let spectrum = HalfSpectrum(EdgeApodization.apply(image, width: apodizationPixels))
        let steps = Double(image.shape.min()!) / 2
        let rings = image.shape.min()! / 2 + 1
        var sums = [Double](repeating: 0, count: rings), bins = sums
        for k in spectrum.radius.indices {
            let q = Int((spectrum.radius[k] * steps).rounded())
            guard q < rings else { continue }
            sums[q] += spectrum.weight[k] * spectrum.power(k)
            bins[q] += spectrum.weight[k]
        }
        frequenciesPerUm = (0..<rings).map { Double($0) / (2 * spectrum.pixelUm * steps) }
        power = zip(sums, bins).map { $1 > 0 ? $0 / $1 : 0 }
    }

    /// The apodisation's mean square w over an image of `shape`: white noise of variance V per
    /// pixel adds N·V·w to every |F|² (N pixels). Measured by apodising a ±1 checkerboard,
    /// whose samples become ±(window) (exactly for an even pixel count, where its mean is 0).
    public static func windowPower(shape: [Int], apodizationPixels: Int = 8) -> Double {
        let checkerboard = Volume(shape: shape, data: (0..<shape.reduce(1, *)).map { i in
            (i / shape[1] + i % shape[1]) % 2 == 0 ? 1 : -1
        })
        return EdgeApodization.apply(checkerboard, width: apodizationPixels).data.reduce(0) { $0 + Double($1 * $1) } / Double(checkerboard.count)
    }

    /// P(q)/P(0): the power relative to the zero frequency.
    public var relativeToMean: [Double] { power.map { power[0] > 0 ? $0 / power[0] : 0 } }
}

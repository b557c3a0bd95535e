import FluoCore
import Imaging
import Phantoms

/// The out-of-focus layers of one sample's thick specimen: layer k is the sample's phantom
/// drawn again from `stream.substream(k)`, made on first use and shared by every condition.
/// `generate` and the explain page both use it, so they show the same haze.
public struct OutOfFocusLayers {
    let phantom: PhantomParameters
    let shape: [Int]
    let spacingUm: [Double]
    let stream: RandomStream
    private var made: [Int: PhantomSample] = [:]

    /// `stream`: the sample's `"out-of-focus"` substream.
    public init(phantom: PhantomParameters, shape: [Int], spacingUm: [Double], stream: RandomStream) {
        self.phantom = phantom
        self.shape = shape
        self.spacingUm = spacingUm
        self.stream = stream
    }

    /// The convolutions of `outOfFocus`'s layers (`OutOfFocus.defocusedSlices`) for 2-D
    /// images of `spacingUm`, the PSF rendered from `optics` (files resolved in `folder`).
    public static func convolutions(_ optics: PSFModel, _ outOfFocus: OutOfFocus, spacingUm: [Double], boundary: FFTConvolver.Boundary,
                                    relativeTo folder: String?) throws -> [ConvolutionStage] {
        guard let (na, _, immersionIndex) = optics.optics else {
            throw ImagingError.invalidParameter("out_of_focus", "needs optics with an NA to defocus the PSF")
        }
        let halfWidth = optics.supportHalfWidthUm(rank: 2, axialExtentUm: 0)?.last ?? 1
        let grid = outOfFocus.psfGrid(spacingUm: spacingUm, na: na, immersionIndex: immersionIndex, halfWidthUm: halfWidth)
        let psf = try PSFFactory.render(optics, on: grid, relativeTo: folder, threads: 1)
        return outOfFocus.defocusedSlices(of: psf).map { ConvolutionStage(psf: $0, boundary: boundary) }
    }

    /// Per channel: Σₖ weight · layerₖ ⊛ hₖ, one convolution per layer (`OutOfFocus`).
    public mutating func haze(_ outOfFocus: OutOfFocus, blurredBy convolutions: [ConvolutionStage]) throws -> [Volume] {
        var sums: [Volume] = []
        for (k, convolution) in convolutions.enumerated() {
            if made[k] == nil { made[k] = try phantom.generate(shape: shape, spacingUm: spacingUm, stream: stream.substream(k), threads: 1) }
            for (channel, layer) in made[k]!.channels.enumerated() {
                let blurred = try convolution.apply(layer, stream: stream, threads: 1)
                if sums.count == channel { sums.append(Volume(shape: shape, spacingUm: spacingUm)) }
                for i in blurred.data.indices { sums[channel].data[i] += Float(outOfFocus.weight) * blurred.data[i] }
            }
        }
        return sums
    }
}

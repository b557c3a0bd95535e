import FluoCore
import Imaging
import Phantoms

/// The out-of-focus layers of one sample's thick specimen: layer k is the sample's phantom
/// drawn again from `stream.substream(k)`, made on first use and shared by every condition.
struct OutOfFocusLayers {
    let phantom: PhantomParameters
    let shape: [Int]
    let spacingUm: [Double]
    let stream: RandomStream
    private var made: [Int: PhantomSample] = [:]

    init(phantom: PhantomParameters, shape: [Int], spacingUm: [Double], stream: RandomStream) {
        self.phantom = phantom
        self.shape = shape
        self.spacingUm = spacingUm
        self.stream = stream
    }

    /// Per channel: Σₖ weight · layerₖ ⊛ hₖ, one convolution per layer (`OutOfFocus`).
    mutating func haze(_ outOfFocus: OutOfFocus, blurredBy convolutions: [ConvolutionStage]) throws -> [Volume] {
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

import DataIO
import FluoCore

/// DFCAN as DL-SR builds it, 2-D (`DFCANConfiguration`):
///
///     h₀ = GELU(conv(x)),
///     group g:  block b:  h ← h + FCA(GELU(conv(GELU(conv(h)))))   (Fourier channel-attention block),
///               then h ← h + h_in(g),
///     y = σ(conv(shuffle_r(GELU(conv(h_G))))),
///
/// FCA the Fourier channel attention: the block's features f scaled per channel by weights
/// from the means of ReLU(conv(fftshift(|FFT₂ f|^0.8))) (`FourierMagnitude`, `ChannelAttention`
/// with a descriptor), shuffle_r the sub-pixel upsampling (`PixelShuffle`) to the finer grid,
/// σ the logistic output for targets normalised to [0, 1]. DL-SR resizes the spectrum to the
/// training patch size before the attention's convolution; here it stays at the feature size
/// (the same for DL-SR's training patches).
public final class DFCAN: Network {
    public let configuration: DFCANConfiguration
    let head: Convolution
    private let headActivation = GELU()
    let groups: [[FourierAttentionBlock]]
    let upsample: Convolution
    private let upsampleActivation = GELU()
    private let shuffle: PixelShuffle
    let tail: Convolution
    private let sigmoid = Sigmoid()

    /// A network with freshly initialised weights drawn from `random`.
    public init(_ configuration: DFCANConfiguration, random: RandomStream) {
        precondition(configuration.problems.isEmpty, "DFCAN: \(configuration.problems.joined(separator: "; "))")
        self.configuration = configuration
        let c = configuration
        let kernel = [c.kernelSize, c.kernelSize]
        func convolution(_ name: String, _ input: Int, _ output: Int) -> Convolution {
            Convolution(name: name, inChannels: input, outChannels: output, kernelSize: kernel, random: random.substream(name))
        }
        head = convolution("head", c.inChannels, c.channels)
        head.needsInputGradient = false
        groups = (0..<c.residualGroups).map { g in
            (0..<c.residualBlocks).map { b in
                let name = "group\(g).block\(b)"
                return FourierAttentionBlock(
                    first: convolution(name + ".conv0", c.channels, c.channels), second: convolution(name + ".conv1", c.channels, c.channels),
                    spectrumConvolution: convolution(name + ".attention.conv", c.channels, c.channels),
                    attention: ChannelAttention(name: name + ".attention", channels: c.channels, reduction: c.channelReduction, dimensions: 2,
                                                random: random.substream(name + ".attention")))
            }
        }
        upsample = convolution("upsample", c.channels, c.channels * c.scale * c.scale)
        shuffle = PixelShuffle(factor: c.scale)
        tail = convolution("tail", c.channels, c.outChannels)
    }

    public var parameters: [Parameter] {
        ([head] + groups.flatMap { $0.flatMap(\.layers) } + [upsample, tail]).flatMap(\.parameters)
    }

    private var convolutions: [Convolution] {
        [head] + groups.flatMap { $0.flatMap { [$0.first, $0.second, $0.spectrumConvolution] } } + [upsample]
    }

    /// Per input pixel; the tail runs on scale² output pixels per input pixel.
    public var multiplyAddsPerPixel: Double {
        convolutions.reduce(0) { $0 + $1.multiplyAdds } + tail.multiplyAdds * Double(configuration.scale * configuration.scale)
    }

    public var executedMultiplyAddsPerPixel: Double {
        convolutions.reduce(0) { $0 + $1.executedMultiplyAdds } + tail.executedMultiplyAdds * Double(configuration.scale * configuration.scale)
    }

    /// Not written yet: the Fourier attention needs ONNX's DFT operator, and a super-resolution
    /// package output axes scaled against the input's.
    public func onnxGraph(name: String) throws -> ONNXGraph {
        throw TrainingError.options("export: DFCAN models cannot be exported to bioimage.io yet (its Fourier attention has no ONNX graph here); CARE and RCAN models can")
    }

    public func forward(_ x: Tensor, _ compute: Compute) -> (mean: Tensor, scale: Tensor?) {
        let c = configuration
        precondition(x.channels == c.inChannels && x.spatialRank == 2, "DFCAN: input \(x.shape) does not fit \(c.inChannels) channels in 2 dimensions")
        var h = headActivation.forward(head.forward(x, compute), compute)
        for group in groups {
            let groupInput = h
            for block in group { h = block.forward(h, compute) }
            Elementwise.add(groupInput, into: h, compute)
        }
        let wide = shuffle.forward(upsampleActivation.forward(upsample.forward(h, compute), compute), compute)
        return (sigmoid.forward(tail.forward(wide, compute), compute), nil)
    }

    public func backward(mean dMean: Tensor, scale _: Tensor?, _ compute: Compute) {
        let dWide = tail.backward(sigmoid.backward(dMean, compute), compute)
        var d = upsample.backward(upsampleActivation.backward(shuffle.backward(dWide, compute), compute), compute)
        for group in groups.reversed() {
            let dGroup = d
            for block in group.reversed() { d = block.backward(d, compute) }
            Elementwise.add(dGroup, into: d, compute)
        }
        _ = head.backward(headActivation.backward(d, compute), compute)
    }
}

/// y = x + FCA(GELU(conv(GELU(conv(x))))), FCA scaling f = GELU(conv(…)) by weights from the
/// means of ReLU(conv(spectrum(f))).
final class FourierAttentionBlock {
    let first: Convolution
    let firstActivation = GELU()
    let second: Convolution
    let secondActivation = GELU()
    let spectrum = FourierMagnitude()
    let spectrumConvolution: Convolution
    let spectrumReLU = ReLU()
    let attention: ChannelAttention

    init(first: Convolution, second: Convolution, spectrumConvolution: Convolution, attention: ChannelAttention) {
        (self.first, self.second, self.spectrumConvolution, self.attention) = (first, second, spectrumConvolution, attention)
        spectrumConvolution.fusedReLU = true
    }

    var layers: [Layer] { [first, second, spectrumConvolution, attention] }

    func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let f = secondActivation.forward(second.forward(firstActivation.forward(first.forward(x, compute), compute), compute), compute)
        let descriptor = spectrumReLU.adopt(spectrumConvolution.forward(spectrum.forward(f, compute), compute))
        let y = attention.forward(f, descriptor: descriptor, compute)
        Elementwise.add(x, into: y, compute)
        return y
    }

    func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        let df = attention.backward(dy, compute)
        let dSpectrum = spectrumConvolution.backward(spectrumReLU.backward(attention.descriptorGradient!, compute), compute)
        Elementwise.add(spectrum.backward(dSpectrum, compute), into: df, compute)
        let d = first.backward(firstActivation.backward(second.backward(secondActivation.backward(df, compute), compute), compute), compute)
        Elementwise.add(dy, into: d, compute)
        return d
    }
}

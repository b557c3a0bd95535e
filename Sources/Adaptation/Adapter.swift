import FluoCore
import Foundation
import Imaging
import Training

/// A real image prepared for adaptation: on the camera's own grid (ADU), its calibrated
/// diffuse light on the same grid, and how the network sees it.
public struct RealImage: Sendable {
    public var camera: Volume
    public var haze: Volume
    /// The network's normalisation range of the whole image on the fine grid (as `predict`
    /// normalises it), applied to every patch and target.
    public var range: (low: Float, high: Float)

    public init(camera: Volume, haze: Volume, range: (low: Float, high: Float)) {
        self.camera = camera
        self.haze = haze
        self.range = range
    }
}

/// Settings of `Adapter`; the defaults follow ZS-DeconvNet where it has them.
public struct AdaptationOptions: Sendable {
    public var steps = 600
    public var batch = 8
    /// Camera-grid patch side compared by the forward model (its margin comes on top).
    public var patch = 32
    public var learningRate = 5e-5
    /// Weight of the synthetic-pair term (0: adaptation on the real image alone).
    public var syntheticWeight = 1.0
    public var hessianWeight = 0.02
    /// Held-out loss every this many steps; the weights with the lowest are kept.
    public var validationInterval = 50
    public var seed: UInt64 = 1
    public var threads = Parallel.availableCores

    public init() {}
}

/// Fine-tunes a network on real images through the imaging model (see `ForwardModelLoss`):
/// each step draws camera-grid patches of the real images (outside their held-out bottom
/// strip), recorrupts them (`Recorruption`), resamples the input copy onto the network's
/// grid as the spec's acquisition does, and back-propagates the forward-model loss; with a
/// synthetic dataset, a batch of its pairs under the model's own loss is added to the
/// gradient with `syntheticWeight`, so what pre-training taught is kept. The held-out strips'
/// self-supervised loss (a fixed recorruption) chooses the weights kept, never a reference.
public final class Adapter {
    public let model: RestorationModel
    let images: [RealImage]
    let recorruption: Recorruption
    let acquisition: Acquisition
    let loss: ForwardModelLoss
    let synthetic: PatchSampler?
    let options: AdaptationOptions
    let factor: Int, marginCoarse: Int

    public struct Progress: Sendable {
        public var step: Int
        public var loss: Double
        public var heldOut: Double?
    }

    /// `acquisition`: how the spec resamples the camera grid onto the network's (its
    /// `subsample` steps, undone by `onGroundTruthGrid`); `psf` on the network's grid.
    public init(model: RestorationModel, images: [RealImage], recorruption: Recorruption, acquisition: Acquisition, psf: Volume,
                synthetic: TrainingData?, options: AdaptationOptions) throws {
        let steps = acquisition.subsample.filter { $0.axis != .z }
        let factor = Int(steps.first { $0.axis == .x }?.factor ?? 1)
        guard steps.allSatisfy({ Double(factor) == $0.factor }) else {
            throw ImagingError.mismatch("adaptation needs the same integer subsampling along y and x, got \(steps)")
        }
        let block = model.configuration.architecture.blockSize
        // Margin: a few camera pixels, so the fine patch is a multiple of the network's block.
        var margin = 4
        while ((options.patch + 2 * margin) * factor) % block != 0 { margin += 1 }
        let fine = (options.patch + 2 * margin) * factor
        self.model = model
        self.images = images
        self.recorruption = recorruption
        self.acquisition = acquisition
        self.factor = factor
        marginCoarse = margin
        loss = try ForwardModelLoss(psf: psf, fineShape: [fine, fine], factor: factor, margin: margin * factor, hessianWeight: options.hessianWeight)
        self.synthetic = try synthetic.map {
            try PatchSampler(data: $0, patch: model.configuration.patch, augment: true, foregroundThreshold: 0)
        }
        self.options = options
        for image in images where image.camera.shape.min()! < 2 * (options.patch + 2 * margin) {
            throw TrainingError.options("the real image's camera grid \(image.camera.shape) is too small for \(options.patch)-pixel patches and a held-out strip")
        }
    }

    /// Runs the steps; returns the held-out loss of the weights kept.
    @discardableResult
    public func run(progress: (Progress) -> Void = { _ in }) throws -> Double {
        var optimizer = Adam(learningRate: options.learningRate)
        let compute = Compute(threads: options.threads, training: true)
        let root = RandomStream(seed: options.seed)
        var best = (loss: try heldOutLoss(compute), weights: model.network.parameters.map(\.value))
        progress(Progress(step: 0, loss: best.loss, heldOut: best.loss))
        let syntheticBatch = (x: Tensor(shape: [options.batch, 1] + model.configuration.patch), y: Tensor(shape: [options.batch, 1] + model.configuration.patch))
        for step in 1...options.steps {
            compute.training = true
            compute.step = step
            let (x, targets) = try realBatch(root.substream("real").substream(step), training: true)
            let value = try backpropagate(x, targets: targets, compute)
            if let synthetic, options.syntheticWeight > 0 {
                let real = model.network.parameters.map(\.gradient)
                synthetic.batch(step: step, size: options.batch, stream: root.substream("synthetic"), into: syntheticBatch)
                let (mean, scale) = model.network.forward(syntheticBatch.x, compute)
                let result = Loss(model.configuration.loss).evaluate(mean: mean, scale: scale, target: syntheticBatch.y, compute)
                model.network.backward(mean: result.mean, scale: result.scale, compute)
                for (parameter, gradient) in zip(model.network.parameters, real) {
                    for i in parameter.gradient.indices { parameter.gradient[i] = gradient[i] + Float(options.syntheticWeight) * parameter.gradient[i] }
                }
            }
            optimizer.step(model.network.parameters)
            var heldOut: Double?
            if step % options.validationInterval == 0 || step == options.steps {
                let loss = try heldOutLoss(compute)
                heldOut = loss
                if loss < best.loss { best = (loss, model.network.parameters.map(\.value)) }
            }
            progress(Progress(step: step, loss: value, heldOut: heldOut))
        }
        for (parameter, value) in zip(model.network.parameters, best.weights) { parameter.value = value }
        return best.loss
    }

    /// Forward, forward-model loss, backward; the network's gradients are set.
    func backpropagate(_ x: Tensor, targets: [Volume], _ compute: Compute) throws -> Double {
        let (mean, scale) = model.network.forward(x, compute)
        let outputs = Adapter.volumes(mean)
        let result = try loss.evaluate(outputs: outputs, targets: targets)
        let dMean = Tensor(shape: mean.shape, values: result.gradient.flatMap(\.data))
        model.network.backward(mean: dMean, scale: scale.map { Tensor(shape: $0.shape) }, compute)
        return result.value
    }

    /// The self-supervised loss on fixed recorrupted patches of the held-out strips.
    func heldOutLoss(_ compute: Compute) throws -> Double {
        compute.training = false
        let (x, targets) = try realBatch(RandomStream(seed: options.seed).substream("held-out"), training: false)
        let outputs = Adapter.volumes(model.network.forward(x, compute).mean)
        return try loss.evaluate(outputs: outputs, targets: targets).value
    }

    /// A batch: network inputs (recorrupted ŷ on the fine grid, normalised) and targets
    /// (ỹ − haze on the camera grid's compared region, normalised the same way). Held-out
    /// patches come from each image's bottom strip (an eighth, at least a patch high),
    /// training patches from above it.
    func realBatch(_ stream: RandomStream, training: Bool) throws -> (Tensor, [Volume]) {
        let side = options.patch + 2 * marginCoarse, fine = side * factor
        var inputs: [Float] = [], targets: [Volume] = []
        inputs.reserveCapacity(options.batch * fine * fine)
        for i in 0..<options.batch {
            var random = stream.substream(i)
            let image = images[random.integer(below: images.count)]
            let ny = image.camera.shape[0], nx = image.camera.shape[1], split = ny - Swift.max(ny / 8, side)
            let y0 = training ? random.integer(below: split - side + 1) : split + random.integer(below: ny - split - side + 1)
            let x0 = random.integer(below: nx - side + 1)
            let patch = Adapter.crop(image.camera, y: y0, x: x0, side: side)
            let (noisy, target) = recorruption.pair(patch, stream: random.substream("recorrupt"))
            let upsampled = try acquisition.onGroundTruthGrid(noisy, groundTruthShape: [fine, fine])
            let scale = 1 / Swift.max(image.range.high - image.range.low, 1e-12)
            inputs += upsampled.data.map { ($0 - image.range.low) * scale }
            let haze = Adapter.crop(image.haze, y: y0, x: x0, side: side)
            let inner = options.patch
            var t = Volume(shape: [inner, inner])
            for y in 0..<inner {
                for x in 0..<inner {
                    let j = (y + marginCoarse) * side + x + marginCoarse
                    t.data[y * inner + x] = (target.data[j] - haze.data[j] - image.range.low) * scale
                }
            }
            targets.append(t)
        }
        return (Tensor(shape: [options.batch, 1, fine, fine], values: inputs), targets)
    }

    static func crop(_ image: Volume, y: Int, x: Int, side: Int) -> Volume {
        let nx = image.shape[1]
        var out = Volume(shape: [side, side], spacingUm: image.spacingUm)
        for r in 0..<side { out.data.replaceSubrange((r * side)..<((r + 1) * side), with: image.data[((y + r) * nx + x)..<((y + r) * nx + x + side)]) }
        return out
    }

    /// The batch's images of a (n, 1, y, x) tensor.
    static func volumes(_ tensor: Tensor) -> [Volume] {
        let n = tensor.shape[0], size = tensor.count / n
        return (0..<n).map { i in
            Volume(shape: Array(tensor.shape.suffix(2)), data: Array(UnsafeBufferPointer(start: tensor.pointer + i * size, count: size)))
        }
    }
}

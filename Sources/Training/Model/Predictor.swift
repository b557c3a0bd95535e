import FluoCore

/// Applies a model to whole images as CSBDeep's `CARE.predict` does: percentile
/// normalisation of the input (the model's percentiles, per channel), padding to a multiple
/// of 2^depth (reflection at the far end of each axis), the network over tiles, and the
/// output mapped back with the input's percentiles. A super-resolution model's output is on a
/// grid `scale` times finer, with the pixel size divided by `scale`.
///
/// Tiling: the padded image is cut into `tiles` pieces per axis along block (2^depth)
/// boundaries; each tile is predicted with `overlap` extra pixels on every side (at least the
/// receptive-field radius, rounded up to whole blocks) and only its own region is kept, so a
/// U-Net's result equals the untiled one up to float rounding (no seams) while memory is bounded
/// by the tile. RCAN's and DFCAN's channel attention averages over the whole tile, so their tiled
/// results differ slightly unless the overlap spans the image.
public struct Predictor {
    public let model: RestorationModel
    public let threads: Int

    public init(model: RestorationModel, threads: Int) {
        self.model = model
        self.threads = threads
    }

    /// The prediction for one image: `channels` volumes of the model's dimensionality (2-D
    /// images for 2-D models, (z, y, x) stacks for 3-D models). Returns the mean per output
    /// channel and, for probabilistic models, the scale. `ranges` gives the normalisation
    /// range per channel (e.g. one range for every slice of a stack); by default each image's
    /// own percentiles. With `normalizedOutput` the outputs stay in the network's units (the
    /// normalised input's), as a bioimage.io consumer gets them.
    public func predict(_ channels: [Volume], ranges given: [(low: Float, high: Float)]? = nil,
                        tiles: [Int]? = nil, overlap: Int? = nil, normalizedOutput: Bool = false) throws -> (mean: [Volume], scale: [Volume]?) {
        let architecture = model.configuration.architecture
        guard channels.count == architecture.inChannels else {
            throw TrainingError.options("the model takes \(architecture.inChannels) channel(s), the image has \(channels.count)")
        }
        let shape = channels[0].shape
        guard shape.count == architecture.dimensions, channels.allSatisfy({ $0.shape == shape }) else {
            throw TrainingError.options("a \(architecture.dimensions)-D model cannot predict a \(shape.count)-D image")
        }
        let tiles = tiles ?? automaticTiles(shape)
        guard tiles.count == shape.count, tiles.allSatisfy({ $0 >= 1 }) else {
            throw TrainingError.options("--tiles needs \(shape.count) positive counts (one per axis \(shape.count == 3 ? "z,y,x" : "y,x")), got \(tiles)")
        }
        let block = architecture.blockSize
        let padded = shape.map { ($0 + block - 1) / block * block }
        let normalization = model.configuration.normalization
        let ranges = given ?? channels.map { normalization.range(of: $0.data) }
        let input = Tensor(shape: [1, channels.count] + padded)
        for (c, channel) in channels.enumerated() {
            let normalized = normalization.apply(channel.data, range: ranges[c])
            Predictor.pad(normalized, shape: shape, into: input.pointer + c * padded.reduce(1, *), padded: padded)
        }
        let margin = ((overlap ?? architecture.receptiveFieldRadius) + block - 1) / block * block
        let (mean, scale) = predictTiled(input, tiles: tiles, margin: margin)
        // Super-resolution models predict on a grid `factor` times finer.
        let factor = architecture.scale
        let outputShape = shape.map { $0 * factor }, outputPadded = padded.map { $0 * factor }
        let spacing = channels[0].spacingUm.map { $0 / Double(factor) }
        // Outputs return to the input's units when channels correspond (CSBDeep: n_in == n_out).
        let denormalize = !normalizedOutput && architecture.inChannels == architecture.outChannels
        func volumes(_ tensor: Tensor, scaleOnly: Bool) -> [Volume] {
            (0..<tensor.channels).map { c in
                let range = denormalize ? ranges[c] : (low: Float(0), high: Float(1))
                let width = range.high - range.low
                let plane = outputPadded.reduce(1, *)
                var values = Predictor.crop(UnsafeBufferPointer(start: tensor.pointer + c * plane, count: plane), padded: outputPadded, to: outputShape)
                for i in values.indices { values[i] = scaleOnly ? values[i] * width : values[i] * width + range.low }
                return Volume(shape: outputShape, spacingUm: spacing, data: values)
            }
        }
        return (volumes(mean, scaleOnly: false), scale.map { volumes($0, scaleOnly: true) })
    }

    /// Tiles so that a tile holds at most about 2²⁶ full-resolution feature activations (256 MiB each).
    func automaticTiles(_ shape: [Int]) -> [Int] {
        var tiles = shape.map { _ in 1 }
        let budget = Double(1 << 26) / Double(model.configuration.architecture.featureChannels)
        while Double(zip(shape, tiles).map { ($0 + $1 - 1) / $1 }.reduce(1, *)) > budget {
            let axis = (0..<shape.count).max { shape[$0] / tiles[$0] < shape[$1] / tiles[$1] }!
            tiles[axis] *= 2
        }
        return tiles
    }

    /// The network over tiles of the padded (1, C, …) input; outputs have the padded shape
    /// (times the model's scale).
    func predictTiled(_ input: Tensor, tiles: [Int], margin: Int) -> (mean: Tensor, scale: Tensor?) {
        let architecture = model.configuration.architecture
        let padded = input.spatialShape, block = architecture.blockSize, factor = architecture.scale
        let compute = Compute(threads: threads, training: false)
        let outputPadded = padded.map { $0 * factor }
        let mean = Tensor(shape: [1, architecture.outChannels] + outputPadded)
        let scale = architecture.probabilistic ? Tensor(shape: [1, architecture.outChannels] + outputPadded) : nil
        // Per axis: the kept region of each tile and its window with the margin.
        let pieces: [[(keep: Range<Int>, window: Range<Int>)]] = zip(padded, tiles).map { length, count in
            let blocks = length / block
            let n = Swift.min(count, blocks)
            return (0..<n).map { t in
                let keep = (t * blocks / n * block) ..< ((t + 1) * blocks / n * block)
                return (keep, Swift.max(0, keep.lowerBound - margin) ..< Swift.min(length, keep.upperBound + margin))
            }
        }
        var index = [Int](repeating: 0, count: padded.count)
        repeat {
            let piece = (0..<padded.count).map { pieces[$0][index[$0]] }
            let window = piece.map(\.window)
            let tile = Tensor(shape: [1, input.channels] + window.map(\.count))
            Predictor.copyRegion(from: input, shape: padded, region: window, to: tile, tileShape: window.map(\.count), toOrigin: window.map { _ in 0 },
                                 count: window.map(\.count))
            let (tileMean, tileScale) = model.network.forward(tile, compute)
            // The kept region in the output tile and in the output, on the output's grid.
            let keepInTile = zip(piece.map(\.keep), window).map { ($0.lowerBound - $1.lowerBound) * factor }
            let region = zip(keepInTile, piece).map { $0 ..< $0 + $1.keep.count * factor }
            let origin = piece.map { $0.keep.lowerBound * factor }, count = piece.map { $0.keep.count * factor }
            let tileShape = window.map { $0.count * factor }
            Predictor.copyRegion(from: tileMean, shape: tileShape, region: region, to: mean, tileShape: outputPadded, toOrigin: origin, count: count)
            if let scale, let tileScale {
                Predictor.copyRegion(from: tileScale, shape: tileShape, region: region, to: scale, tileShape: outputPadded, toOrigin: origin, count: count)
            }
        } while Predictor.advance(&index, limits: pieces.map(\.count))
        return (mean, scale)
    }

    /// Next index of a mixed-radix counter; false after the last.
    static func advance(_ index: inout [Int], limits: [Int]) -> Bool {
        for axis in stride(from: index.count - 1, through: 0, by: -1) {
            index[axis] += 1
            if index[axis] < limits[axis] { return true }
            index[axis] = 0
        }
        return false
    }

    /// Copies, for every channel, the box `region` of a (1, C, shape) tensor to `toOrigin` of a (1, C, tileShape) tensor.
    static func copyRegion(from source: Tensor, shape: [Int], region: [Range<Int>], to destination: Tensor, tileShape: [Int],
                           toOrigin: [Int], count: [Int]) {
        let from = Size3(shape), to = Size3(tileShape)
        let r = Size3(origin: region.map(\.lowerBound)), o = Size3(origin: toOrigin), n = Size3(count)
        for c in 0..<source.channels {
            for z in 0..<n.z {
                for y in 0..<n.y {
                    let s = source.pointer + ((c * from.z + r.z + z) * from.y + r.y + y) * from.x + r.x
                    let d = destination.pointer + ((c * to.z + o.z + z) * to.y + o.y + y) * to.x + o.x
                    d.update(from: s, count: n.x)
                }
            }
        }
    }

    /// `values` of `shape` into `padded` (larger or equal), reflecting at the far end of each axis.
    static func pad(_ values: [Float], shape: [Int], into destination: UnsafeMutablePointer<Float>, padded: [Int]) {
        let from = Size3(shape), to = Size3(padded)
        func reflect(_ i: Int, _ n: Int) -> Int {
            guard n > 1 else { return 0 }
            let period = 2 * n - 2
            let j = i % period
            return j < n ? j : period - j
        }
        for z in 0..<to.z {
            for y in 0..<to.y {
                let row = (reflect(z, from.z) * from.y + reflect(y, from.y)) * from.x
                for x in 0..<to.x { destination[(z * to.y + y) * to.x + x] = values[row + reflect(x, from.x)] }
            }
        }
    }

    /// The `shape` corner of a padded plane.
    static func crop(_ plane: UnsafeBufferPointer<Float>, padded: [Int], to shape: [Int]) -> [Float] {
        let from = Size3(padded), to = Size3(shape)
        var result = [Float](repeating: 0, count: to.count)
        for z in 0..<to.z {
            for y in 0..<to.y {
                for x in 0..<to.x { result[(z * to.y + y) * to.x + x] = plane[(z * from.y + y) * from.x + x] }
            }
        }
        return result
    }
}

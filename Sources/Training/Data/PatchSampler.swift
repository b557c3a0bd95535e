import FluoCore

/// Draws training batches of patches from whole images or stored patches.
///
/// Foreground filter (CSBDeep's `no_background_patches(threshold, percentile=99.9)`): a patch
/// may be drawn where the target, max-filtered over half the patch size (zero outside the
/// image), exceeds threshold × its 99.9th percentile at the patch centre.
///
/// Super-resolution pairs (targets `scale` times finer): `patch` is the input's patch; the
/// target's starts at scale × the input's origin and is scale × as large. Batch item i of step t
/// uses the stream (seed, "batch", t, i) to pick the image (uniformly), the position (uniformly
/// among the allowed ones) and the augmentation, so batches depend only on seed and step.
public struct PatchSampler: BatchSource {
    let data: TrainingData
    /// Patch size per image axis.
    let patch: [Int]
    let augment: Bool
    /// The target's patch: `patch` × the data's scale.
    var targetPatch: [Int] { patch.map { $0 * data.scale } }
    /// Allowed patch origins (flat index of the first input voxel) per pair; empty: every origin.
    private let origins: [[Int32]]

    public init(data: TrainingData, patch: [Int], augment: Bool, foregroundThreshold: Double) throws {
        precondition(patch.count == data.dimensions, "PatchSampler: patch \(patch) for \(data.dimensions)-D data")
        for pair in data.pairs where zip(pair.shape, patch).contains(where: { $0 < $1 }) {
            throw TrainingError.data(pair.name, "image \(pair.shape) is smaller than the patch \(patch)")
        }
        self.data = data
        self.patch = patch
        self.augment = augment
        origins = data.pairs.map { pair in
            guard foregroundThreshold > 0, data.wholeImages else { return [] }
            return PatchSampler.foregroundOrigins(pair, patch: patch, scale: data.scale, threshold: foregroundThreshold)
        }
    }

    /// Number of pairs whose foreground filter left no patch (those use every origin).
    public var pairsWithoutForeground: Int {
        zip(origins, data.pairs).filter { $0.0.isEmpty && data.wholeImages }.count
    }

    /// A batch (inputs, targets) of `size` patches for `step`.
    public func batch(step: Int, size: Int, stream: RandomStream, into tensors: (x: Tensor, y: Tensor)) {
        let root = stream.substream("batch").substream(step)
        for i in 0..<size {
            var random = root.substream(i)
            let pairIndex = random.integer(below: data.pairs.count)
            patch(of: pairIndex, random: &random, into: tensors, slot: i)
        }
    }

    /// A patch of pair `pairIndex` at an allowed origin drawn from `random`, augmented when the
    /// sampler augments, into batch slot `slot`.
    public func patch(of pairIndex: Int, random: inout RandomStream, into tensors: (x: Tensor, y: Tensor), slot: Int) {
        let origin = randomOrigin(pairIndex, &random)
        let transform = augment ? Augmentation.random(&random, size: Size3(patch)) : .identity
        extract(pairIndex, origin: origin, transform: transform, into: tensors, slot: slot)
    }

    /// `count` fixed patches (no augmentation) for validation: stored patches are used in order
    /// (cropped at the centre when larger), whole images sampled from the stream "validation".
    public func validationPatches(count: Int, stream: RandomStream) -> (x: Tensor, y: Tensor) {
        let total = data.wholeImages ? count : Swift.min(count, data.pairs.count)
        let tensors = (x: Tensor(shape: [total, data.inChannels] + patch), y: Tensor(shape: [total, data.outChannels] + targetPatch))
        let root = stream.substream("validation")
        for i in 0..<total {
            if data.wholeImages {
                var random = root.substream(i)
                let pairIndex = random.integer(below: data.pairs.count)
                extract(pairIndex, origin: randomOrigin(pairIndex, &random), transform: .identity, into: tensors, slot: i)
            } else {
                let shape = data.pairs[i].shape
                let corner = zip(shape, patch).map { ($0 - $1) / 2 }
                extract(i, origin: Volume.strides(of: shape).enumerated().reduce(0) { $0 + $1.element * corner[$1.offset] },
                        transform: .identity, into: tensors, slot: i)
            }
        }
        return tensors
    }

    private func randomOrigin(_ pairIndex: Int, _ random: inout RandomStream) -> Int {
        let allowed = origins[pairIndex]
        if !allowed.isEmpty { return Int(allowed[random.integer(below: allowed.count)]) }
        let shape = data.pairs[pairIndex].shape
        var origin = 0
        for axis in 0..<shape.count {
            origin = origin * shape[axis] + random.integer(below: shape[axis] - patch[axis] + 1)
        }
        return origin
    }

    /// Copies the patch at `origin` of pair `pairIndex` (and the target's patch scale × finer),
    /// transformed, into batch slot `slot`.
    private func extract(_ pairIndex: Int, origin: Int, transform: Augmentation, into tensors: (x: Tensor, y: Tensor), slot: Int) {
        let pair = data.pairs[pairIndex], scale = data.scale
        let image = Size3(pair.shape)
        let start = Size3(z: origin / (image.y * image.x), y: origin / image.x % image.y, x: origin % image.x)
        let scaledStart = Size3(z: pair.shape.count == 3 ? start.z * scale : 0, y: start.y * scale, x: start.x * scale)
        for (values, channels, tensor, shape, size, corner) in [
            (pair.input, pair.inChannels, tensors.x, image, Size3(patch), start),
            (pair.target, pair.outChannels, tensors.y, Size3(pair.targetShape), Size3(targetPatch), scaledStart),
        ] {
            var block = [Float](repeating: 0, count: channels * size.count)
            values.withUnsafeBufferPointer { source in
                for c in 0..<channels {
                    for z in 0..<size.z {
                        for y in 0..<size.y {
                            let from = ((c * shape.z + corner.z + z) * shape.y + corner.y + y) * shape.x + corner.x
                            let to = ((c * size.z + z) * size.y + y) * size.x
                            for x in 0..<size.x { block[to + x] = source[from + x] }
                        }
                    }
                }
            }
            block.withUnsafeBufferPointer { transform.apply($0.baseAddress!, into: tensor.sample(slot), channels: channels, size: size) }
        }
    }

    /// Input origins whose patch centre passes the foreground filter on the target (first
    /// channel, `scale` times finer).
    static func foregroundOrigins(_ pair: ImagePair, patch: [Int], scale: Int, threshold: Double) -> [Int32] {
        let target = Array(pair.target[0 ..< pair.targetPixelCount])
        let level = Float(threshold * Percentile.values(target, [99.9])[0])
        let filtered = SlidingMaximum.filter(target, shape: pair.targetShape, sizes: patch.map { Swift.max(1, $0 * scale / 2) })
        let shape = pair.shape, strides = Volume.strides(of: shape), targetStrides = Volume.strides(of: pair.targetShape)
        var result: [Int32] = []
        let limits = zip(shape, patch).map { $0 - $1 + 1 }
        var index = [Int](repeating: 0, count: shape.count)
        outer: while true {
            var origin = 0, centre = 0
            for axis in 0..<shape.count {
                origin += index[axis] * strides[axis]
                centre += (index[axis] + patch[axis] / 2) * scale * targetStrides[axis]
            }
            if filtered[centre] > level { result.append(Int32(origin)) }
            for axis in stride(from: shape.count - 1, through: 0, by: -1) {
                index[axis] += 1
                if index[axis] < limits[axis] { continue outer }
                index[axis] = 0
            }
            break
        }
        return result
    }
}

/// `scipy.ndimage.maximum_filter(x, size, mode='constant', cval=0)`: the maximum over a box of
/// `size` per axis covering [i − ⌊size/2⌋, i − ⌊size/2⌋ + size − 1], zero outside the image;
/// separable, with a monotonic queue (O(1) per sample and axis).
enum SlidingMaximum {
    static func filter(_ values: [Float], shape: [Int], sizes: [Int]) -> [Float] {
        var current = values
        for axis in 0..<shape.count where sizes[axis] > 1 {
            let n = shape[axis], size = sizes[axis], stride = shape[(axis + 1)...].reduce(1, *)
            let outer = shape[..<axis].reduce(1, *)
            var line = [Float](repeating: 0, count: n), queue = [Int](repeating: 0, count: n + size)
            for o in 0..<outer {
                for inner in 0..<stride {
                    let base = o * n * stride + inner
                    for i in 0..<n { line[i] = current[base + i * stride] }
                    // Window for output i: [i − size/2, i − size/2 + size − 1]; positions outside are 0.
                    var head = 0, tail = 0
                    var next = 0
                    for i in 0..<n {
                        let high = i - size / 2 + size - 1, low = i - size / 2
                        while next <= Swift.min(high, n - 1) {
                            while tail > head && line[queue[tail - 1]] <= line[next] { tail -= 1 }
                            queue[tail] = next
                            tail += 1
                            next += 1
                        }
                        while head < tail && queue[head] < low { head += 1 }
                        var maximum = head < tail ? line[queue[head]] : -Float.infinity
                        if low < 0 || high >= n { maximum = Swift.max(maximum, 0) }
                        current[base + i * stride] = maximum
                    }
                }
            }
        }
        return current
    }
}

/// Patches for writing out rather than training.
public enum Patches {
    /// `count` patches of size `patch` drawn from whole images as for training (foreground
    /// filter on the target, no augmentation), as CSBDeep's `create_patches` makes them:
    /// (count, channels, …patch) inputs and targets.
    public static func draw(from data: TrainingData, patch: [Int], count: Int, foregroundThreshold: Double,
                            stream: RandomStream) throws -> (x: Tensor, y: Tensor) {
        let sampler = try PatchSampler(data: data, patch: patch, augment: false, foregroundThreshold: foregroundThreshold)
        let tensors = (x: Tensor(shape: [count, data.inChannels] + patch), y: Tensor(shape: [count, data.outChannels] + sampler.targetPatch))
        sampler.batch(step: 0, size: count, stream: stream, into: tensors)
        return tensors
    }
}

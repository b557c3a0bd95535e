/// A float32 array in the network's layout: (batch n, channels c, [z,] y, x), x fastest
/// (NCHW for 2-D, NCDHW for 3-D images).
///
/// A `Tensor` is a reference to one buffer, 64-byte aligned for the vector kernels. Layers
/// own the tensors they return and write into them again on the next pass when the shape is
/// unchanged (`Tensor.reusing`), so a training step allocates nothing after the first; a
/// caller who needs a result beyond the next pass copies it out (`values`).
public final class Tensor: @unchecked Sendable {
    /// (n, c, y, x) or (n, c, z, y, x).
    public let shape: [Int]
    /// Number of elements.
    public let count: Int
    /// The elements, row-major.
    public let pointer: UnsafeMutablePointer<Float>

    /// A zero-filled tensor.
    public init(shape: [Int]) {
        precondition((3...5).contains(shape.count) && shape.allSatisfy { $0 > 0 }, "Tensor: bad shape \(shape)")
        self.shape = shape
        count = shape.reduce(1, *)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(1, count) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
        pointer.initialize(repeating: 0, count: count)
    }

    /// A tensor holding `values` (row-major, `values.count` equal to the product of `shape`).
    public convenience init(shape: [Int], values: [Float]) {
        self.init(shape: shape)
        precondition(values.count == count, "Tensor: \(values.count) values do not fill shape \(shape)")
        values.withUnsafeBufferPointer { pointer.update(from: $0.baseAddress!, count: count) }
    }

    deinit { pointer.deallocate() }

    /// `existing` when it has `shape` (its contents are then stale), else a new zero tensor.
    public static func reusing(_ existing: Tensor?, shape: [Int]) -> Tensor {
        if let existing, existing.shape == shape { return existing }
        return Tensor(shape: shape)
    }

    /// A copy of the elements.
    public var values: [Float] { Array(buffer) }

    /// The elements as a buffer.
    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: pointer, count: count) }

    /// A new tensor with the same shape and elements.
    public func copy() -> Tensor {
        let result = Tensor(shape: shape)
        result.pointer.update(from: pointer, count: count)
        return result
    }

    /// Sets every element to zero.
    public func zero() { pointer.update(repeating: 0, count: count) }

    @inlinable public var batch: Int { shape[0] }
    @inlinable public var channels: Int { shape[1] }
    /// The image axes: (y, x) or (z, y, x).
    public var spatialShape: [Int] { Array(shape[2...]) }
    /// Number of image axes (2 or 3).
    @inlinable public var spatialRank: Int { shape.count - 2 }
    /// Pixels (voxels) per channel of one sample.
    public var spatialCount: Int { shape[2...].reduce(1, *) }
    /// Elements per sample.
    public var sampleCount: Int { count / shape[0] }
    /// The first element of sample `n`.
    @inlinable public func sample(_ n: Int) -> UnsafeMutablePointer<Float> { pointer + n * (count / shape[0]) }
}

/// (z, y, x) sizes with z = 1 for 2-D images: lets one code path serve 2-D and 3-D.
struct Size3: Equatable, Sendable {
    var z: Int, y: Int, x: Int

    init(z: Int, y: Int, x: Int) { (self.z, self.y, self.x) = (z, y, x) }

    /// From (y, x) or (z, y, x).
    init(_ axes: [Int]) {
        precondition(axes.count == 2 || axes.count == 3, "Size3: needs 2 or 3 axes, got \(axes)")
        self.init(z: axes.count == 3 ? axes[0] : 1, y: axes[axes.count - 2], x: axes[axes.count - 1])
    }

    /// From a position (y, x) or (z, y, x): z = 0 in 2-D.
    init(origin axes: [Int]) {
        self.init(z: axes.count == 3 ? axes[0] : 0, y: axes[axes.count - 2], x: axes[axes.count - 1])
    }

    var count: Int { z * y * x }
    /// Number of (z, y) rows of x-length lines.
    var rows: Int { z * y }
}

import FluoCore

/// What one object adds to a phantom. Objects are rendered independently (in parallel) into
/// stamps, and the stamps are added to the volume one after another in object order, so every
/// voxel sums the same numbers in the same order whatever the thread count.

/// A dense box of voxel amounts: origin and size per axis (z, y, x), x fastest.
struct VoxelBlock: Sendable {
    var origin: SIMD3<Int>
    var size: SIMD3<Int>
    var data: [Double]

    init(z: ClosedRange<Int>, y: ClosedRange<Int>, x: ClosedRange<Int>) {
        origin = SIMD3(z.lowerBound, y.lowerBound, x.lowerBound)
        size = SIMD3(z.count, y.count, x.count)
        data = Array(repeating: 0, count: z.count * y.count * x.count)
    }
}

/// A sparse list of (flat voxel index, amount); consecutive additions to one voxel are merged.
struct VoxelDeposits: Sendable {
    private(set) var indices: [Int] = []
    private(set) var amounts: [Double] = []

    mutating func add(_ index: Int, _ amount: Double) {
        if let last = indices.last, last == index {
            amounts[amounts.count - 1] += amount
        } else {
            indices.append(index)
            amounts.append(amount)
        }
    }

    /// Total amount deposited.
    var total: Double { amounts.reduce(0, +) }
}

/// An image being summed from stamps.
struct VoxelAccumulator {
    let grid: PhantomGrid
    private(set) var data: [Float]

    init(grid: PhantomGrid) {
        self.grid = grid
        data = Array(repeating: 0, count: grid.count)
    }

    mutating func add(_ block: VoxelBlock, scale: Double = 1) {
        let (ny, nx) = (grid.ny, grid.nx)
        data.withUnsafeMutableBufferPointer { out in
            block.data.withUnsafeBufferPointer { source in
                var k = 0
                for z in 0..<block.size[0] {
                    for y in 0..<block.size[1] {
                        let row = ((block.origin[0] + z) * ny + block.origin[1] + y) * nx + block.origin[2]
                        for x in 0..<block.size[2] {
                            out[row + x] += Float(scale * source[k])
                            k += 1
                        }
                    }
                }
            }
        }
    }

    mutating func add(_ deposits: VoxelDeposits, scale: Double = 1) {
        data.withUnsafeMutableBufferPointer { out in
            for (index, amount) in zip(deposits.indices, deposits.amounts) { out[index] += Float(scale * amount) }
        }
    }

    /// The sum as a `Volume` with the grid's shape and spacing.
    var volume: Volume { grid.volume(data) }
}

extension Parallel {
    /// `body(i)` for every `i` in `0..<count` on up to `threads` threads, in index order.
    static func map<T: Sendable>(_ count: Int, threads: Int, _ body: @Sendable (Int) -> T) -> [T] {
        var results = [T?](repeating: nil, count: count)
        results.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            Parallel.forEach(count, threads: threads) { buffer[$0] = body($0) }
        }
        return results.map { $0! }
    }
}

import FluoCore

/// Two-dimensional views of stacks for the page: sections, sum projections and windows.
extension Volume {
    /// The section of a stack at `index` along `axis`, the other two axes kept in order:
    /// axis 0 gives a z-plane (y, x), axis 1 an XZ section (z, x), axis 2 a YZ section (z, y).
    func section(axis: Int, at index: Int) -> Volume {
        precondition(rank == 3 && (0..<shape[axis]).contains(index), "section \(index) along \(axis) outside \(shape)")
        let kept = (0..<3).filter { $0 != axis }
        var out = Volume(shape: kept.map { shape[$0] }, spacingUm: kept.map { spacingUm[$0] })
        var position = [0, 0, 0]
        position[axis] = index
        for a in 0..<shape[kept[0]] {
            for b in 0..<shape[kept[1]] {
                position[kept[0]] = a
                position[kept[1]] = b
                out.data[a * out.shape[1] + b] = data[flatIndex(position)]
            }
        }
        return out
    }

    /// The sum along `axis` of a stack (the projection that keeps the integral: its Fourier
    /// transform is the stack's transform on the plane of zero frequency along `axis`).
    func summed(along axis: Int) -> Volume {
        precondition(rank == 3, "summed(along:) needs a stack, got \(shape)")
        let kept = (0..<3).filter { $0 != axis }
        var out = Volume(shape: kept.map { shape[$0] }, spacingUm: kept.map { spacingUm[$0] })
        let (depth, rows, columns) = (shape[0], shape[1], shape[2])
        data.withUnsafeBufferPointer { source in
            out.data.withUnsafeMutableBufferPointer { sum in
                for z in 0..<depth {
                    for y in 0..<rows {
                        let row = (z * rows + y) * columns
                        for x in 0..<columns {
                            // (z, y, x) → the kept pair, row-major in `out`.
                            let target = axis == 0 ? y * columns + x : axis == 1 ? z * columns + x : z * rows + y
                            sum[target] += source[row + x]
                        }
                    }
                }
            }
        }
        return out
    }

    /// The samples of a 2-D image within `halfWidthUm` (per axis, in the spacing's units) of
    /// sample `centre` (infinity: the whole axis), and the index of the window's first sample per axis.
    func window(around centre: [Int], halfWidthUm: [Double]) -> (image: Volume, first: [Int]) {
        precondition(rank == 2, "window(around:) needs a 2-D image, got \(shape)")
        let ranges = (0..<2).map { axis -> Range<Int> in
            let half = Int(Swift.min(halfWidthUm[axis] / spacingUm[axis], Double(shape[axis])).rounded(.down))
            return Swift.max(0, centre[axis] - half) ..< Swift.min(shape[axis], centre[axis] + half + 1)
        }
        var out = Volume(shape: ranges.map(\.count), spacingUm: spacingUm)
        for (a, y) in ranges[0].enumerated() {
            for (b, x) in ranges[1].enumerated() { out.data[a * out.shape[1] + b] = self[y, x] }
        }
        return (out, ranges.map(\.lowerBound))
    }
}

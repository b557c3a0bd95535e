/// Max-pooling by 2 along every image axis (2×2 in 2-D, 2×2×2 in 3-D), as CARE's U-Net:
/// y[p] = max over the window of x; ∂x is ∂y at each window's first maximum (scan order z,
/// y, x) and 0 elsewhere. Image sizes must be even.
public final class MaxPool: Layer {
    private var output: Tensor?
    private var inputGradient: Tensor?
    private var inputShape: [Int] = []
    /// For every output element, the offset of its maximum within its input plane.
    private var argmax: [Int32] = []

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        let size = Size3(x.spatialShape)
        let is3D = x.spatialRank == 3
        precondition((!is3D || size.z % 2 == 0) && size.y % 2 == 0 && size.x % 2 == 0,
                     "MaxPool: image size \(x.spatialShape) is not divisible by 2")
        let out = Size3(z: is3D ? size.z / 2 : 1, y: size.y / 2, x: size.x / 2)
        let y = Tensor.reusing(output, shape: Array(x.shape[0..<2]) + (is3D ? [out.z, out.y, out.x] : [out.y, out.x]))
        output = y
        inputShape = x.shape
        if argmax.count != y.count { argmax = [Int32](repeating: 0, count: y.count) }
        let depth = is3D ? 2 : 1
        argmax.withUnsafeMutableBufferPointer { indices in
            nonisolated(unsafe) let indices = indices
            compute.parallel(x.batch * x.channels) { planeIndex, _ in
                let source = x.pointer + planeIndex * size.count
                let destination = y.pointer + planeIndex * out.count
                let index = indices.baseAddress! + planeIndex * out.count
                var o = 0
                for z in 0..<out.z {
                    for yy in 0..<out.y {
                        for xx in 0..<out.x {
                            var best = -Float.infinity, bestOffset = 0
                            for a in 0..<depth {
                                for b in 0..<2 {
                                    let rowOffset = ((z * depth + a) * size.y + yy * 2 + b) * size.x + xx * 2
                                    for e in 0..<2 where source[rowOffset + e] > best {
                                        best = source[rowOffset + e]
                                        bestOffset = rowOffset + e
                                    }
                                }
                            }
                            destination[o] = best
                            index[o] = Int32(bestOffset)
                            o += 1
                        }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        let dx = Tensor.reusing(inputGradient, shape: inputShape)
        inputGradient = dx
        let inPlane = dx.spatialCount, outPlane = dy.spatialCount
        argmax.withUnsafeBufferPointer { indices in
            nonisolated(unsafe) let indices = indices
            compute.parallel(dx.batch * dx.channels) { planeIndex, _ in
                let destination = dx.pointer + planeIndex * inPlane
                destination.update(repeating: 0, count: inPlane)
                let source = dy.pointer + planeIndex * outPlane
                let index = indices.baseAddress! + planeIndex * outPlane
                for o in 0..<outPlane { destination[Int(index[o])] = source[o] }
            }
        }
        return dx
    }
}

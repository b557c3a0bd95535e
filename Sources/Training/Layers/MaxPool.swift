/// Max-pooling by 2 along every image axis (2×2 in 2-D, 2×2×2 in 3-D), as CARE's U-Net:
/// y[p] = max over the window of x; ∂x is ∂y at each window's first maximum (scan order z,
/// y, x) and 0 elsewhere. Image sizes must be even.
///
/// Four outputs at a time: an 8-float load of an input row holds the even and odd pixels of
/// four windows (`evenHalf`, `oddHalf`), compared with SIMD selects (branch-free). Training
/// passes also record each maximum's position for the backward pass; inference passes do not.
public final class MaxPool: Layer {
    private var output: Tensor?
    private var inputGradient: Tensor?
    private var inputShape: [Int] = []
    /// For every output element, the offset of its maximum within its input plane (training passes).
    private var argmax: [Int32] = []
    private var argmaxValid = false

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
        argmaxValid = compute.training
        if compute.training && argmax.count != y.count { argmax = [Int32](repeating: 0, count: y.count) }
        let depth = is3D ? 2 : 1, inPlane = size.y * size.x
        argmax.withUnsafeMutableBufferPointer { indices in
            nonisolated(unsafe) let indices = compute.training ? indices.baseAddress : nil
            compute.parallel(x.batch * x.channels) { planeIndex, _ in
                let source = UnsafePointer(x.pointer + planeIndex * size.count)
                for z in 0..<out.z {
                    for yy in 0..<out.y {
                        let first = (z * out.y + yy) * out.x + planeIndex * out.count
                        let top = (z * depth * size.y + 2 * yy) * size.x   // window row (a, b) = (0, 0)
                        for xx in stride(from: 0, to: out.x, by: 4) {
                            let lanes = Swift.min(4, out.x - xx)
                            var best = SIMD4<Float>(repeating: -.infinity), code = SIMD4<Int32>.zero, candidate: Int32 = 0
                            // Candidates in scan order: code = (a·2 + b)·2 + e.
                            func consider(_ value: SIMD4<Float>) {
                                let larger = value .> best
                                best.replace(with: value, where: larger)
                                code.replace(with: candidate, where: larger)
                                candidate += 1
                            }
                            for a in 0..<depth {
                                for b in 0..<2 {
                                    let row = source + top + a * inPlane + b * size.x + 2 * xx
                                    let pixels = lanes == 4 ? row.load(SIMD8<Float>.self) : MaxPool.partial(row, count: 2 * lanes)
                                    consider(pixels.evenHalf)
                                    consider(pixels.oddHalf)
                                }
                            }
                            let lane = SIMD4<Int32>(0, 1, 2, 3)
                            let offsets = Int32(top + 2 * xx) &+ 2 &* lane &+ (code &>> 2) &* Int32(inPlane)
                                &+ ((code &>> 1) & 1) &* Int32(size.x) &+ (code & 1)
                            if lanes == 4 {
                                (y.pointer + first + xx).store(best)
                                if let indices { UnsafeMutableRawPointer(indices + first + xx).storeBytes(of: offsets, as: SIMD4<Int32>.self) }
                            } else {
                                for l in 0..<lanes {
                                    y.pointer[first + xx + l] = best[l]
                                    indices?[first + xx + l] = offsets[l]
                                }
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// The first `count` floats at `pointer`, the other lanes zero.
    private static func partial(_ pointer: UnsafePointer<Float>, count: Int) -> SIMD8<Float> {
        var vector = SIMD8<Float>.zero
        for i in 0..<count { vector[i] = pointer[i] }
        return vector
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        precondition(argmaxValid, "MaxPool.backward needs a training forward pass")
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

/// Nearest-neighbour upsampling by 2 along every image axis: y[p] = x[⌊p/2⌋];
/// ∂x[q] = Σ of ∂y over the 2×2 (2×2×2) block that copies x[q].
public final class Upsample: Layer {
    private var output: Tensor?
    private var inputGradient: Tensor?
    private var inputShape: [Int] = []

    public init() {}

    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor, _ compute: Compute) -> Tensor {
        inputShape = x.shape
        let small = Size3(x.spatialShape), is3D = x.spatialRank == 3
        let big = Size3(z: is3D ? small.z * 2 : 1, y: small.y * 2, x: small.x * 2)
        let y = Tensor.reusing(output, shape: Array(x.shape[0..<2]) + (is3D ? [big.z, big.y, big.x] : [big.y, big.x]))
        output = y
        compute.parallel(x.batch * x.channels) { planeIndex, _ in
            let source = x.pointer + planeIndex * small.count
            let destination = y.pointer + planeIndex * big.count
            for z in 0..<big.z {
                for row in 0..<big.y {
                    let line = destination + (z * big.y + row) * big.x
                    let from = source + ((is3D ? z / 2 : 0) * small.y + row / 2) * small.x
                    for column in 0..<big.x { line[column] = from[column >> 1] }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor, _ compute: Compute) -> Tensor {
        let dx = Tensor.reusing(inputGradient, shape: inputShape)
        inputGradient = dx
        let small = Size3(dx.spatialShape), big = Size3(dy.spatialShape), is3D = dx.spatialRank == 3
        compute.parallel(dx.batch * dx.channels) { planeIndex, _ in
            let destination = dx.pointer + planeIndex * small.count
            destination.update(repeating: 0, count: small.count)
            let source = dy.pointer + planeIndex * big.count
            for z in 0..<big.z {
                for row in 0..<big.y {
                    let line = source + (z * big.y + row) * big.x
                    let to = destination + ((is3D ? z / 2 : 0) * small.y + row / 2) * small.x
                    for column in 0..<big.x { to[column >> 1] += line[column] }
                }
            }
        }
        return dx
    }
}

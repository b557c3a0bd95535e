/// Element-wise helpers on equally shaped tensors.
enum Elementwise {
    /// y += x.
    static func add(_ x: Tensor, into y: Tensor, _ compute: Compute) {
        precondition(x.shape == y.shape, "add: shapes \(x.shape) and \(y.shape) differ")
        compute.parallelRanges(x.count) { range in
            for i in range { y.pointer[i] += x.pointer[i] }
        }
    }

    /// y = a·x + b (y may be x).
    static func affine(_ x: Tensor, scale a: Float, shift b: Float, into y: Tensor, _ compute: Compute) {
        precondition(x.shape == y.shape, "affine: shapes \(x.shape) and \(y.shape) differ")
        compute.parallelRanges(x.count) { range in
            for i in range { y.pointer[i] = a * x.pointer[i] + b }
        }
    }
}

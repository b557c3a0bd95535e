/// Unaligned SIMD loads and stores on float buffers, for the loops that LLVM does not vectorize
/// on its own (several output streams, float sums, conditional stores); the package builds for
/// baseline x86-64, so a SIMD4<Float> is one SSE register.
extension UnsafePointer where Pointee == Float {
    @inline(__always)
    func load<Vector: SIMD>(_: Vector.Type = SIMD4<Float>.self, at offset: Int = 0) -> Vector where Vector.Scalar == Float {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Vector.self)
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func load<Vector: SIMD>(_: Vector.Type = SIMD4<Float>.self, at offset: Int = 0) -> Vector where Vector.Scalar == Float {
        UnsafeRawPointer(self + offset).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    func store<Vector: SIMD>(_ vector: Vector, at offset: Int = 0) where Vector.Scalar == Float {
        UnsafeMutableRawPointer(self + offset).storeBytes(of: vector, as: Vector.self)
    }
}

enum SIMDSum {
    /// Σ values[0 ..< count] with eight lanes of partial sums (a fixed order, so the result is
    /// reproducible; float addition is not associative, so LLVM keeps a plain loop serial).
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>.zero, i = 0
        while i + 8 <= count {
            lanes += values.load(SIMD8<Float>.self, at: i)
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            total += values[i]
            i += 1
        }
        return total
    }

    /// Σ a[i]·b[i] over 0 ..< count, in the same fixed lane order as `sum`.
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>.zero, i = 0
        while i + 8 <= count {
            lanes += a.load(SIMD8<Float>.self, at: i) * b.load(SIMD8<Float>.self, at: i)
            i += 8
        }
        var total = lanes.sum()
        while i < count {
            total += a[i] * b[i]
            i += 1
        }
        return total
    }
}

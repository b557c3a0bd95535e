import Foundation

/// SSIM of a 2-D prediction plane against its target (Z. Wang et al., IEEE TIP 13, 600 (2004)),
/// as TensorFlow's `tf.image.ssim` computes it for DL-SR's loss: 11×11 Gaussian window of σ 1.5
/// over the "valid" positions (smaller when the plane is), C₁ = 0.01², C₂ = 0.03² (data range 1):
///
///     S = (2μₚμₜ + C₁)(2σₚₜ + C₂) / ((μₚ² + μₜ² + C₁)(σₚ² + σₜ² + C₂)),   SSIM = mean of S,
///
/// with μ, σ² and σₚₜ the window's weighted moments. The gradient: S depends on p through
/// μₚ = G⋆p, E[p²] = G⋆p² and E[pt] = G⋆(pt), with
/// ∂S/∂μₚ = S(2μₜ/A₁ − 2μₜ/A₂ − 2μₚ/B₁ + 2μₚ/B₂), ∂S/∂E[p²] = −S/B₂, ∂S/∂E[pt] = 2S/A₂
/// (A, B the numerator's and denominator's factors), so ∂SSIM/∂p = (Gᵀa_μ + 2p·Gᵀa_pp + t·Gᵀa_pt)/M
/// for M positions, Gᵀ the window spread back over the plane.
struct StructuralSimilarity {
    static let c1 = 1e-4, c2 = 9e-4
    let height: Int, width: Int
    /// The separable window and its size.
    let weights: [Double]
    var size: Int { weights.count }

    init(height: Int, width: Int) {
        self.height = height
        self.width = width
        var size = Swift.min(11, height, width)
        if size % 2 == 0 { size -= 1 }
        let raw = (0..<size).map { i -> Double in
            let d = Double(i - size / 2)
            return exp(-d * d / (2 * 1.5 * 1.5))
        }
        let total = raw.reduce(0, +)
        weights = raw.map { $0 / total }
    }

    /// The window applied at every valid position: (height − size + 1) × (width − size + 1).
    private func filter(_ values: [Double]) -> [Double] {
        let k = size, outHeight = height - k + 1, outWidth = width - k + 1
        var rows = [Double](repeating: 0, count: height * outWidth)
        for y in 0..<height {
            for x in 0..<outWidth {
                var total = 0.0
                for i in 0..<k { total += weights[i] * values[y * width + x + i] }
                rows[y * outWidth + x] = total
            }
        }
        var result = [Double](repeating: 0, count: outHeight * outWidth)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                var total = 0.0
                for i in 0..<k { total += weights[i] * rows[(y + i) * outWidth + x] }
                result[y * outWidth + x] = total
            }
        }
        return result
    }

    /// The adjoint of `filter`: each valid position's value spread over its window.
    private func spread(_ values: [Double]) -> [Double] {
        let k = size, outHeight = height - k + 1, outWidth = width - k + 1
        var rows = [Double](repeating: 0, count: height * outWidth)
        for y in 0..<outHeight {
            for x in 0..<outWidth {
                for i in 0..<k { rows[(y + i) * outWidth + x] += weights[i] * values[y * outWidth + x] }
            }
        }
        var result = [Double](repeating: 0, count: height * width)
        for y in 0..<height {
            for x in 0..<outWidth {
                for i in 0..<k { result[y * width + x + i] += weights[i] * rows[y * outWidth + x] }
            }
        }
        return result
    }

    /// SSIM of `p` against `t` (row-major planes) and ∂SSIM/∂p.
    func evaluate(_ p: UnsafePointer<Float>, _ t: UnsafePointer<Float>) -> (value: Double, gradient: [Double]) {
        let n = height * width
        let pd = (0..<n).map { Double(p[$0]) }, td = (0..<n).map { Double(t[$0]) }
        let mp = filter(pd), mt = filter(td)
        let epp = filter(pd.map { $0 * $0 }), ett = filter(td.map { $0 * $0 }), ept = filter(zip(pd, td).map { $0 * $1 })
        let m = mp.count
        var total = 0.0
        var am = [Double](repeating: 0, count: m), app = am, apt = am
        for i in 0..<m {
            let a1 = 2 * mp[i] * mt[i] + Self.c1, a2 = 2 * (ept[i] - mp[i] * mt[i]) + Self.c2
            let b1 = mp[i] * mp[i] + mt[i] * mt[i] + Self.c1, b2 = (epp[i] - mp[i] * mp[i]) + (ett[i] - mt[i] * mt[i]) + Self.c2
            let s = a1 * a2 / (b1 * b2)
            total += s
            am[i] = s * (2 * mt[i] / a1 - 2 * mt[i] / a2 - 2 * mp[i] / b1 + 2 * mp[i] / b2)
            app[i] = -s / b2
            apt[i] = 2 * s / a2
        }
        let gm = spread(am), gpp = spread(app), gpt = spread(apt)
        let gradient = (0..<n).map { (gm[$0] + 2 * pd[$0] * gpp[$0] + td[$0] * gpt[$0]) / Double(m) }
        return (total / Double(m), gradient)
    }
}

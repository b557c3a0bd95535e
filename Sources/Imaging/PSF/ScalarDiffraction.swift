import ComplexModule
import FluoCore
import Foundation

/// The scalar diffraction integral of a circular pupil, evaluated numerically:
///
///     U(r, z) = ∫₀¹ J₀(k·NA·r·ρ) · exp(i·k·W(ρ, z)) · ρ dρ,     I(r, z) = |U(r, z)|²,
///
/// with k = 2π/λ, ρ = sin θ / sin α the normalised pupil radius and W the optical path
/// difference in µm (Born & Wolf, *Principles of Optics*, §8.8; the layered-medium W of
/// S. F. Gibson and F. Lanni, JOSA A 9 (1992) 154–166, in the form of F. Aguet et al.,
/// Opt. Express 17 (2009) 6829). The ρ integral uses composite Simpson with at least 16
/// samples per oscillation of the integrand; where W has square-root branch points (the
/// critical angles of layers with an index below the NA), each segment between them is
/// integrated after the substitution ρ = a + (b − a)(3v² − 2v³), whose zero slope at both
/// ends makes the integrand smooth there (plain Simpson converges only as h^1.5 across such a
/// point: 3 % off at the peak for NA 1.4 into water).
struct ScalarDiffraction: Sendable {
    var na: Double
    var wavelengthUm: Double
    /// Pupil radii in (0, 1) where W has a square-root branch point, n/NA for each index n < NA.
    var branchPoints: [Double] = []
    /// W(ρ, z) in µm for pupil radius ρ ∈ [0, 1] and plane offset z (µm); complex where a
    /// ray is evanescent in one layer (the imaginary part makes it decay).
    var pathDifference: @Sendable (_ rho: Double, _ zUm: Double) -> Complex<Double>
    /// The vectorial model's pupil factors (f₀, f₁, f₂) at ρ: then
    /// I = |∫J₀f₀e^{ikW}ρdρ|² + 2|∫J₁f₁e^{ikW}ρdρ|² + |∫J₂f₂e^{ikW}ρdρ|²; `nil` for the scalar
    /// model (f₀ = 1 alone).
    var vectorialFactors: (@Sendable (_ rho: Double) -> (Complex<Double>, Complex<Double>, Complex<Double>))?

    init(na: Double, wavelengthUm: Double, branchPoints: [Double] = [],
         vectorialFactors: (@Sendable (_ rho: Double) -> (Complex<Double>, Complex<Double>, Complex<Double>))? = nil,
         pathDifference: @escaping @Sendable (_ rho: Double, _ zUm: Double) -> Complex<Double>) {
        self.na = na
        self.wavelengthUm = wavelengthUm
        self.branchPoints = Array(Set(branchPoints.filter { $0 > 0 && $0 < 1 })).sorted()
        self.vectorialFactors = vectorialFactors
        self.pathDifference = pathDifference
    }

    /// Pupil radii and weights for ∫₀¹ f(ρ) dρ with about `intervals` Simpson intervals:
    /// plain Simpson without branch points, else per segment between them (each at least 16
    /// intervals, shared by length) on the smoothing substitution.
    static func quadrature(intervals: Int, branchPoints: [Double]) -> (rho: [Double], weight: [Double]) {
        func simpson(_ n: Int) -> [Double] {
            (0...n).map { j in (j == 0 || j == n) ? 1 / Double(3 * n) : (j % 2 == 1 ? 4 : 2) / Double(3 * n) }
        }
        guard !branchPoints.isEmpty else {
            return ((0...intervals).map { Double($0) / Double(intervals) }, simpson(intervals))
        }
        var rho: [Double] = [], weight: [Double] = []
        let edges = [0] + branchPoints + [1]
        for (a, b) in zip(edges, edges.dropFirst()) {
            var n = Swift.max(16, Int((Double(intervals) * (b - a)).rounded(.up)))
            n += n % 2
            for (j, w) in simpson(n).enumerated() {
                let v = Double(j) / Double(n)
                rho.append(a + (b - a) * v * v * (3 - 2 * v))
                weight.append(w * (b - a) * 6 * v * (1 - v))
            }
        }
        return (rho, weight)
    }

    /// The intensity on the lateral grid supersampled `factor` times per axis: planes of
    /// (ny·factor) × (nx·factor) samples, one per entry of `grid.planeOffsetsUm`, with the
    /// sub-pixel centres placed so that binning `factor × factor` blocks integrates each pixel.
    func intensity(on grid: PSFGrid, supersampling factor: Int, threads: Int) -> [Float] {
        let k = 2 * Double.pi / wavelengthUm
        let (dy, dx) = grid.lateralSpacingUm
        let ny = grid.shape[grid.rank - 2], nx = grid.shape[grid.rank - 1]
        let fine = LateralSupersampling(ny: ny, nx: nx, dyUm: dy, dxUm: dx, factor: factor)
        let planes = grid.planeOffsetsUm

        // Radial samples: half the sub-pixel, out past the farthest corner.
        let dr = Swift.min(dy, dx) / Double(factor) / 2
        let radiusCount = Int((fine.maxRadiusUm / dr).rounded(.up)) + 2

        // Enough pupil samples for the fastest oscillation over all planes.
        let besselSpan = k * na * Double(radiusCount) * dr
        let phaseSpan = planes.map { z in
            (1...256).reduce(0.0) { total, step in
                let a = pathDifference(Double(step - 1) / 256, z).real
                let b = pathDifference(Double(step) / 256, z).real
                return total + Swift.abs(b - a)
            } * k
        }.max() ?? 0
        var intervals = Swift.max(64, Int((8 * (besselSpan + phaseSpan) / Double.pi).rounded(.up)))
        intervals += intervals % 2
        let (rho, simpson) = Self.quadrature(intervals: intervals, branchPoints: branchPoints)

        // Bessel tables shared by all planes: table[m][ri * columns + j] = J_m(k·NA·r_i·ρ_j),
        // m = 0 (and 1, 2 for the vectorial model), with their weights in the intensity.
        let columns = rho.count
        let orders = vectorialFactors == nil ? [0] : [0, 1, 2]
        let orderWeights: [Double] = vectorialFactors == nil ? [1] : [1, 2, 1]
        let tables = orders.map { order in
            (0..<radiusCount * columns).map { i in Foundation.jn(Int32(order), k * na * Double(i / columns) * dr * rho[i % columns]) }
        }
        // Pupil factors (1 for the scalar model), times the quadrature weight and ρ.
        let factors: [[Complex<Double>]] = (0..<columns).map { j in
            guard let vectorialFactors else { return [Complex(simpson[j] * rho[j])] }
            let (f0, f1, f2) = vectorialFactors(rho[j])
            return [f0, f1, f2].map { $0 * Complex(simpson[j] * rho[j]) }
        }

        let planeSize = fine.count
        var output = [Float](repeating: 0, count: planes.count * planeSize)
        output.withUnsafeMutableBufferPointer { out in
            nonisolated(unsafe) let out = out
            Parallel.forEach(planes.count, threads: threads) { plane in
                // e^{ikW} at each pupil radius for this plane (decaying where W is complex).
                let phase = (0..<columns).map { j -> Complex<Double> in
                    let w = pathDifference(rho[j], planes[plane])
                    let amplitude = Foundation.exp(-k * w.imaginary)
                    return Complex(amplitude * Foundation.cos(k * w.real), amplitude * Foundation.sin(k * w.real))
                }
                var profile = [Double](repeating: 0, count: radiusCount)
                for m in orders.indices {
                    // The order's pupil function.
                    var re = [Double](repeating: 0, count: columns)
                    var im = [Double](repeating: 0, count: columns)
                    for j in 0..<columns {
                        let a = factors[j][m] * phase[j]
                        re[j] = a.real
                        im[j] = a.imaginary
                    }
                    tables[m].withUnsafeBufferPointer { table in
                        for ri in 0..<radiusCount {
                            var sumRe = 0.0, sumIm = 0.0
                            let row = ri * columns
                            for j in 0..<columns {
                                sumRe += table[row + j] * re[j]
                                sumIm += table[row + j] * im[j]
                            }
                            profile[ri] += orderWeights[m] * (sumRe * sumRe + sumIm * sumIm)
                        }
                    }
                }
                fine.fill(out.baseAddress! + plane * planeSize) { radius in
                    let position = radius / dr
                    let index = Swift.min(Int(position), radiusCount - 2)
                    let t = position - Double(index)
                    return profile[index] * (1 - t) + profile[index + 1] * t
                }
            }
        }
        return output
    }
}

/// The lateral sub-pixel grid of a PSF: `factor × factor` samples per pixel, centred so that
/// the mean of each block is the pixel's integral and, for odd factors, the centre sample of
/// the centre pixel sits exactly on the source.
struct LateralSupersampling: Sendable {
    let ny, nx: Int
    let dyUm, dxUm: Double
    let factor: Int

    var fineY: Int { ny * factor }
    var fineX: Int { nx * factor }
    var count: Int { fineY * fineX }

    /// Position of fine sample `index` along an axis of `n` pixels of size `d`, relative to the source.
    func offsetUm(_ index: Int, pixels n: Int, spacing d: Double) -> Double {
        let pixel = index / factor, sub = index % factor
        return (Double(pixel - n / 2) + (Double(sub) + 0.5) / Double(factor) - 0.5) * d
    }

    /// Distance from the source of the farthest fine sample.
    var maxRadiusUm: Double {
        let y = Swift.max(Swift.abs(offsetUm(0, pixels: ny, spacing: dyUm)), Swift.abs(offsetUm(fineY - 1, pixels: ny, spacing: dyUm)))
        let x = Swift.max(Swift.abs(offsetUm(0, pixels: nx, spacing: dxUm)), Swift.abs(offsetUm(fineX - 1, pixels: nx, spacing: dxUm)))
        return (y * y + x * x).squareRoot()
    }

    /// Writes `value(radius)` for every fine sample into `plane` (fineY × fineX, x fastest).
    func fill(_ plane: UnsafeMutablePointer<Float>, value: (Double) -> Double) {
        for fy in 0..<fineY {
            let y = offsetUm(fy, pixels: ny, spacing: dyUm)
            for fx in 0..<fineX {
                let x = offsetUm(fx, pixels: nx, spacing: dxUm)
                plane[fy * fineX + fx] = Float(value((y * y + x * x).squareRoot()))
            }
        }
    }

    /// Averages each `factor × factor` block of `planes` (stacked fine planes) into one pixel.
    func bin(_ planes: [Float], planeCount: Int) -> [Float] {
        if factor == 1 { return planes }
        var out = [Float](repeating: 0, count: planeCount * ny * nx)
        let norm = 1 / Double(factor * factor)
        for p in 0..<planeCount {
            let base = p * count
            for y in 0..<ny {
                for x in 0..<nx {
                    var total = 0.0
                    for a in 0..<factor {
                        let row = base + (y * factor + a) * fineX + x * factor
                        for b in 0..<factor { total += Double(planes[row + b]) }
                    }
                    out[(p * ny + y) * nx + x] = Float(total * norm)
                }
            }
        }
        return out
    }
}

import FluoCore
import Foundation
import Imaging

/// The self-supervised loss of adaptation on one batch of network outputs f (on the ground
/// truth's grid) against recorrupted targets ỹ (on the camera's grid):
///
///     m = D(h ⊛ f)                       the network's image re-blurred and re-sampled
///     L_fwd = (1/N) Σ |a·m + b − t|       t = ỹ − haze, normalised like the input
///     L_H = λ·(½⟨f_xx²⟩ + ½⟨f_yy²⟩ + ⟨f_xy²⟩)   Hessian penalty (ZS-DeconvNet, λ = 0.02)
///
/// h is the PSF (zero boundary), D averages `factor`×`factor` blocks (a camera pixel), the
/// haze map (calibrated diffuse light) is taken off the target so the network need not
/// produce it, and (a, b) is the least-squares affine map of m onto t over the batch, held
/// fixed for the gradient: the network's output is in its own units. f and the gradient are
/// (n, h·factor + 2·margin) images; only the central `factor`·h pixels are compared.
public struct ForwardModelLoss {
    public let psf: Volume
    public let factor: Int
    /// Fine-grid pixels on each side of f left out of the comparison (convolution borders).
    public let margin: Int
    public let hessianWeight: Double
    private let blur: FFTConvolver, adjoint: FFTConvolver

    /// `fineShape`: the (y, x) shape of each network output.
    public init(psf: Volume, fineShape: [Int], factor: Int, margin: Int, hessianWeight: Double = 0.02) throws {
        guard psf.rank == 2, psf.shape.allSatisfy({ $0 % 2 == 1 }) else {
            throw ImagingError.mismatch("the forward model needs a 2-D PSF of odd size, got \(psf.shape)")
        }
        self.psf = psf
        self.factor = factor
        self.margin = margin
        self.hessianWeight = hessianWeight
        blur = try FFTConvolver(kernel: psf, imageShape: fineShape)
        // The adjoint of a zero-boundary convolution is the correlation: convolution with the
        // kernel mirrored about its centre (odd sizes keep the centre in place).
        var mirrored = psf
        mirrored.data = psf.data.reversed()
        adjoint = try FFTConvolver(kernel: mirrored, imageShape: fineShape)
    }

    /// The comparison region of the camera grid for outputs of `fineShape`.
    public func coarseShape(fineShape: [Int]) -> [Int] { fineShape.map { ($0 - 2 * margin) / factor } }

    /// Loss value and ∂L/∂f for outputs `outputs` against `targets` (camera grid, already
    /// normalised and with the haze removed); `affine` fixes (a, b) instead of fitting them.
    public func evaluate(outputs: [Volume], targets: [Volume], affine: (a: Double, b: Double)? = nil) throws
        -> (value: Double, forward: Double, hessian: Double, gradient: [Volume]) {
        let models = outputs.map { resample(blur.apply($0)) }
        let n = Double(models.reduce(0) { $0 + $1.count })
        let (a, b) = affine ?? ForwardModelLoss.affineFit(models, targets)
        var forward = 0.0
        var gradients: [Volume] = []
        for (index, (m, t)) in zip(models, targets).enumerated() {
            var dm = m
            for i in 0..<m.count {
                let r = a * Double(m.data[i]) + b - Double(t.data[i])
                forward += abs(r)
                dm.data[i] = Float((r > 0 ? a : r < 0 ? -a : 0) / n)
            }
            var df = adjoint.apply(resampleAdjoint(dm, fineShape: outputs[index].shape))
            hessianTerm(outputs[index], gradient: &df, count: Double(outputs.count))
            gradients.append(df)
        }
        let hessian = outputs.reduce(0.0) { $0 + hessianValue($1) } / Double(outputs.count)
        return (forward / n + hessian, forward / n, hessian, gradients)
    }

    /// The least-squares (a, b) of a·m + b ≈ t over every pixel of the batch.
    static func affineFit(_ models: [Volume], _ targets: [Volume]) -> (Double, Double) {
        var sm = 0.0, st = 0.0, smm = 0.0, smt = 0.0, n = 0.0
        for (m, t) in zip(models, targets) {
            for i in 0..<m.count {
                let p = Double(m.data[i]), q = Double(t.data[i])
                sm += p; st += q; smm += p * p; smt += p * q; n += 1
            }
        }
        let variance = smm / n - (sm / n) * (sm / n)
        let a = variance > 1e-12 ? (smt / n - sm / n * st / n) / variance : 1
        return (a, st / n - a * sm / n)
    }

    /// D: the central region's `factor`×`factor` block means.
    func resample(_ fine: Volume) -> Volume {
        let nx = fine.shape[1], coarse = coarseShape(fineShape: fine.shape)
        var out = Volume(shape: coarse)
        let weight = 1 / Float(factor * factor)
        for y in 0..<coarse[0] {
            for x in 0..<coarse[1] {
                var sum: Float = 0
                for dy in 0..<factor {
                    for dx in 0..<factor { sum += fine.data[(margin + y * factor + dy) * nx + margin + x * factor + dx] }
                }
                out.data[y * coarse[1] + x] = sum * weight
            }
        }
        return out
    }

    /// Dᵀ: each coarse value spread evenly over its block; zero in the margins.
    func resampleAdjoint(_ coarse: Volume, fineShape: [Int]) -> Volume {
        var fine = Volume(shape: fineShape)
        let nx = fineShape[1], weight = 1 / Float(factor * factor)
        for y in 0..<coarse.shape[0] {
            for x in 0..<coarse.shape[1] {
                let value = coarse.data[y * coarse.shape[1] + x] * weight
                for dy in 0..<factor {
                    for dx in 0..<factor { fine.data[(margin + y * factor + dy) * nx + margin + x * factor + dx] = value }
                }
            }
        }
        return fine
    }

    /// Second differences at the interior pixels of the compared region.
    private func differences(_ f: Volume, _ body: (Int, Float, Float, Float) -> Void) {
        let nx = f.shape[1]
        for y in (margin + 1)..<(f.shape[0] - margin - 1) {
            for x in (margin + 1)..<(nx - margin - 1) {
                let i = y * nx + x
                let xx = f.data[i - 1] - 2 * f.data[i] + f.data[i + 1]
                let yy = f.data[i - nx] - 2 * f.data[i] + f.data[i + nx]
                let xy = (f.data[i + nx + 1] - f.data[i + nx - 1] - f.data[i - nx + 1] + f.data[i - nx - 1]) / 4
                body(i, xx, yy, xy)
            }
        }
    }

    private func interiorCount(_ f: Volume) -> Double { Double((f.shape[0] - 2 * margin - 2) * (f.shape[1] - 2 * margin - 2)) }

    func hessianValue(_ f: Volume) -> Double {
        var sum = 0.0
        differences(f) { _, xx, yy, xy in sum += 0.5 * Double(xx * xx) + 0.5 * Double(yy * yy) + Double(xy * xy) }
        return hessianWeight * sum / interiorCount(f)
    }

    /// Adds ∂L_H/∂f (the batch mean's share, 1/`count`) to `gradient`.
    func hessianTerm(_ f: Volume, gradient: inout Volume, count: Double) {
        let nx = f.shape[1], scale = Float(hessianWeight / (interiorCount(f) * count))
        differences(f) { i, xx, yy, xy in
            // ½xx² → xx·∂xx; ∂xx/∂f = (1, −2, 1) along x; likewise y; xy² → 2xy·(±¼) at the corners.
            gradient.data[i - 1] += scale * xx; gradient.data[i] -= 2 * scale * xx; gradient.data[i + 1] += scale * xx
            gradient.data[i - nx] += scale * yy; gradient.data[i] -= 2 * scale * yy; gradient.data[i + nx] += scale * yy
            let c = scale * xy / 2
            gradient.data[i + nx + 1] += c; gradient.data[i + nx - 1] -= c; gradient.data[i - nx + 1] -= c; gradient.data[i - nx - 1] += c
        }
    }
}

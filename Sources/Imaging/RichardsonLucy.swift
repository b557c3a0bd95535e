import FluoCore
import Foundation

/// What a Richardson–Lucy run does: iterations, regularisation, background and boundary.
public struct RichardsonLucyParameters: Codable, Equatable, Sendable {
    /// Number of multiplicative updates.
    public var iterations: Int
    /// Total-variation weight λ (0: plain Richardson–Lucy). Must stay below 1/(2·rank), which
    /// keeps the regularising divisor 1 − λ·div(∇u/|∇u|) positive (|div| ≤ 2·rank).
    public var tvWeight: Double
    /// Constant background b in the image model d ~ Poisson(H u + b), in the data's units (a
    /// camera offset, say); it is not deconvolved.
    public var background: Double
    /// What lies outside the image: `.periodic` conserves total intensity exactly; `.zero`
    /// pads (no wrap-around) and divides by Hᵀ1 so the edges are not darkened.
    public var boundary: FFTConvolver.Boundary

    public init(iterations: Int = 20, tvWeight: Double = 0, background: Double = 0, boundary: FFTConvolver.Boundary = .zero) {
        self.iterations = iterations
        self.tvWeight = tvWeight
        self.background = background
        self.boundary = boundary
    }

    public enum CodingKeys: String, CodingKey {
        case iterations
        case tvWeight = "tv_weight"
        case background
        case boundary
    }

    /// Checks the ranges (λ against the image rank).
    public func validate(rank: Int) throws {
        guard iterations >= 1 else { throw ImagingError.invalidParameter("iterations", "must be at least 1, got \(iterations)") }
        let limit = 1 / Double(2 * rank)
        guard tvWeight >= 0 && tvWeight < limit else {
            throw ImagingError.invalidParameter("tv", "must lie in [0, \(limit)) for a \(rank)-D image, got \(tvWeight)")
        }
        guard background >= 0 && background.isFinite else {
            throw ImagingError.invalidParameter("background", "must be a non-negative level, got \(background)")
        }
    }
}

/// Richardson–Lucy deconvolution (W. H. Richardson, JOSA 62, 55 (1972); L. B. Lucy, AJ 79, 745
/// (1974)), the maximum-likelihood estimate under Poisson noise, with optional total-variation
/// regularisation (N. Dey et al., Microsc. Res. Tech. 69, 260 (2006)):
///
///     u₀ = mean(d − b)  (a flat, positive start)
///     u_{k+1} = u_k / (1 − λ·div(∇u_k/|∇u_k|)) · Hᵀ(d / (H u_k + b)) / Hᵀ1
///
/// H is convolution with the PSF (unit sum, origin at n/2, `FFTConvolver`), Hᵀ the correlation
/// with it (convolution with the PSF mirrored about its origin). The data are clipped at 0 so the
/// estimate stays non-negative. ∇ uses forward and div backward differences in samples (not
/// µm), |∇u| = √(Σ (∂u)² + ε²) with ε = 10⁻⁶ of the data's mean. Hᵀ1 is 1 for a periodic boundary, so
/// with b = 0 and λ = 0 every update keeps Σu = Σd.
public final class RichardsonLucy: @unchecked Sendable {
    public let parameters: RichardsonLucyParameters
    public let imageShape: [Int]
    private let blur: FFTConvolver
    private let adjoint: FFTConvolver
    /// Hᵀ1 (nil for a periodic boundary, where it is 1).
    private let adjointOfOne: [Float]?

    /// Prepares deconvolution of `imageShape` images by `psf` (same rank, any size; it is
    /// normalised to unit sum here). `threads` as `FFTConvolver`.
    public init(psf: Volume, imageShape: [Int], parameters: RichardsonLucyParameters, threads: Int = 1) throws {
        try parameters.validate(rank: imageShape.count)
        let total = psf.sum()
        guard total > 0, total.isFinite else { throw ImagingError.invalidParameter("psf", "must have a positive sum, got \(total)") }
        var kernel = psf
        kernel.scale(by: Float(1 / total))
        self.parameters = parameters
        self.imageShape = imageShape
        blur = try FFTConvolver(kernel: kernel, imageShape: imageShape, boundary: parameters.boundary, threads: threads)
        adjoint = try FFTConvolver(kernel: RichardsonLucy.mirrored(kernel), imageShape: imageShape,
                                   boundary: parameters.boundary, threads: threads)
        if parameters.boundary == .zero {
            adjointOfOne = adjoint.apply(Volume(shape: imageShape, repeating: 1)).data.map { Swift.max($0, 1e-6) }
        } else {
            adjointOfOne = nil
        }
    }

    /// The deconvolved image after `parameters.iterations` updates; `observer` sees each
    /// iterate with its number (1…).
    public func run(_ data: Volume, observer: ((Int, Volume) -> Void)? = nil) -> Volume {
        var estimate = initialEstimate(data)
        for iteration in 1...parameters.iterations {
            estimate = update(estimate, data: data)
            observer?(iteration, estimate)
        }
        return estimate
    }

    /// u₀: the mean of the background-free data everywhere (at least a tiny positive value).
    public func initialEstimate(_ data: Volume) -> Volume {
        precondition(data.shape == imageShape, "RichardsonLucy made for \(imageShape), given \(data.shape)")
        let level = Swift.max(data.mean() - parameters.background, 1e-6)
        return Volume(shape: data.shape, spacingUm: data.spacingUm, repeating: Float(level))
    }

    /// One multiplicative update of `estimate` towards `data`.
    public func update(_ estimate: Volume, data: Volume) -> Volume {
        precondition(data.shape == imageShape && estimate.shape == imageShape, "RichardsonLucy made for \(imageShape), given \(data.shape)")
        let background = Float(parameters.background)
        var ratio = blur.apply(estimate)
        for i in 0..<ratio.count {
            let predicted = ratio.data[i] + background
            ratio.data[i] = predicted > 0 ? Swift.max(data.data[i], 0) / predicted : 0
        }
        let correction = adjoint.apply(ratio)
        let divisor = parameters.tvWeight > 0 ? totalVariationDivisor(estimate, scale: data.mean()) : nil
        var next = estimate
        for i in 0..<next.count {
            var factor = correction.data[i]
            if let adjointOfOne { factor /= adjointOfOne[i] }
            if let divisor { factor /= divisor[i] }
            next.data[i] = Swift.max(estimate.data[i] * factor, 0)
        }
        return next
    }

    /// 1 − λ·div(∇u/|∇u|) per sample (Dey et al.'s regularising divisor).
    func totalVariationDivisor(_ u: Volume, scale: Double) -> [Float] {
        let strides = u.strides, count = u.count
        let epsilon = Swift.max(1e-6 * abs(scale), 1e-12)
        // Forward differences per axis (zero at the far edge), then n = ∇u/|∇u| in place.
        var normal = (0..<u.rank).map { axis -> [Double] in
            let step = strides[axis], n = u.shape[axis]
            return (0..<count).map { i in (i / step) % n < n - 1 ? Double(u.data[i + step] - u.data[i]) : 0 }
        }
        for i in 0..<count {
            var squares = epsilon * epsilon
            for axis in normal.indices { squares += normal[axis][i] * normal[axis][i] }
            let inverse = 1 / squares.squareRoot()
            for axis in normal.indices { normal[axis][i] *= inverse }
        }
        // div n with backward differences (the negative adjoint of the forward gradient).
        var divisor = [Float](repeating: 1, count: count)
        for axis in normal.indices {
            let step = strides[axis], n = u.shape[axis], component = normal[axis]
            for i in 0..<count {
                let divergence = component[i] - ((i / step) % n > 0 ? component[i - step] : 0)
                divisor[i] -= Float(parameters.tvWeight * divergence)
            }
        }
        return divisor
    }

    /// The PSF mirrored about its origin (index n/2 per axis): k'(j) = k(2c − j) on a grid of
    /// 2c + 1 samples, so correlation with k is convolution with k'.
    static func mirrored(_ kernel: Volume) -> Volume {
        let centre = kernel.shape.map { $0 / 2 }
        let shape = centre.map { 2 * $0 + 1 }
        var out = Volume(shape: shape, spacingUm: kernel.spacingUm)
        let strides = out.strides
        for flat in 0..<out.count {
            var source = 0, inside = true
            for axis in 0..<shape.count {
                let j = (flat / strides[axis]) % shape[axis]
                let k = 2 * centre[axis] - j
                if k >= kernel.shape[axis] { inside = false; break }
                source = source * kernel.shape[axis] + k
            }
            if inside { out.data[flat] = kernel.data[source] }
        }
        return out
    }
}

import FluoCore
import Foundation

/// The photon-transfer curve of a camera from repeated frames of a still scene (J. R. Janesick,
/// "Photon Transfer", SPIE 2007), optionally with frames taken in the dark.
///
/// Per pixel, the mean over the T frames and the temporal variance from differences of
/// consecutive frames,
///
///     v = Σₜ (Fₜ₊₁ − Fₜ)² / (2(T − 1)),
///
/// which cancels everything that does not change between frames (the scene, fixed-pattern
/// offsets and gains). Pixels sorted by mean form level sets (`LevelSets.fromVariances`), and
/// Var[S] = g·(E[S] − O) + σ_r² is fitted through them. Dark frames fix the offset O (their
/// mean) and the read variance σ_r² (their temporal variance), leaving the gain alone to fit;
/// without them the offset must be given.
public struct PhotonTransfer: Sendable {
    public var levelSets: [LevelSet]
    public var model: CameraNoiseModel
    /// The read variance measured in the dark (ADU²), if dark frames were given.
    public var darkVariance: Double?

    /// `frames`: a stack (T, y, x) of T ≥ 2 frames of the same scene. `dark`: a stack of frames
    /// without light, or nil with `offsetADU` given.
    public init(frames: Volume, dark: Volume? = nil, offsetADU: Double? = nil, perSet: Int = 500) throws {
        let lit = try PixelStatistics(frames, name: "frames")
        guard lit.pixels >= 4 * perSet else {
            throw CalibrationError.insufficientData("the frames have \(lit.pixels) pixels; the photon-transfer curve needs at least \(4 * perSet)")
        }
        levelSets = LevelSets.fromVariances(levels: lit.mean, variances: lit.variance, perSet: perSet)
        let x = levelSets.map(\.meanADU), y = levelSets.map(\.variance), w = levelSets.map(\.weight)
        if let dark {
            let d = try PixelStatistics(dark, name: "dark frames")
            guard d.pixels == lit.pixels else {
                throw CalibrationError.mismatch("dark frames of \(d.pixels) pixels for frames of \(lit.pixels)")
            }
            let offset = d.mean.reduce(0, +) / Double(d.pixels)
            let read = d.variance.reduce(0, +) / Double(d.pixels)
            // Var − σ_r² = g·(mean − O): a line through the origin in (mean − O).
            let line = try RobustLine(x: x.map { $0 - offset }, y: y.map { $0 - read }, weights: w, fixedIntercept: 0)
            model = CameraNoiseModel(gainADUPerE: line.slope, offsetADU: offset, readNoiseADU: read.squareRoot())
            darkVariance = read
        } else if let offsetADU {
            let line = try RobustLine(x: x.map { $0 - offsetADU }, y: y, weights: w)
            model = CameraNoiseModel(gainADUPerE: line.slope, offsetADU: offsetADU, readNoiseADU: Swift.max(line.intercept, 0).squareRoot())
            darkVariance = nil
        } else {
            throw CalibrationError.insufficientData("the offset cannot be told apart from the read noise without dark frames: give dark frames or the offset")
        }
    }
}

/// Per-pixel temporal mean and variance (from consecutive differences) of a frame stack.
struct PixelStatistics {
    var mean: [Double], variance: [Double]
    var pixels: Int { mean.count }

    init(_ stack: Volume, name: String) throws {
        guard stack.rank == 3, stack.shape[0] >= 2 else {
            throw CalibrationError.mismatch("\(name): need a stack (frames, y, x) of at least 2 frames, got shape \(stack.shape)")
        }
        let frames = stack.shape[0], pixels = stack.count / frames
        mean = [Double](repeating: 0, count: pixels)
        variance = mean
        for t in 0..<frames {
            for p in 0..<pixels { mean[p] += Double(stack.data[t * pixels + p]) }
            guard t > 0 else { continue }
            for p in 0..<pixels {
                let d = Double(stack.data[t * pixels + p]) - Double(stack.data[(t - 1) * pixels + p])
                variance[p] += d * d
            }
        }
        for p in 0..<pixels {
            mean[p] /= Double(frames)
            variance[p] /= Double(2 * (frames - 1))
        }
    }
}

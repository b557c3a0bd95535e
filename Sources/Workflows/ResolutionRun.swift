import DataIO
import FluoCore
import Foundation
import Metrics

/// Resolution estimates of real images, which have no ground truth.
public struct ResolutionReport: Codable, Equatable, Sendable {
    /// The analysed file and, for stacks, the z plane.
    public var image: String
    public var plane: Int?
    public var pixelSizeUm: Double
    /// Decorrelation analysis of the first image.
    public var decorrelation: DecorrelationAnalysis.Result
    /// FRC of the two realisations, when a second was given.
    public var frc: FourierRingCorrelation?

    public enum CodingKeys: String, CodingKey {
        case image, plane
        case pixelSizeUm = "pixel_size_um"
        case decorrelation, frc
    }

    /// Lines for the terminal.
    public var lines: [String] {
        var result = ["\(image)\(plane.map { " (plane \($0))" } ?? ""): pixel \(Format.um(pixelSizeUm))",
                      "decorrelation  \(Format.um(decorrelation.resolutionUm))   (kc \(String(format: "%.3f", decorrelation.cutoff)) of Nyquist, A0 \(String(format: "%.3f", decorrelation.amplitude)))"]
        if let frc {
            if let resolution = frc.resolutionUm {
                result.append("FRC (\(frc.threshold.rawValue))     \(Format.um(resolution))")
            } else {
                result.append("FRC (\(frc.threshold.rawValue))     stays above the threshold up to Nyquist: ≤ \(Format.um(2 * pixelSizeUm))")
            }
        }
        return result
    }
}

/// `fluosynth resolution`: decorrelation analysis of one image and, given a second noisy
/// realisation of the same field, their Fourier ring correlation.
public enum ResolutionRun {
    /// Analyses `image` (plane `plane` of a stack, default the middle one), and with `second`
    /// the FRC of the pair; `pixelSizeUm` overrides the files' pixel size.
    public static func run(image: String, second: String? = nil, plane: Int? = nil, pixelSizeUm: Double? = nil,
                           threshold: FourierRingCorrelation.Threshold = .oneSeventh,
                           analysis: DecorrelationAnalysis = DecorrelationAnalysis()) throws -> ResolutionReport {
        let (first, index) = try load(image, plane: plane, pixelSizeUm: pixelSizeUm)
        let decorrelation: DecorrelationAnalysis.Result
        do {
            decorrelation = try analysis.estimate(first)
        } catch let error as MetricsError {
            throw WorkflowError.mismatch("\(image): \(error)")
        }
        var frc: FourierRingCorrelation?
        if let second {
            let (other, _) = try load(second, plane: plane, pixelSizeUm: pixelSizeUm)
            do {
                frc = try FourierRingCorrelation(first, other, threshold: threshold)
            } catch let error as MetricsError {
                throw WorkflowError.mismatch("\(image) and \(second): \(error)")
            }
        }
        return ResolutionReport(image: image, plane: index, pixelSizeUm: first.spacingUm.max()!, decorrelation: decorrelation, frc: frc)
    }

    /// The 2-D image to analyse: the file itself or one plane of a stack.
    static func load(_ path: String, plane: Int?, pixelSizeUm: Double?) throws -> (Volume, Int?) {
        let volume = try TIFFReader.read(path).volume()
        var image = volume, index: Int?
        if volume.rank == 3 {
            let z = plane ?? volume.shape[0] / 2
            guard (0..<volume.shape[0]).contains(z) else {
                throw WorkflowError.mismatch("\(path): plane \(z) outside the stack's \(volume.shape[0]) planes")
            }
            image = volume.plane(z)
            index = z
        }
        guard image.rank == 2 else { throw WorkflowError.mismatch("\(path): needs a 2-D image or a stack, got shape \(volume.shape)") }
        if let pixelSizeUm { image.spacingUm = [pixelSizeUm, pixelSizeUm] }
        return (image, index)
    }
}

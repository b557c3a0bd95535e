import Foundation

/// Mean and sample standard deviation of the CARE scores of one method over several images.
///
/// Encoded flat, so a summary reads `{"nrmse": 0.05, "ssim": 0.91, "psnr": 26.0, "ms_ssim": 0.97,
/// "sd": {"nrmse": …, …}, "images": 12}`: the means under the score names.
public struct ScoreSummary: Codable, Equatable, Sendable {
    public var images: Int
    public var mean: CAREEvaluation.Scores
    /// Sample standard deviation (n − 1); 0 for a single image.
    public var sd: CAREEvaluation.Scores

    /// The summary of `scores` (at least one).
    public init(_ scores: [CAREEvaluation.Scores]) {
        precondition(!scores.isEmpty, "ScoreSummary: no scores")
        images = scores.count
        let columns: [KeyPath<CAREEvaluation.Scores, Double>] = [\.nrmse, \.ssim, \.psnr, \.msSSIM]
        let statistics = columns.map { key -> (mean: Double, sd: Double) in
            let values = scores.map { $0[keyPath: key] }
            let mean = values.reduce(0, +) / Double(values.count)
            guard values.count > 1 else { return (mean, 0) }
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
            return (mean, variance.squareRoot())
        }
        mean = CAREEvaluation.Scores(nrmse: statistics[0].mean, ssim: statistics[1].mean, psnr: statistics[2].mean, msSSIM: statistics[3].mean)
        sd = CAREEvaluation.Scores(nrmse: statistics[0].sd, ssim: statistics[1].sd, psnr: statistics[2].sd, msSSIM: statistics[3].sd)
    }

    private enum CodingKeys: String, CodingKey { case images, sd }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        images = try container.decode(Int.self, forKey: .images)
        sd = try container.decode(CAREEvaluation.Scores.self, forKey: .sd)
        mean = try CAREEvaluation.Scores(from: decoder)
    }

    public func encode(to encoder: Encoder) throws {
        try mean.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(images, forKey: .images)
        try container.encode(sd, forKey: .sd)
    }
}

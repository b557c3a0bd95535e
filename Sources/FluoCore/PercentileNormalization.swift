/// CSBDeep's percentile normalisation (`csbdeep.utils.normalize` / `PercentileNormalizer`):
/// x ↦ (x − p_low) / (p_high − p_low + 10⁻²⁰), p the `low`-th and `high`-th percentiles of the
/// image (per channel), no clipping. Prediction maps the network output back with the input's
/// percentiles: mean·(p_high − p_low) + p_low, scale·(p_high − p_low).
public struct PercentileNormalization: Codable, Equatable, Sendable {
    /// Percentiles, 0–100. The defaults: 1 and 99.8.
    public var low: Double
    public var high: Double
    public static let epsilon = 1e-20

    public init(low: Double = 1, high: Double = 99.8) {
        self.low = low
        self.high = high
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case low, high }

    /// Strict decoding; a missing percentile takes its default.
    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        low = try c.decodeIfPresent(Double.self, forKey: .low) ?? 1
        high = try c.decodeIfPresent(Double.self, forKey: .high) ?? 99.8
    }

    /// Whether 0 ≤ low < high ≤ 100.
    public var isValid: Bool { 0 <= low && low < high && high <= 100 }

    /// The normalised image: each value mapped with the image's own percentiles.
    public func normalized(_ values: [Float]) -> [Float] { apply(values, range: range(of: values)) }

    /// (p_low, p_high) of `values`.
    public func range(of values: [Float]) -> (low: Float, high: Float) {
        let p = Percentile.values(values, [low, high])
        return (Float(p[0]), Float(p[1]))
    }

    /// The normalised values.
    public func apply(_ values: [Float], range: (low: Float, high: Float)) -> [Float] {
        let scale = Float(1 / (Double(range.high - range.low) + Self.epsilon))
        return values.map { ($0 - range.low) * scale }
    }
}

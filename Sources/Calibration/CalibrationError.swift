/// Why an estimator could not calibrate from the data it was given.
public enum CalibrationError: Error, Equatable, CustomStringConvertible {
    /// The data cannot support the estimate (too small, too few intensity levels, no flat regions).
    case insufficientData(String)
    /// The inputs do not fit together (shapes, ranks, counts).
    case mismatch(String)

    public var description: String {
        switch self {
        case let .insufficientData(message), let .mismatch(message): return message
        }
    }
}

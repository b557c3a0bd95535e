import Foundation

/// A camera's Poisson–Gaussian noise in the units it records (ADU):
///
///     S = O + g·N + r,  N ~ Poisson(μₑ),  r ~ N(0, σ_r²)
///     Var[S] = g·(E[S] − O) + σ_r²
///
/// g the conversion gain (ADU per electron), O the offset (ADU), σ_r the read noise (ADU).
/// The variance is a line in the mean: its slope is the gain, its value at the offset the
/// read variance (the photon-transfer curve).
public struct CameraNoiseModel: Codable, Equatable, Sendable {
    /// Conversion gain g in ADU per electron.
    public var gainADUPerE: Double
    /// Offset O in ADU: the mean of a frame that received no light.
    public var offsetADU: Double
    /// Read noise σ_r in ADU (rms).
    public var readNoiseADU: Double

    public init(gainADUPerE: Double, offsetADU: Double, readNoiseADU: Double) {
        self.gainADUPerE = gainADUPerE
        self.offsetADU = offsetADU
        self.readNoiseADU = readNoiseADU
    }

    /// Read noise in electrons, σ_r / g: what a spec's `read_noise_e` holds.
    public var readNoiseE: Double { readNoiseADU / gainADUPerE }

    /// Var[S] at mean `meanADU`.
    public func variance(atMean meanADU: Double) -> Double {
        gainADUPerE * Swift.max(meanADU - offsetADU, 0) + readNoiseADU * readNoiseADU
    }
}

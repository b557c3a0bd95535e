import FluoCore
import Foundation

/// What an image holds, in electrons where it is an intensity, measured the same way on a
/// real image and on synthetic ones so the two can be compared: the diffuse background
/// (`DiffuseBackground`) and the filaments (`FilamentStatistics`).
public struct ContentStatistics: Codable, Equatable, Sendable {
    /// Uniform floor above the offset (e⁻).
    public var floorE: Double
    /// Mean out-of-focus haze above the floor (e⁻).
    public var hazeE: Double
    /// Mean in-focus signal above the diffuse map (e⁻).
    public var inFocusE: Double
    /// Median in-focus signal at filament centres (e⁻).
    public var filamentPeakE: Double
    /// Filament length per area (µm/µm²).
    public var filamentDensityPerUm: Double
    /// Gaussian-equivalent σ of the filaments' cross-section (µm).
    public var profileSigmaUm: Double
    /// Fraction of pixels with in-focus signal above 3 noise standard deviations.
    public var foregroundFraction: Double

    /// All diffuse light (floor and haze) per in-focus signal: what the floor and the haze
    /// add up to does not depend on how large a field tells them apart.
    public var diffuseRatio: Double { inFocusE > 0 ? (floorE + hazeE) / inFocusE : 0 }

    public init(floorE: Double, hazeE: Double, inFocusE: Double, filamentPeakE: Double, filamentDensityPerUm: Double,
                profileSigmaUm: Double, foregroundFraction: Double) {
        self.floorE = floorE
        self.hazeE = hazeE
        self.inFocusE = inFocusE
        self.filamentPeakE = filamentPeakE
        self.filamentDensityPerUm = filamentDensityPerUm
        self.profileSigmaUm = profileSigmaUm
        self.foregroundFraction = foregroundFraction
    }

    /// The statistics of `image` (2-D, ADU) recorded by a camera with `noise`.
    public init(_ image: Volume, noise: CameraNoiseModel, tileUm: Double = 1.0) throws {
        let diffuse = try DiffuseBackground(image, noise: noise, tileUm: tileUm)
        let filaments = try FilamentStatistics(image, diffuse: diffuse.map, noise: noise)
        let g = noise.gainADUPerE
        self.init(floorE: diffuse.floorADU / g, hazeE: diffuse.hazeADU / g, inFocusE: diffuse.inFocusADU / g,
                  filamentPeakE: filaments.peakQuartilesADU[1] / g, filamentDensityPerUm: filaments.densityPerUm,
                  profileSigmaUm: filaments.profileSigmaUm, foregroundFraction: filaments.foregroundFraction)
    }

    /// The mean of each statistic over several images.
    public static func mean(_ all: [ContentStatistics]) -> ContentStatistics {
        func average(_ value: (ContentStatistics) -> Double) -> Double { all.reduce(0) { $0 + value($1) } / Double(all.count) }
        return ContentStatistics(floorE: average(\.floorE), hazeE: average(\.hazeE), inFocusE: average(\.inFocusE),
                                 filamentPeakE: average(\.filamentPeakE), filamentDensityPerUm: average(\.filamentDensityPerUm),
                                 profileSigmaUm: average(\.profileSigmaUm), foregroundFraction: average(\.foregroundFraction))
    }
}

import Calibration
import DatasetSpec
import FluoCore
import Foundation

/// Synthetic images made from a spec with given `SimulationSettings`, measured exactly as
/// the real image is: the first condition's input of the first `samples` samples, on the
/// camera grid, through `ContentStatistics` with the real image's noise model (so electrons
/// mean the same on both sides) and through `SingleImageNoise` (pooled over the samples),
/// whose slope is compared with the real one's: resampling onto a finer grid and binning back
/// change the noise on both sides alike.
struct SyntheticTwin {
    let base: SpecDocument
    let folder: String
    let presets: PresetLibrary
    let grid: CameraGrid
    let samples: Int

    /// Measures synthetic images of `settings`; where they are too dim for any filament to
    /// stand out of the noise (the first round's photon level is a guess), the photons per
    /// unit are raised tenfold, up to four times.
    func measure(_ settings: inout SimulationSettings, noise: CameraNoiseModel, nominalCutoffPerUm: Double) throws -> (TwinMeasurement, [Volume]) {
        var attempt = 0
        while true {
            do {
                return try measureOnce(settings, noise: noise, nominalCutoffPerUm: nominalCutoffPerUm)
            } catch CalibrationError.insufficientData where attempt < 4 {
                settings.photonsPerUnit *= 10
                attempt += 1
            }
        }
    }

    func measureOnce(_ settings: SimulationSettings, noise: CameraNoiseModel, nominalCutoffPerUm: Double) throws -> (TwinMeasurement, [Volume]) {
        let (overrides, removing) = settings.overrides(base: base, spread: 0)
        let spec = try SpecLoader.load(base.merging(overrides, removing: removing), folder: folder, presets: presets)
        let count = Swift.min(samples, spec.template.samples)
        let renderer = SampleRenderer(spec: spec, cache: ImagingCache(folder: folder), samples: spec.template.samples)
        let images = try (0..<count).map { grid.apply(try renderer.render($0).inputs[0].channels[0]) }
        return (try SyntheticTwin.measurement(of: images, noise: noise, nominalCutoffPerUm: nominalCutoffPerUm), images)
    }

    /// The matching's measurements of several images of one size: statistics and cut-off
    /// averaged, the noise-level function fitted to all of them at once.
    static func measurement(of images: [Volume], noise: CameraNoiseModel, nominalCutoffPerUm: Double) throws -> TwinMeasurement {
        let statistics = try images.map { try ContentStatistics($0, noise: noise) }
        let stack = Volume.stack(images, spacingUm: 1)
        let cutoffs = try images.map { try OpticalCutoff($0, nominalCutoffPerUm: nominalCutoffPerUm) }.filter(\.isDetermined).map(\.cutoffPerUm)
        return TwinMeasurement(statistics: ContentStatistics.mean(statistics), noiseSlope: try SingleImageNoise(stack).gainADUPerE,
                               cutoffPerUm: cutoffs.isEmpty ? nil : cutoffs.reduce(0, +) / Double(cutoffs.count))
    }
}

/// What the matching compares between the real image and the synthetic ones.
public struct TwinMeasurement: Codable, Equatable, Sendable {
    public var statistics: ContentStatistics
    /// Slope of the noise-level function (ADU²/ADU).
    public var noiseSlope: Double
    /// Fitted optical cut-off (cycles/µm), where the signal shows it (`OpticalCutoff.isDetermined`).
    public var cutoffPerUm: Double?
}

@testable import Calibration
import FluoCore
import Foundation
import Imaging
import Testing

/// The camera estimators recover gain, offset and read noise from images made with known ones
/// (the tolerances: gain within 5 %, read noise within 10 %, offset within 1 ADU).
@Suite("Camera calibration")
struct CameraCalibrationTests {
    /// One image with filaments on a ramp: the noise-level function's slope is the gain, and
    /// with the offset known its value at the offset the read variance.
    @Test(arguments: [(2.0, 100.0, 1.5), (0.5, 400.0, 4.0), (4.5, 0.0, 1.0)])
    func singleImageRecoversGainAndReadNoise(gain: Double, offset: Double, readNoiseE: Double) throws {
        let image = try SyntheticScene.record(SyntheticScene.photons(), gain: gain, offset: offset, readNoiseE: readNoiseE)
        let noise = try SingleImageNoise(image)
        let model = noise.model(offsetADU: offset)
        #expect(abs(model.gainADUPerE / gain - 1) < 0.05, "gain \(model.gainADUPerE) for \(gain)")
        #expect(abs(model.readNoiseE / readNoiseE - 1) < 0.10, "read noise \(model.readNoiseE) e⁻ for \(readNoiseE)")
        #expect(noise.smoothFraction > 0.3 && noise.smoothFraction < 0.95, "smooth fraction \(noise.smoothFraction)")
        #expect(abs(noise.whiteness - 1) < 0.15, "whiteness \(noise.whiteness)")
    }

    /// Without the smoothness mask the filaments' edges would count as noise: the estimate on
    /// all blocks is biased upwards, so the mask is doing work.
    @Test func structureIsNotTakenForNoise() throws {
        let image = try SyntheticScene.record(SyntheticScene.photons(filamentPhotons: 2000, filaments: 60), gain: 2, offset: 100, readNoiseE: 1.5)
        let masked = try SingleImageNoise(image).gainADUPerE
        let blocks = HaarBlocks(image)
        let all = LevelSets.fromDetails(levels: blocks.mean.map(Double.init), details: blocks.detail.map(Double.init), perSet: 400)
        let unmasked = try RobustLine(x: all.map(\.meanADU), y: all.map(\.variance), weights: all.map(\.weight), iterations: 0).slope
        #expect(abs(masked / 2 - 1) < 0.05, "masked gain \(masked)")
        #expect(unmasked > masked * 1.05, "unmasked gain \(unmasked) against masked \(masked)")
    }

    /// A resampled image (each pixel the mean of a 2×2 neighbourhood: correlated noise) is told
    /// apart from a camera's own pixels.
    @Test func resampledImageIsFlagged() throws {
        let image = try SyntheticScene.record(SyntheticScene.photons(), gain: 2, offset: 100, readNoiseE: 1.5)
        let n = image.shape[1]
        var smoothed = image
        for y in 0..<(n - 1) {
            for x in 0..<(n - 1) {
                let i = y * n + x
                smoothed.data[i] = (image.data[i] + image.data[i + 1] + image.data[i + n] + image.data[i + n + 1]) / 4
            }
        }
        #expect(try SingleImageNoise(smoothed).whiteness > 2)
    }

    /// Frames and dark frames: the photon-transfer curve.
    @Test(arguments: [(2.0, 100.0, 1.5), (0.3, 1000.0, 6.0)])
    func photonTransferWithDarkFrames(gain: Double, offset: Double, readNoiseE: Double) throws {
        let scene = try SyntheticScene.photons(side: 128)
        let frames = try SyntheticScene.record(scene, gain: gain, offset: offset, readNoiseE: readNoiseE, frames: 16)
        let dark = try SyntheticScene.record(Volume(shape: scene.shape, spacingUm: scene.spacingUm), gain: gain, offset: offset,
                                             readNoiseE: readNoiseE, frames: 16, seed: 99)
        let model = try PhotonTransfer(frames: frames, dark: dark).model
        #expect(abs(model.gainADUPerE / gain - 1) < 0.05, "gain \(model.gainADUPerE) for \(gain)")
        #expect(abs(model.readNoiseE / readNoiseE - 1) < 0.10, "read noise \(model.readNoiseE) e⁻ for \(readNoiseE)")
        #expect(abs(model.offsetADU - offset) < 1, "offset \(model.offsetADU) for \(offset)")
    }

    /// Frames with the offset given instead of dark frames; and neither is refused.
    @Test func photonTransferWithGivenOffset() throws {
        let scene = try SyntheticScene.photons(side: 128)
        let frames = try SyntheticScene.record(scene, gain: 1.2, offset: 200, readNoiseE: 2, frames: 16)
        let model = try PhotonTransfer(frames: frames, offsetADU: 200).model
        #expect(abs(model.gainADUPerE / 1.2 - 1) < 0.05)
        #expect(abs(model.readNoiseE / 2 - 1) < 0.10, "read noise \(model.readNoiseE)")
        #expect(throws: CalibrationError.self) { try PhotonTransfer(frames: frames) }
    }

    /// The bisquare line ignores an outlier that pulls least squares away.
    @Test func robustLineRejectsOutliers() throws {
        let x = (0..<20).map(Double.init)
        var y = x.map { 3 + 2 * $0 }
        y[15] = 200
        let line = try RobustLine(x: x, y: y)
        #expect(abs(line.slope - 2) < 1e-6 && abs(line.intercept - 3) < 1e-6)
        #expect(line.weights[15] == 0)
        let plain = try RobustLine(x: x, y: y, iterations: 0)
        #expect(abs(plain.slope - 2) > 0.5)
    }
}

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
        print(String(format: "single image: gain %.4f for %.4f, read noise %.3f e⁻ for %.3f", model.gainADUPerE, gain, model.readNoiseE, readNoiseE))
        #expect(abs(model.gainADUPerE / gain - 1) < 0.05, "gain \(model.gainADUPerE) for \(gain)")
        #expect(abs(model.readNoiseE / readNoiseE - 1) < 0.10, "read noise \(model.readNoiseE) e⁻ for \(readNoiseE)")
        #expect(abs(noise.whiteness - 1) < 0.15, "whiteness \(noise.whiteness)")
    }

    /// Bright filaments that fill the image leave the noise estimate alone: Immerkær's stencil
    /// ignores structure that a plain Haar detail takes for noise (shown by the Haar estimate
    /// on the same image, biased upwards).
    @Test func structureIsNotTakenForNoise() throws {
        let image = try SyntheticScene.record(SyntheticScene.photons(filamentPhotons: 2000, filaments: 60), gain: 2, offset: 100, readNoiseE: 1.5)
        let gain = try SingleImageNoise(image).gainADUPerE
        var levels: [Double] = [], details: [Double] = []
        let n = image.shape[1]
        for y in stride(from: 0, to: n - 1, by: 2) {
            for x in stride(from: 0, to: n - 1, by: 2) {
                let (a, b, c, d) = (Double(image.data[y * n + x]), Double(image.data[y * n + x + 1]),
                                    Double(image.data[(y + 1) * n + x]), Double(image.data[(y + 1) * n + x + 1]))
                levels.append((a + b + c + d) / 4)
                details.append((a - b - c + d) / 2)
            }
        }
        let haar = LevelSets.fromDetails(levels: levels, details: details, perSet: 400)
        let haarGain = try RobustLine(x: haar.map(\.meanADU), y: haar.map(\.variance), weights: haar.map(\.weight)).slope
        #expect(abs(gain / 2 - 1) < 0.05, "gain \(gain)")
        #expect(haarGain > gain * 1.05, "Haar gain \(haarGain) against \(gain)")
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
        print(String(format: "photon transfer: gain %.4f for %.4f, read noise %.3f e⁻ for %.3f, offset %.2f for %.2f",
                     model.gainADUPerE, gain, model.readNoiseE, readNoiseE, model.offsetADU, offset))
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

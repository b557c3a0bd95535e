import FluoCore
@testable import Imaging
import Testing

@Suite("Camera")
struct CameraTests {
    static func camera(_ parameters: CameraParameters, shape: [Int] = [1000, 1000]) throws -> Camera {
        try Camera(parameters, sensorShape: shape) { _ in Volume(shape: shape) }
    }

    static func moments(_ volume: Volume) -> (mean: Double, variance: Double) {
        let mean = volume.mean()
        let variance = volume.data.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(volume.count)
        return (mean, variance)
    }

    /// Over 10⁶ pixels: E[ADU] = g·QE·s·v + o and Var[ADU] = g²·(QE·s·v + σ²), within 1 %.
    @Test(arguments: [(2.5, 0.3), (40.0, 2.0), (0.5, 1.2)])
    func poissonGaussianMomentsMatchTheory(level: Double, readNoise: Double) throws {
        let p = CameraParameters(photonsPerUnit: 8, quantumEfficiency: 0.8, readNoiseE: readNoise, gainADUPerE: 2.2, offsetADU: 100)
        let image = Volume(shape: [1000, 1000], repeating: Float(level))
        let recorded = try Self.camera(p).record(image, stream: RandomStream(seed: 4), threads: 2)
        let electrons = 0.8 * 8 * level
        let (mean, variance) = Self.moments(recorded)
        #expect(abs((mean - 100) / (2.2 * electrons) - 1) < 0.01)
        #expect(abs(variance / (2.2 * 2.2 * (electrons + readNoise * readNoise)) - 1) < 0.01)
    }

    /// Shot noise is drawn from the real-valued expectation: 0.3 e⁻ stays 0.3 e⁻ on average
    /// (truncating to an integer first, as CSBDeep's helper does, would give 0).
    @Test func fractionalExpectationsAreNotTruncated() throws {
        let recorded = try Self.camera(CameraParameters(photonsPerUnit: 0.3))
            .record(Volume(shape: [1000, 1000], repeating: 1), stream: RandomStream(seed: 1))
        #expect(abs(recorded.mean() / 0.3 - 1) < 0.01)
    }

    /// An EM register doubles the shot-noise variance (excess noise factor F² = 2).
    @Test func emGainDoublesShotNoiseVariance() throws {
        let p = CameraParameters(photonsPerUnit: 20, emGain: 50, gainADUPerE: 0.1)
        let recorded = try Self.camera(p).record(Volume(shape: [1000, 1000], repeating: 1), stream: RandomStream(seed: 2))
        let (mean, variance) = Self.moments(recorded)
        #expect(abs(mean / (0.1 * 50 * 20) - 1) < 0.01)
        #expect(abs(variance / (0.01 * 2 * 50 * 50 * 20) - 1) < 0.02)
    }

    @Test func bitDepthRoundsAndClips() throws {
        let p = CameraParameters(photonsPerUnit: 1000, readNoiseE: 3, offsetADU: -20, bitDepth: 8)
        var image = Volume(shape: [100, 100], repeating: 0)
        for i in 0..<5000 { image.data[i] = 1 }   // 1000 photons: far above 255 ADU
        let recorded = try Self.camera(p, shape: [100, 100]).record(image, stream: RandomStream(seed: 3))
        #expect(recorded.data.allSatisfy { $0 == $0.rounded() && $0 >= 0 && $0 <= 255 })
        #expect(recorded.data[..<5000].allSatisfy { $0 == 255 })
        #expect(recorded.data[5000...].allSatisfy { $0 == 0 })   // −20 ADU offset clips at 0
    }

    @Test func peakPhotonsScaleTheBrightestPixel() throws {
        var image = Volume(shape: [10, 10], repeating: 2)
        image[3, 3] = 8
        let camera = try Self.camera(CameraParameters(peakPhotons: 400), shape: [10, 10])
        #expect(camera.photonScale(for: image) == 50)
    }

    /// sCMOS maps are drawn per pixel (from their own seed, the same for every image) and
    /// applied per pixel; a map file of the wrong size is an error.
    @Test func scmosMapsArePerPixel() throws {
        let maps = SCMOSMaps(offsetADU: .normal(mean: 100, sd: 5), gainADUPerE: .normal(mean: 2, sd: 0.1),
                             readNoiseE: .logNormal(mean: 1.5, sd: 0.5), seed: 7)
        let camera = try Self.camera(CameraParameters(photonsPerUnit: 0, scmos: maps), shape: [500, 400])
        let offsets = camera.offsetMap!
        let mean = offsets.reduce(0.0) { $0 + Double($1) } / Double(offsets.count)
        let sd = (offsets.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(offsets.count)).squareRoot()
        #expect(abs(mean - 100) < 0.05 && abs(sd / 5 - 1) < 0.02)
        // Dark frames: over 40 frames pixel i averages to offset_i with standard error
        // σ_i·g_i/√40, so the squared z-scores average to 1 only if all three maps apply per pixel.
        var sum = [Double](repeating: 0, count: 500 * 400)
        for frame in 0..<40 {
            let dark = try camera.record(Volume(shape: [500, 400]), stream: RandomStream(seed: 1).substream(frame))
            for i in sum.indices { sum[i] += Double(dark.data[i]) }
        }
        var zSquared = 0.0
        for i in sum.indices {
            let standardError = Double(camera.readNoiseMap![i] * camera.gainMap![i]) / 40.0.squareRoot()
            let z = (sum[i] / 40 - Double(offsets[i])) / standardError
            zSquared += z * z
        }
        #expect(abs(zSquared / Double(sum.count) - 1) < 0.03)
        let again = try Self.camera(CameraParameters(photonsPerUnit: 0, scmos: maps), shape: [500, 400])
        #expect(again.offsetMap! == offsets)
        #expect(throws: ImagingError.self) {
            try Camera(CameraParameters(photonsPerUnit: 1, scmos: SCMOSMaps(offsetADU: .file("map.tif"))),
                       sensorShape: [8, 8]) { _ in Volume(shape: [4, 4]) }
        }
    }

    @Test func invalidParametersNameTheirKey() {
        #expect(throws: ImagingError.invalidParameter("photons_per_unit", "must be ≥ 0, got -1.0")) {
            try CameraParameters(photonsPerUnit: -1).validate()
        }
        #expect(throws: ImagingError.self) { try CameraParameters(photonsPerUnit: 1, peakPhotons: 2).validate() }
        #expect(throws: ImagingError.self) { try CameraParameters(photonsPerUnit: 1, quantumEfficiency: 1.5).validate() }
    }
}

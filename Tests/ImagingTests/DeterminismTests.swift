import FluoCore
@testable import Imaging
import Testing

@Suite("Determinism")
struct DeterminismTests {
    /// The whole imaging model gives the same bytes for 1, 2 and 8 threads.
    @Test func sameSeedSameBytesForAnyThreadCount() throws {
        var gt = Volume(shape: [24, 96, 96], spacingUm: [0.2, 0.05, 0.05])
        var rng = RandomStream(seed: 1)
        for i in 0..<gt.count where rng.uniform() < 0.01 { gt.data[i] = Float(rng.uniform(1, 5)) }
        let psf = try BornWolfPSF(na: 1.2, wavelengthUm: 0.5, immersionIndex: 1.333)
            .render(on: PSFGrid(shape: [15, 31, 31], spacingUm: gt.spacingUm), threads: 2)
        let acquisition = Acquisition(
            background: PerlinBackground(amplitude: 0.2, featureSizeUm: 1.5),
            subsample: [AxisResampling(axis: .z, factor: 2.5)],
            camera: CameraParameters(peakPhotons: 200, readNoiseE: 1.5, gainADUPerE: 1.7, offsetADU: 100,
                                     scmos: SCMOSMaps(offsetADU: .normal(mean: 100, sd: 3))))
        func run(_ threads: Int) throws -> [Float] {
            let model = try acquisition.model(psf: psf, groundTruthShape: gt.shape) { _ in Volume(shape: [1]) }
            return try model.apply(gt, stream: RandomStream(seed: 77).substream(5), threads: threads).data
        }
        let one = try run(1)
        #expect(try run(2) == one)
        #expect(try run(8) == one)
        let model = try acquisition.model(psf: psf, groundTruthShape: gt.shape) { _ in Volume(shape: [1]) }
        #expect(try model.apply(gt, stream: RandomStream(seed: 78), threads: 2).data != one)
        #expect(try model.trace(gt, stream: RandomStream(seed: 77), threads: 2).map(\.stage)
                == ["ground truth", "background", "psf", "subsample-z", "camera"])
    }
}

import DataIO
import FluoCore
import Foundation
import Imaging
import Metrics
import Phantoms
import Testing
import TestSupport
import Training
@testable import Workflows

@Suite("Isotropic restoration")
struct IsotropicTests {
    /// Sub-resolution beads on an isotropic 0.1 µm grid, blurred with a Born–Wolf PSF: the
    /// "real" stack before z subsampling.
    static func beads(shape: [Int], count: Int, psf: Volume, seed: UInt64) throws -> Volume {
        var object = Volume(shape: shape, spacingUm: psf.spacingUm)
        var rng = RandomStream(seed: seed)
        for _ in 0..<count {
            let z = 4 * (2 + rng.integer(below: (shape[0] - 8) / 4)), y = 8 + rng.integer(below: shape[1] - 16), x = 8 + rng.integer(below: shape[2] - 16)
            object[z, y, x] = 1
        }
        return try FFTConvolver(kernel: psf, imageShape: shape).apply(object)
    }

    static let psf: Volume = try! BornWolfPSF(na: 1.1, wavelengthUm: 0.52, immersionIndex: 1.333)
        .render(on: PSFGrid(shape: [41, 25, 25], spacingUm: [0.1, 0.1, 0.1]), threads: 2)

    /// Width of the profile through each bead's peak along `axis`, averaged.
    static func meanWidth(_ volume: Volume, along axis: Int, at peaks: [[Int]]) -> Double {
        peaks.map { peak in
            let profile = (0..<volume.shape[axis]).map { i -> Double in
                var index = peak
                index[axis] = i
                return Double(volume.data[volume.flatIndex(index)])
            }
            return PSFMeasurement.fwhm(profile: profile, peakIndex: peak[axis]) * volume.spacingUm[axis]
        }.reduce(0, +) / Double(peaks.count)
    }

    /// Degraded lateral slices have the axial FWHM of the real axial slices (within 15 %).
    @Test func degradedLateralSlicesLookAxial() throws {
        let sigma = 4.0
        let truth = try Self.beads(shape: [49, 64, 64], count: 12, psf: Self.psf, seed: 3)
        // The real acquisition: every 4th plane; its axial slices after linear z interpolation.
        let zSampling = AxisResampling(axis: .z, factor: sigma, mode: .point)
        let stack = try zSampling.apply(truth)
        let interpolated = try zSampling.upsample(stack, count: 49)
        let degradation = try AxialDegradation(psf: Self.psf, pixelSizeUm: 0.1, zStepUm: 0.1 * sigma)
        #expect(abs(degradation.factor - 4) < 1e-12)

        // Beads: local maxima of the truth well above the background.
        let level = 0.5 * truth.extrema().max
        let peaks = (0..<truth.count).compactMap { flat -> [Int]? in
            let index = truth.unravel(flat)
            guard index[0] % 4 == 0, truth.data[flat] > level else { return nil }
            return index
        }
        #expect(peaks.count >= 6)
        let axial = Self.meanWidth(interpolated, along: 0, at: peaks)
        var lateralWidths: [Double] = []
        for peak in peaks {
            let plane = stack.plane(peak[0] / 4)
            let degraded = try degradation.apply(plane, along: .y)
            lateralWidths.append(Self.meanWidth(degraded, along: 0, at: [[peak[1], peak[2]]]))
        }
        let lateral = lateralWidths.reduce(0, +) / Double(lateralWidths.count)
        print("degraded lateral FWHM \(lateral) µm, real axial FWHM \(axial) µm over \(peaks.count) beads")
        #expect(abs(lateral / axial - 1) < 0.15, "degraded lateral FWHM \(lateral) µm vs real axial \(axial) µm")
        // Without the degradation the lateral slices are far sharper than the axial ones.
        let sharp = Self.meanWidth(stack.plane(peaks[0][0] / 4), along: 0, at: [[peaks[0][1], peaks[0][2]]])
        #expect(sharp < 0.6 * axial)
    }

    /// A stack that is isotropic to begin with (spheres blurred with an isotropic PSF), z
    /// subsampled by σ = 4, restored: better than linear interpolation, and the spectral
    /// isotropy ratio moves towards 1.
    @Test func restorationBeatsLinearInterpolation() throws {
        let folder = TestPaths.temporaryDirectory("isotropic")
        let spacing = 0.1
        let phantom = try JSONDecoder().decode(PhantomParameters.self, from: Data("""
            {"kind": "spheres", "count": 30, "radius_um": [0.15, 0.4], "intensity_per_um3": [20000, 100000],
             "hollow_fraction": 0.5, "shell_thickness_um": 0.1, "non_overlap": true}
            """.utf8))
        let object = try phantom.generate(shape: [33, 64, 64], spacingUm: [spacing, spacing, spacing], stream: RandomStream(seed: 5)).channels[0]
        let optics = GaussianPSF(fwhmUm: [0.25, 0.25, 0.25])
        let psf = try optics.render(on: PSFGrid(shape: [15, 15, 15], spacingUm: [spacing, spacing, spacing]))
        let truth = try FFTConvolver(kernel: psf, imageShape: object.shape).apply(object)
        let sampling = AxisResampling(axis: .z, factor: 4, mode: .point)
        let stack = try sampling.apply(truth)
        try TIFFWriter.write(stack, to: folder + "/stack.tif")

        var prepare = IsotropicPrepareRequest(stack: folder + "/stack.tif", output: folder + "/data", psf: .gaussian(optics))
        prepare.threads = 2
        let setup = try IsotropicPrepare.run(prepare) { _ in }
        #expect(setup.degradation.factor == 4 && setup.trainingPairs > 0 && setup.validationPairs > 0)
        var train = TrainRequest(data: folder + "/data", modelDirectory: folder + "/model")
        train.steps = 250
        train.stepsPerEpoch = 50
        train.batchSize = 8
        train.patch = [32, 32]
        train.filters = 16
        train.kernel = 3
        train.threads = 2
        try TrainRun.run(train) { _ in }
        var predict = IsotropicPredictRequest(modelDirectory: folder + "/model", stack: folder + "/stack.tif", output: folder + "/restored.tif")
        predict.threads = 2
        let restored = try IsotropicPredict.run(predict) { _ in }[0]

        #expect(restored.shape == truth.shape)
        let linear = try sampling.upsample(stack, count: truth.shape[0])
        let evaluation = CAREEvaluation()
        let restoredScore = try evaluation.evaluate(prediction: restored, groundTruth: truth).scores
        let linearScore = try evaluation.evaluate(prediction: linear, groundTruth: truth).scores
        print("isotropic σ=4: NRMSE linear \(linearScore.nrmse) restored \(restoredScore.nrmse); SSIM linear \(linearScore.ssim) restored \(restoredScore.ssim)")
        #expect(restoredScore.nrmse < linearScore.nrmse)
        // Φ: the input has no detail along z beyond its Nyquist frequency 1/(2·0.4 µm), below
        // the band Φ measures; the restoration puts back about as much as the truth has.
        let phiInput = SpectralIsotropy.ratio(stack), phiRestored = SpectralIsotropy.ratio(restored)
        let phiTruth = SpectralIsotropy.ratio(truth)
        print("Φ input \(phiInput) restored \(phiRestored) truth \(phiTruth) (linear interpolation \(SpectralIsotropy.ratio(linear)))")
        #expect(phiInput < 0.01)
        #expect(phiRestored > 0.5 * phiTruth && phiRestored < 1.5 * phiTruth)

        // The file says its spacing is isotropic, to us and to tifffile.
        let written = try TIFFReader.read(folder + "/restored.tif")
        #expect(written.metadata.zStepUm.map { abs($0 - spacing) < 1e-9 } == true)
        #expect(written.metadata.pixelSizeUm.map { abs($0.x - spacing) < 1e-6 } == true)
        if PythonReference.isAvailable {
            let line = try PythonReference.run("tiff_check.py", ["describe", folder + "/restored.tif"])
            let described = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(described["shape"] as? [Int] == truth.shape)
            #expect((described["spacing"] as? Double).map { abs($0 - spacing) < 1e-9 } == true)
            #expect((described["pixel"] as? Double).map { abs($0 - spacing) < 1e-6 } == true)
        }
    }
}

import FluoCore
import Foundation
import Metrics
import Testing
import TestSupport

@Suite struct CAREEvaluationTests {
    /// A smooth ground truth with structure at several scales, and a restoration of it: the
    /// truth plus noise, in other units (scale 300, offset 100) so the affine fit matters.
    static func pair(_ shape: [Int], noise: Double, seed: UInt64 = 1) -> (prediction: Volume, truth: Volume) {
        var random = RandomStream(seed: seed)
        let width = shape.last!, height = shape[shape.count - 2]
        let truth = (0..<shape.reduce(1, *)).map { i -> Float in
            let x = Double(i % width), y = Double(i / width % height), z = Double(i / (width * height))
            return Float(2 + sin(x * 0.31 + z) * cos(y * 0.17) + 0.5 * sin((x + y) * 0.05) + 0.3 * cos(x * 0.9 - y * 0.7))
        }
        let prediction = truth.map { Float(300 * (Double($0) + noise * random.normal()) + 100) }
        return (Volume(shape: shape, data: prediction), Volume(shape: shape, data: truth))
    }

    /// NRMSE, SSIM, PSNR and MS-SSIM agree with CSBDeep's normalisation and affine fit followed by
    /// scikit-image (and an independent NumPy MS-SSIM) within 1e-3: images with 5 and 3 MS-SSIM
    /// scales, a stack with a 3-D SSIM window and one evaluated plane by plane (one Python run).
    @Test(.enabled(if: PythonReference.isAvailable))
    func matchesCSBDeepAndScikitImage() throws {
        let shapes = [[180, 192], [64, 80], [12, 48, 56], [5, 40, 44]]
        let folder = TestPaths.temporaryDirectory("care")
        var arguments: [String] = []
        for (index, shape) in shapes.enumerated() {
            let (prediction, truth) = CAREEvaluationTests.pair(shape, noise: 0.4, seed: UInt64(index + 1))
            arguments.append(shape.map(String.init).joined(separator: ","))
            for (name, volume) in [("prediction", prediction), ("truth", truth)] {
                let path = "\(folder)/\(name)-\(index).f32"
                try volume.data.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
                arguments.append(path)
            }
        }
        let output = try PythonReference.run("care_metrics_reference.py", arguments)
        let references = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [[String: Double]])
        #expect(references.count == shapes.count)
        for (index, (shape, reference)) in zip(shapes, references).enumerated() {
            let (prediction, truth) = CAREEvaluationTests.pair(shape, noise: 0.4, seed: UInt64(index + 1))
            let result = try CAREEvaluation().evaluate(prediction: prediction, groundTruth: truth)
            let scores = result.scores
            for (name, value) in [("nrmse", scores.nrmse), ("ssim", scores.ssim), ("psnr", scores.psnr), ("ms_ssim", scores.msSSIM)] {
                #expect(abs(value - reference[name]!) < 1e-3, "\(shape) \(name): \(value) vs reference \(reference[name]!)")
            }
            #expect(Double(result.msSSIMScales) == reference["ms_ssim_scales"]!)
            #expect(result.ssimDimensions == (shape.count == 3 && shape[0] >= 11 ? 3 : 2))
            #expect(abs(result.alpha / reference["alpha"]! - 1) < 1e-4)
            // The noise makes the restoration clearly imperfect, so the comparison is not vacuous.
            #expect(scores.ssim > 0.1 && scores.ssim < 0.9 && scores.msSSIM < 0.97, "\(scores)")
        }
    }

    /// The scores of a·x + b equal those of x for any a > 0 (the prediction's units do not matter).
    @Test func scoresAreInvariantToAffineChangesOfThePrediction() throws {
        let (prediction, truth) = CAREEvaluationTests.pair([96, 100], noise: 0.3)
        let evaluation = CAREEvaluation()
        let base = try evaluation.evaluate(prediction: prediction, groundTruth: truth).scores
        for (a, b) in [(1.0, 0.0), (0.002, -7.0), (37.0, 1e4)] {
            let changed = try evaluation.evaluate(prediction: prediction.map { Float(a * Double($0) + b) }, groundTruth: truth).scores
            #expect(abs(changed.nrmse - base.nrmse) < 1e-5 && abs(changed.ssim - base.ssim) < 1e-5, "a \(a), b \(b): \(changed) vs \(base)")
            #expect(abs(changed.psnr - base.psnr) < 1e-3 && abs(changed.msSSIM - base.msSSIM) < 1e-5, "a \(a), b \(b): \(changed) vs \(base)")
        }
        // Without the fit the raw prediction (in units of 300) would score absurdly; with it, sensibly.
        #expect(base.nrmse > 0.02 && base.nrmse < 0.3 && base.psnr > 10)
    }

    /// Ground truth normalisation: the 0.1 and 99.9 percentiles (NumPy's interpolation) go to 0 and 1.
    @Test func groundTruthGoesFromItsPercentilesToZeroAndOne() throws {
        // Values 0…1999 shuffled: p0.1 = 0.001·1999 = 1.999, p99.9 = 0.999·1999 = 1997.001.
        var random = RandomStream(seed: 5)
        let values = (0..<2000).map(Float.init).shuffled(using: &random)
        let normalised = try CAREEvaluation().normalizedGroundTruth(Volume(shape: [40, 50], data: values))
        let index = values.firstIndex(of: 1000)!
        #expect(abs(Double(normalised.data[index]) - (1000 - 1.999) / (1997.001 - 1.999)) < 1e-6)
        #expect(abs(Double(normalised.extrema().min) - (0 - 1.999) / 1995.002) < 1e-6)
    }

    /// The affine fit is the least-squares one: perturbing α or β raises the MSE.
    @Test func affineFitMinimisesTheSquaredError() {
        let (prediction, truth) = CAREEvaluationTests.pair([40, 40], noise: 0.5)
        let fit = CAREEvaluation.affineFit(prediction, to: truth)
        func mse(_ alpha: Double, _ beta: Double) -> Double {
            zip(prediction.data, truth.data).reduce(0.0) { $0 + pow(alpha * Double($1.0) + beta - Double($1.1), 2) } / Double(truth.count)
        }
        let best = mse(fit.alpha, fit.beta)
        for (da, db) in [(1e-4, 0.0), (-1e-4, 0.0), (0.0, 0.01), (0.0, -0.01)] {
            #expect(mse(fit.alpha * (1 + da), fit.beta + db) > best)
        }
        // Noise of sd 0.5 in the prediction dilutes the slope: α·300 = var(y)/(var(y) + 0.25).
        let mean = truth.mean()
        let variance = truth.data.reduce(0.0) { $0 + pow(Double($1) - mean, 2) } / Double(truth.count)
        #expect(abs(fit.alpha * 300 / (variance / (variance + 0.25)) - 1) < 0.1, "α \(fit.alpha), var(y) \(variance)")
    }

    /// Scores fall monotonically as the restoration gets noisier.
    @Test func scoresWorsenWithNoise() throws {
        let results = try [0.02, 0.1, 0.3, 1.0].map { noise -> CAREEvaluation.Scores in
            let (prediction, truth) = CAREEvaluationTests.pair([64, 64], noise: noise, seed: 9)
            return try CAREEvaluation().evaluate(prediction: prediction, groundTruth: truth).scores
        }
        for (better, worse) in zip(results, results.dropFirst()) {
            #expect(better.nrmse < worse.nrmse && better.psnr > worse.psnr)
            #expect(better.ssim > worse.ssim && better.msSSIM > worse.msSSIM, "\(better) vs \(worse)")
        }
    }

    @Test func unusableInputsThrow() {
        let evaluation = CAREEvaluation()
        #expect(throws: MetricsError.self) {
            try evaluation.evaluate(prediction: Volume(shape: [32, 32], repeating: 1), groundTruth: Volume(shape: [32, 33], repeating: 1))
        }
        #expect(throws: MetricsError.self) {
            try evaluation.evaluate(prediction: Volume(shape: [32, 32], repeating: 1), groundTruth: Volume(shape: [32, 32], repeating: 2))
        }
        #expect(throws: MetricsError.self) {
            try evaluation.evaluate(prediction: Volume(shape: [8, 32], repeating: 1), groundTruth: Volume(shape: [8, 32], repeating: 2))
        }
    }

    /// The summary's means and sample standard deviations, and its flat JSON form.
    @Test func summaryHasMeansAndStandardDeviations() throws {
        let scores = [CAREEvaluation.Scores(nrmse: 0.1, ssim: 0.8, psnr: 20, msSSIM: 0.9),
                      CAREEvaluation.Scores(nrmse: 0.3, ssim: 0.6, psnr: 10, msSSIM: 0.7)]
        let summary = ScoreSummary(scores)
        #expect(abs(summary.mean.nrmse - 0.2) < 1e-12 && abs(summary.mean.psnr - 15) < 1e-12)
        #expect(abs(summary.sd.psnr - 50.0.squareRoot()) < 1e-12 && abs(summary.sd.ssim - 0.02.squareRoot()) < 1e-12)
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? [String: Any]
        #expect(abs((json?["ms_ssim"] as? Double ?? 0) - 0.8) < 1e-12 && json?["images"] as? Int == 2 && json?["sd"] is [String: Double])
        #expect(try JSONDecoder().decode(ScoreSummary.self, from: JSONEncoder().encode(summary)) == summary)
    }
}

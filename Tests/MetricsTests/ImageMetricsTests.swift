import FluoCore
import Foundation
import Metrics
import Testing
import TestSupport

@Suite struct ImageMetricsTests {
    func image(_ shape: [Int], seed: UInt64, noise: Double, base: [Float]? = nil) -> [Float] {
        var random = RandomStream(seed: seed)
        let count = shape.reduce(1, *)
        let width = shape.last!
        return (0..<count).map { i in
            let x = Double(i % width), y = Double(i / width)
            let pattern: Double = 0.5 + 0.4 * sin(x * 0.3) * cos(y * 0.17)
            let clean: Float = base?[i] ?? Float(pattern)
            return clean + Float(noise * (random.uniform() - 0.5))
        }
    }

    /// Hand-checkable values: identical images, and a constant offset.
    @Test func simpleCases() {
        let shape = [16, 20]
        let a = image(shape, seed: 1, noise: 0)
        #expect(abs(ImageMetrics.ssim(a, a, shape: shape, dataRange: 1) - 1) < 1e-12)
        let shifted = a.map { $0 + 0.1 }
        #expect(abs(ImageMetrics.mse(a, shifted) - 0.01) < 1e-7)
        #expect(abs(ImageMetrics.mae(a, shifted) - 0.1) < 1e-6)
        #expect(abs(ImageMetrics.psnr(a, shifted, dataRange: 1) - 20) < 1e-4)
        // A constant shift changes only the luminance term: 2μa(μa+0.1)+C1 over μa²+(μa+0.1)²+C1 < 1.
        let ssim = ImageMetrics.ssim(a, shifted, shape: shape, dataRange: 1)
        #expect(ssim < 0.99 && ssim > 0.9)
    }

    /// SSIM, PSNR and NRMSE agree with scikit-image within 1e-3 on the same arrays (2-D and 3-D).
    @Test(.enabled(if: PythonReference.isAvailable), arguments: [[48, 64], [13, 24, 20]])
    func matchesScikitImage(shape: [Int]) throws {
        let reference = image(shape, seed: 2, noise: 0.05)
        let test = image(shape, seed: 3, noise: 0.3, base: reference)
        let folder = TestPaths.temporaryDirectory("metrics")
        let paths = [folder + "/reference.f32", folder + "/test.f32"]
        for (path, values) in zip(paths, [reference, test]) {
            try values.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: path))
        }
        let output = try PythonReference.run("metrics_reference.py", paths + [shape.map(String.init).joined(separator: ","), "1.0"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Double])
        let ssim = ImageMetrics.ssim(reference, test, shape: shape, dataRange: 1)
        let psnr = ImageMetrics.psnr(reference, test, dataRange: 1)
        let nrmse = ImageMetrics.nrmse(reference, test)
        #expect(abs(ssim - json["ssim"]!) < 1e-3, "SSIM \(ssim) vs scikit-image \(json["ssim"]!)")
        #expect(abs(psnr - json["psnr"]!) < 1e-3, "PSNR \(psnr) vs scikit-image \(json["psnr"]!)")
        #expect(abs(nrmse - json["nrmse"]!) < 1e-3, "NRMSE \(nrmse) vs scikit-image \(json["nrmse"]!)")
        // The noisy image is clearly, but not totally, dissimilar (the check is not vacuous).
        #expect(ssim > 0.05 && ssim < 0.9)
    }
}

import FluoCore
@testable import Training

/// Small denoising pairs made in the test: smooth blobs (sums of Gaussians) as ground truth
/// and the same plus Gaussian noise as input.
enum SyntheticPairs {
    /// (ground truth, noisy) of `size`×`size`.
    static func pair(size: Int, seed: UInt64, noise: Double = 0.25) -> (truth: [Float], noisy: [Float]) {
        var random = RandomStream(seed: seed)
        var truth = [Float](repeating: 0.1, count: size * size)
        for _ in 0..<(size * size / 80) {
            let cy = random.uniform(0, Double(size)), cx = random.uniform(0, Double(size))
            let sigma = random.uniform(1.5, 3.5), amplitude = random.uniform(0.4, 1)
            for y in 0..<size {
                for x in 0..<size {
                    let d2 = (Double(y) - cy) * (Double(y) - cy) + (Double(x) - cx) * (Double(x) - cx)
                    if d2 < 25 * sigma * sigma { truth[y * size + x] += Float(amplitude * exp(-d2 / (2 * sigma * sigma))) }
                }
            }
        }
        let noisy = truth.map { $0 + Float(noise * random.normal()) }
        return (truth, noisy)
    }

    /// Pairs normalised per image as TIFF training data is.
    static func data(count: Int, size: Int, seed: UInt64) -> TrainingData {
        let normalization = PercentileNormalization()
        let pairs = (0..<count).map { i -> ImagePair in
            let (truth, noisy) = pair(size: size, seed: seed + UInt64(i))
            return ImagePair(input: normalization.apply(noisy, range: normalization.range(of: noisy)),
                             target: normalization.apply(truth, range: normalization.range(of: truth)),
                             shape: [size, size], inChannels: 1, outChannels: 1, name: "synthetic \(i)")
        }
        return TrainingData(pairs: pairs, wholeImages: true, description: "synthetic blobs")
    }

    /// `test` mapped by the least-squares affine fit onto `reference` (CSBDeep's `normalize_minmse`).
    static func fitted(_ test: [Float], to reference: [Float]) -> [Float] {
        let n = Double(test.count)
        let mt = test.reduce(0.0) { $0 + Double($1) } / n, mr = reference.reduce(0.0) { $0 + Double($1) } / n
        var covariance = 0.0, variance = 0.0
        for i in test.indices {
            covariance += (Double(test[i]) - mt) * (Double(reference[i]) - mr)
            variance += (Double(test[i]) - mt) * (Double(test[i]) - mt)
        }
        let alpha = covariance / (variance + 1e-10), beta = mr - alpha * mt
        return test.map { Float(alpha * Double($0) + beta) }
    }
}

import Foundation

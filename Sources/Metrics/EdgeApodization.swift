import FluoCore
import Foundation

/// Raised-cosine apodisation of an image's edges, as Descloux et al.'s `apodImRect`: the image
/// minus its mean is multiplied by m(y)·m(x), m rising as ½(1 − cos(π(t + ½)/w)) over the
/// `width` w pixels nearest each edge (t = distance to the edge) and 1 inside, and the mean is
/// added back. It keeps the edges' discontinuity under periodic extension out of the spectrum.
enum EdgeApodization {
    static func apply(_ image: Volume, width: Int) -> Volume {
        precondition(image.rank == 2, "EdgeApodization: needs a 2-D image, got \(image.shape)")
        let masks = image.shape.map { n -> [Double] in
            let w = Swift.min(width, n / 4)
            return (0..<n).map { i in
                let t = Swift.min(i, n - 1 - i)
                return t >= w ? 1 : 0.5 * (1 - cos(Double.pi * (Double(t) + 0.5) / Double(w)))
            }
        }
        let mean = image.mean(), nx = image.shape[1]
        var out = image
        for i in 0..<image.count {
            out.data[i] = Float((Double(image.data[i]) - mean) * masks[0][i / nx] * masks[1][i % nx] + mean)
        }
        return out
    }
}

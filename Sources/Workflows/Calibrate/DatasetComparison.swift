import Calibration
import DataIO
import FluoCore
import Foundation
import Metrics

/// A dataset's inputs measured as the real image is (`calibrate --compare DATASET`): the
/// statistics the matching uses and the domain-gap distances, so a user sees whether a
/// simulation resembles their data before training on it.
struct DatasetComparison {
    var measurement: TwinMeasurement
    var gap: DomainGap
    var images: Int

    /// Up to `limit` inputs of `dataset` (a `generate` output folder: the first condition of
    /// its test, validation and training splits, in that order), on `grid`, against `real`.
    init(dataset: String, real: Volume, grid: CameraGrid, noise: CameraNoiseModel, nominalCutoffPerUm: Double, limit: Int) throws {
        let images = try DatasetComparison.inputs(of: dataset, limit: limit).map { path -> Volume in
            grid.apply(try TIFFReader.read(path).volume().singlePlaneAsImage)
        }
        measurement = try SyntheticTwin.measurement(of: images, noise: noise, nominalCutoffPerUm: nominalCutoffPerUm)
        gap = DomainGap(real: real, synthetic: images, offset: noise.offsetADU)
        self.images = images.count
    }

    static func inputs(of dataset: String, limit: Int) throws -> [String] {
        let manager = FileManager.default
        var paths: [String] = []
        for split in ["test", "val", "train"] where paths.count < limit {
            let folder = dataset + "/" + split
            guard let conditions = try? manager.contentsOfDirectory(atPath: folder).filter({ $0 != "GT" && !$0.hasPrefix(".") }).sorted(),
                  let condition = conditions.first,
                  let files = try? manager.contentsOfDirectory(atPath: folder + "/" + condition).filter({ $0.hasSuffix(".tif") }).sorted() else { continue }
            paths += files.prefix(limit - paths.count).map { folder + "/" + condition + "/" + $0 }
        }
        guard !paths.isEmpty else {
            throw CalibrationError.insufficientData("\(dataset) holds no input TIFFs under test/, val/ or train/ (a fluosynth generate folder is expected)")
        }
        return paths
    }
}

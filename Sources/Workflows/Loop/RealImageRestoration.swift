import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Metrics
import Training

/// The loop's step on real data: a user's image restored by the loop's network and by
/// Richardson–Lucy, scored against a reference where one is given.
///
/// Richardson–Lucy's iteration count is chosen on the synthetic validation split (the count
/// of `candidates` with the lowest mean NRMSE against the validation targets), never on the
/// reference, so the real scores are what a user without a reference would get.
struct RealImageRestoration {
    let folder: String
    let spec: LoadedSpec
    let grid: LoopGrid
    let predictor: Predictor
    let threads: Int
    static let candidates = [10, 20, 50]

    /// The iteration count with the lowest mean NRMSE on (up to 8 images of) the validation split.
    func chooseIterations(_ baseline: (Int) -> Baseline, condition: String) throws -> (best: Int, nrmse: [Int: Double]) {
        let inputs = folder + "/data/val/" + condition, targets = folder + "/data/val/GT"
        let ids = try FileManager.default.contentsOfDirectory(atPath: inputs).filter { $0.hasSuffix(".tif") }.sorted().prefix(8)
        guard !ids.isEmpty else { throw WorkflowError.incomplete("\(inputs) holds no validation images to choose Richardson–Lucy's iterations on") }
        var scores: [Int: Double] = [:]
        for iterations in Self.candidates {
            var total = 0.0
            for id in ids {
                let input = try grid.onTargetGrid(TIFFReader.read(inputs + "/" + id).volume())
                let restored = try DeconvolveRun.restore(input, with: baseline(iterations), relativeTo: spec.folder, threads: threads)
                total += try CAREEvaluation().evaluate(prediction: restored, groundTruth: TIFFReader.read(targets + "/" + id).volume()).scores.nrmse
            }
            scores[iterations] = total / Double(ids.count)
        }
        return (scores.min { $0.value < $1.value }!.key, scores)
    }

    /// Restores `path` (on the spec's input grid) into `real/`: `<name>-input.tif` (on the
    /// targets' grid, interpolated for a super-resolution spec, as Richardson–Lucy restores it),
    /// `<name>-network.tif`, `<name>-richardson-lucy.tif`, and for a probabilistic model
    /// (`loop: {loss: laplace}`) `<name>-scale.tif`, the per-pixel scale of its Laplace
    /// distribution: where the network is unsure; with an `adapted` model (`loop --adapt`),
    /// `<name>-adapted.tif`. With `reference`, their scores.
    func restore(_ path: String, baseline: Baseline, reference: String?, adapted: Predictor? = nil) throws -> (files: [String: String], report: EvaluationReport?) {
        let file = try TIFFReader.read(path)
        var input = try file.volume().singlePlaneAsImage
        guard input.rank == spec.template.shape.count else {
            throw WorkflowError.mismatch("\(path) is \(input.rank)-D; the spec's images are \(spec.template.shape.count)-D")
        }
        if let recorded = file.metadata.pixelSizeUm?.x, abs(recorded / grid.inputPixelSizeUm.last! - 1) > 0.01 {
            throw WorkflowError.mismatch("\(path) records \(recorded) µm pixels; the spec's input grid is \(grid.inputPixelSizeUm.last!) µm: resample the image or write the spec for its grid")
        }
        input.spacingUm = grid.inputPixelSizeUm
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var files = ["input": "\(folder)/real/\(name)-input.tif", "network": "\(folder)/real/\(name)-network.tif",
                     "richardson-lucy": "\(folder)/real/\(name)-richardson-lucy.tif"]
        let interpolated = try grid.onTargetGrid(input)
        try TIFFWriter.write(interpolated, to: files["input"]!)
        let prediction = try predictor.predict([input])
        try TIFFWriter.write(prediction.mean[0], to: files["network"]!)
        if let scale = prediction.scale?[0] {
            files["scale"] = "\(folder)/real/\(name)-scale.tif"
            try TIFFWriter.write(scale, to: files["scale"]!)
        }
        try TIFFWriter.write(try DeconvolveRun.restore(interpolated, with: baseline, relativeTo: spec.folder, threads: threads), to: files["richardson-lucy"]!)
        if let adapted {
            files["adapted"] = "\(folder)/real/\(name)-adapted.tif"
            try TIFFWriter.write(try adapted.predict([input]).mean[0], to: files["adapted"]!)
        }
        guard let reference else { return (files, nil) }
        let report = try EvaluateRun.run(groundTruth: reference, sets: ["input", "richardson-lucy", "network", "adapted"].compactMap { name in
            files[name].map { EvaluationSet(name: name, path: $0) }
        }, threads: threads)
        return (files, report)
    }
}

import DataIO
import FluoCore
import Foundation
import Training

/// What `fluosynth predict` was asked to do.
public struct PredictRequest: Sendable {
    public var modelDirectory: String
    public var input: String
    public var output: String
    /// Where the scale of a probabilistic model goes (default: `<output>-scale.tif`).
    public var scaleOutput: String?
    public var tiles: [Int]?
    public var overlap: Int?
    public var weights: ModelStore.Weights = .best
    public var threads: Int = Parallel.availableCores

    public init(modelDirectory: String, input: String, output: String) {
        self.modelDirectory = modelDirectory
        self.input = input
        self.output = output
    }
}

/// `fluosynth predict`: applies a model to a TIFF image, stack or time series (frame by frame;
/// a 2-D model goes plane by plane through stacks) and writes float32 TIFFs with the input's
/// spacing: the restored image and, for probabilistic models, the scale.
public enum PredictRun {
    public static func run(_ request: PredictRequest, log: (String) -> Void) throws {
        let model = try ModelStore(directory: request.modelDirectory).load(request.weights)
        let architecture = model.configuration.architecture
        let scaleOutput = request.scaleOutput ?? ImageFile.sibling(of: request.output, suffix: "-scale")
        _ = try ImageFile.kind(of: request.output)
        if architecture.probabilistic { _ = try ImageFile.kind(of: scaleOutput) }
        let image = try ImageFile.read(request.input)
        if ImageFile.isConstant(image.samples) {
            log("warning: \(request.input) is constant (every sample \(image.samples.first ?? 0)): normalised it carries no information, so the restoration is flat too")
        }
        if image.metadata.pixelSizeUm == nil {
            log("warning: \(request.input) does not record its pixel size; the output is written with 1 µm pixels (set it in Fiji: Image › Properties)")
        }
        let frames = try image.hyperstack()
        guard frames.first?.count == architecture.inChannels else {
            throw TrainingError.mismatch(request.input, "has \(frames.first?.count ?? 0) channel(s), the model takes \(architecture.inChannels)")
        }
        let predictor = Predictor(model: model, threads: request.threads)
        var means: [[Volume]] = [], scales: [[Volume]] = []
        let display = ProgressDisplay(total: frames.count, label: "predict", unit: "frames")
        for channels in frames {
            let rank = channels[0].rank
            let result: (mean: [Volume], scale: [Volume]?)
            if rank == architecture.dimensions {
                result = try predictor.predict(channels, tiles: request.tiles, overlap: request.overlap)
            } else if rank == 3 && architecture.dimensions == 2 {
                let planes = try (0..<channels[0].shape[0]).map { z in
                    try predictor.predict(channels.map { $0.plane(z) }, tiles: request.tiles, overlap: request.overlap)
                }
                let spacing = channels[0].spacingUm[0]
                func stacked(_ pick: ((mean: [Volume], scale: [Volume]?)) -> [Volume]) -> [Volume] {
                    (0..<planes[0].mean.count).map { c in Volume.stack(planes.map { pick($0)[c] }, spacingUm: spacing) }
                }
                result = (stacked(\.mean), architecture.probabilistic ? stacked { $0.scale! } : nil)
            } else {
                throw TrainingError.mismatch(request.input, "is \(rank)-D; the model is \(architecture.dimensions)-D")
            }
            means.append(result.mean)
            if let scale = result.scale { scales.append(scale) }
            display.advance()
        }
        display.finish()
        try ImageFile.write(hyperstack: means, to: request.output)
        log("wrote \(request.output): \(means[0][0].shape.map(String.init).joined(separator: "×")) × \(means[0].count) channel(s) × \(means.count) frame(s)")
        if architecture.probabilistic {
            try ImageFile.write(hyperstack: scales, to: scaleOutput)
            log("wrote \(scaleOutput): Laplace scale (uncertainty)")
        }
    }
}

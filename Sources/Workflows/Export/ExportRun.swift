import DataIO
import FluoCore
import Foundation
import Training

/// What `fluosynth export` was asked to do.
public struct ExportRequest: Sendable {
    public var modelDirectory: String
    /// An image the model is meant for: its centre becomes the test tensor and the cover.
    public var sample: String
    /// The package, `*.zip`.
    public var output: String
    public var weights: ModelStore.Weights = .best
    public var name: String?
    public var authors: [String] = ["FluoSynth"]
    public var license = "CC-BY-4.0"
    /// The dataset spec the model was trained on, attached to the package.
    public var spec: String?
    public var threads: Int = Parallel.availableCores

    public init(modelDirectory: String, sample: String, output: String) {
        (self.modelDirectory, self.sample, self.output) = (modelDirectory, sample, output)
    }
}

/// `fluosynth export`: a model folder as a bioimage.io model package (format 0.5) with ONNX
/// weights, so Fiji (deepImageJ), napari, ilastik and bioimageio.core run it.
///
/// The package holds the network as ONNX (`UNet.onnxGraph`), the model's percentile
/// normalisation as `scale_range` preprocessing, axes with the sample's pixel size in µm, a test
/// input (the sample's centre, at most 256² or 32×128² pixels) with FluoSynth's prediction
/// of it as the test output, a cover (input | output), a README, `config.json`, the training
/// curve and the spec when given. Outputs are in the normalised input's units, as the network
/// computes them; `fluosynth predict` maps them back to intensities with the input's percentiles.
public enum ExportRun {
    /// The largest test tensor per spatial axis: 2-D (y, x) and 3-D (z, y, x).
    static let testSize2D = [256, 256], testSize3D = [32, 128, 128]

    public static func run(_ request: ExportRequest, log: (String) -> Void) throws {
        guard request.output.hasSuffix(".zip") else {
            throw TrainingError.options("-o \(request.output): a bioimage.io package is a .zip file (e.g. model.bioimageio.zip)")
        }
        let store = ModelStore(directory: request.modelDirectory)
        let model = try store.load(request.weights)
        let architecture = model.configuration.architecture
        let test = try testInput(request.sample, architecture: architecture)
        let spec = try request.spec.map { path -> Data in
            guard let data = FileManager.default.contents(atPath: path) else { throw TrainingError.options("--spec \(path): cannot read the file") }
            return data
        }

        let name = request.name ?? "FluoSynth \(architecture.kind.displayName) \(architecture.dimensions)-D (\(URL(fileURLWithPath: request.modelDirectory).lastPathComponent))"
        let onnx = try model.network.onnxGraph(name: name).serialized(producer: ToolInfo.name, version: ToolInfo.version)
        log("export: running the model on the \(test[0].shape.map(String.init).joined(separator: "×")) test input")
        let prediction = try Predictor(model: model, threads: request.threads).predict(test, normalizedOutput: true)

        var files: [(name: String, data: Data)] = [
            ("weights.onnx", onnx),
            ("test_input.npy", tensor(test).npyFile),
            ("test_output_mean.npy", tensor(prediction.mean).npyFile),
            ("sample_input.tif", try bytes { try TIFFWriter.write(hyperstack: [test], to: $0) }),
            ("sample_output_mean.tif", try bytes { try TIFFWriter.write(hyperstack: [prediction.mean], to: $0) }),
            ("cover.png", try bytes { try PNGWriter.write(cover(input: test, output: prediction.mean), to: $0) }),
            ("README.md", Data(readme(model.configuration, name: name, history: (try? store.loadCheckpoint())?.state.history,
                                      weights: request.weights).utf8)),
        ]
        if let scale = prediction.scale {
            files.append(("test_output_scale.npy", tensor(scale).npyFile))
            files.append(("sample_output_scale.tif", try bytes { try TIFFWriter.write(hyperstack: [scale], to: $0) }))
        }
        for attachment in ["config.json", "training.csv", "training.svg"] {
            if let data = FileManager.default.contents(atPath: request.modelDirectory + "/" + attachment) { files.append((attachment, data)) }
        }
        if let spec { files.append(("training-spec.yaml", spec)) }

        let description = ModelDescription(
            name: name,
            description: "\(architecture.kind.displayName) network (\(architecture.summary)) trained with FluoSynth on \(model.configuration.trainingData.description).",
            authors: request.authors.map(ModelDescription.Person.init), cite: citations(architecture.kind), license: request.license,
            tags: ["fluosynth", architecture.kind.rawValue, "denoising", "deconvolution", "restoration", "fluorescence-light-microscopy", architecture.dimensions == 3 ? "3d" : "2d"],
            documentation: "README.md", covers: ["cover.png"], timestamp: Date(),
            inputs: [inputTensor(model.configuration, spacing: test[0].spacingUm)],
            outputs: outputTensors(architecture, spacing: test[0].spacingUm),
            weights: .init(onnx: .init(source: "weights.onnx", opsetVersion: ONNXGraph.opsetVersion)),
            attachments: files.map(\.name).filter { ["config.json", "training.csv", "training.svg", "training-spec.yaml"].contains($0) }
                .map(ModelDescription.File.init))
        try ModelPackage(description: description, files: files).write(to: request.output)
        log("export: wrote \(request.output) (bioimage.io 0.5, ONNX opset \(ONNXGraph.opsetVersion))")
    }

    /// The centre of the sample, each axis the largest power of two within the sample and
    /// the test-size limit (a multiple of the block size; and n·s/s == n exactly in floating
    /// point, which bioimageio.spec 0.5 checks when an output axis refers to an input axis).
    static func testInput(_ path: String, architecture: Architecture) throws -> [Volume] {
        let image = try ImageFile.read(path)
        let channels = try image.hyperstack()[0].map(\.singlePlaneAsImage)
        guard channels.count == architecture.inChannels else {
            throw TrainingError.mismatch(path, "has \(channels.count) channel(s), the model takes \(architecture.inChannels)")
        }
        guard channels[0].rank == architecture.dimensions else {
            throw TrainingError.mismatch(path, "is \(channels[0].rank)-D; the model is \(architecture.dimensions)-D")
        }
        let block = architecture.blockSize
        let limit = architecture.dimensions == 3 ? testSize3D : testSize2D
        let size = zip(channels[0].shape, limit).map { 1 << (Int.bitWidth - 1 - Swift.min($0, $1).leadingZeroBitCount) }
        guard size.allSatisfy({ $0 >= block }) else {
            throw TrainingError.mismatch(path, "is \(channels[0].shape) pixels; the test input needs at least \(block) per axis")
        }
        return channels.map { $0.centred(size) }
    }

    /// Channels as a (1, C, …) array.
    static func tensor(_ channels: [Volume]) -> NumpyArray {
        NumpyArray(shape: [1, channels.count] + channels[0].shape, values: channels.flatMap(\.data))
    }

    static func spatialAxes(_ dimensions: Int) -> [String] { dimensions == 3 ? ["z", "y", "x"] : ["y", "x"] }

    /// A pixel size to 7 significant digits (TIFF resolutions are stored as float32 ratios).
    static func rounded(_ micrometres: Double) -> Double { Double(String(format: "%.7g", micrometres)) ?? micrometres }

    /// A percentile as written in text: 1, 99.8.
    static func percent(_ p: Double) -> String { String(format: "%g", p) }

    static func inputTensor(_ configuration: ModelConfiguration, spacing: [Double]) -> ModelDescription.Tensor {
        let a = configuration.architecture, n = configuration.normalization
        let axes = spatialAxes(a.dimensions)
        return .init(
            id: "input", description: "raw image; normalised per image and channel between its percentiles \(percent(n.low)) and \(percent(n.high))",
            axes: [.batch, .channel((0..<a.inChannels).map { "channel\($0)" })]
                + zip(axes, spacing).map { .space($0, size: .parameterized(min: a.blockSize, step: a.blockSize), micrometres: rounded($1)) },
            testTensor: "test_input.npy", sampleTensor: "sample_input.tif",
            preprocessing: [.scaleRange(axes: axes, minPercentile: n.low, maxPercentile: n.high, eps: 1e-6)])
    }

    static func outputTensors(_ a: Architecture, spacing: [Double]) -> [ModelDescription.Tensor] {
        let axes = spatialAxes(a.dimensions)
        func tensor(_ id: String, _ description: String) -> ModelDescription.Tensor {
            .init(id: id, description: description,
                  axes: [.batch, .channel((0..<a.outChannels).map { "\(id)\($0)" })]
                      + zip(axes, spacing).map { .space($0, size: .reference(tensor: "input", axis: $0), micrometres: rounded($1)) },
                  testTensor: "test_output_\(id).npy", sampleTensor: "sample_output_\(id).tif")
        }
        // Descriptions are limited to 128 characters; README.md says how to get intensities back.
        var outputs = [tensor("mean", "restored image in the normalised input's units")]
        if a.probabilistic { outputs.append(tensor("scale", "Laplace scale (uncertainty) of each pixel, in the normalised input's units")) }
        return outputs
    }

    static func citations(_ kind: Architecture.Kind) -> [ModelDescription.Citation] {
        switch kind {
        case .care:
            [.init(text: "Weigert et al., Content-aware image restoration: pushing the limits of fluorescence microscopy. Nature Methods 15, 1090–1097 (2018)",
                   doi: "10.1038/s41592-018-0216-7")]
        case .rcan:
            [.init(text: "Chen et al., Three-dimensional residual channel attention networks denoise and sharpen fluorescence microscopy image volumes. Nature Methods 18, 678–687 (2021)",
                   doi: "10.1038/s41592-021-01155-x")]
        case .dfcan:
            [.init(text: "Qiao et al., Evaluation and development of deep neural networks for image super-resolution in optical microscopy. Nature Methods 18, 194–202 (2021)",
                   doi: "10.1038/s41592-020-01048-5")]
        }
    }

    /// Input | output, the middle slice of stacks, each channel's contrast stretched.
    static func cover(input: [Volume], output: [Volume]) -> Image8 {
        func picture(_ channels: [Volume]) -> Image8 {
            Preview.image(channels: channels.map { $0.rank == 3 ? $0.plane($0.shape[0] / 2) : $0 })
        }
        return ImageSheet.row([picture(input), picture(output)])
    }

    /// The bytes a file writer writes (through a temporary file).
    static func bytes(_ write: (String) throws -> Void) throws -> Data {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fluosynth-export-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try write(path)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    static func readme(_ c: ModelConfiguration, name: String, history: [EpochRecord]?, weights: ModelStore.Weights) -> String {
        let a = c.architecture
        let epoch = history.flatMap { weights == .best ? $0.min { $0.validationLoss < $1.validationLoss } : $0.last }
        let validation = epoch.map { "the exported weights (\(weights.rawValue)) reached a validation loss (\(c.loss.rawValue), on the held-out validation pairs) of \(String(format: "%.5g", $0.validationLoss)) at epoch \($0.epoch) of \(history!.count); `training.csv` has the whole curve." }
            ?? "the model folder kept no training history."
        return """
        # \(name)

        A \(a.kind.displayName) network (\(citations(a.kind)[0].text.prefix { $0 != "," }).) trained by \(c.createdBy) and exported by FluoSynth \(ToolInfo.version).

        - Architecture: \(a.summary).
        - Trained on: \(c.trainingData.description) (\(c.trainingData.pairs) pairs, hash \(c.trainingData.hash)), patches \(c.patch.map(String.init).joined(separator: "×")), loss \(c.loss.rawValue).
        - Input: each image and channel normalised between its percentiles \(percent(c.normalization.low)) and \(percent(c.normalization.high)) (`scale_range`). Each image axis must be a multiple of \(a.blockSize).
        - Output: in the normalised input's units; multiply by (p_high − p_low) and add p_low for the input's intensities, as `fluosynth predict` does.
        - Receptive field radius: \(a.receptiveFieldRadius) pixels (overlap tiles by at least this much).

        `config.json` is the FluoSynth model configuration; `training.csv` the training curve.

        # Validation

        During training \(validation) The test output in this package is FluoSynth's own prediction of the test input; `bioimageio test` reproduces it with ONNX Runtime.
        """
    }
}

import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport
@testable import Training
@testable import Workflows

/// `fluosynth export` against the bioimage.io ecosystem: bioimageio.core validates each
/// package and reproduces its test outputs with ONNX Runtime, and ONNX Runtime's prediction
/// of a whole image equals `fluosynth predict`'s within 1e-4.
@Suite struct ExportTests {
    /// A model folder with every parameter drawn at random (so batch-normalisation statistics,
    /// biases and the scale head all matter), and a sample image of `shape`.
    static func modelFolder(_ architecture: Architecture, shape: [Int], seed: UInt64) throws -> (folder: String, sample: String) {
        let folder = TestPaths.temporaryDirectory("export")
        let model = RestorationModel(architecture: architecture, normalization: PercentileNormalization(low: 2, high: 99.5),
                                     loss: architecture.probabilistic ? .laplace : .mae, patch: shape,
                                     trainingData: .init(description: "random", hash: "0", normalizedOnLoading: true, pairs: 0),
                                     seed: seed, createdBy: "test")
        var random = RandomStream(seed: seed).substream("parameters")
        for parameter in model.network.parameters {
            let positive = parameter.name.hasSuffix("moving_variance") || parameter.name.hasSuffix("gamma")
            parameter.value = parameter.value.indices.map { i in
                let u = Float(random.uniform())
                return positive ? 0.5 + u : parameter.name.hasSuffix(".weight") ? (u - 0.5) * 0.2 : (u - 0.5) * 0.5
            }
        }
        let store = ModelStore(directory: folder + "/model")
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        try store.saveConfiguration(model.configuration)
        try store.saveWeights(model, .best)
        let values = (0..<shape.reduce(1, *)).map { _ in Float(100 + 900 * random.uniform()) }
        let spacing = shape.count == 3 ? [0.3, 0.1, 0.1] : [0.065, 0.065]
        let sample = folder + "/sample.tif"
        try TIFFWriter.write(Volume(shape: shape, spacingUm: spacing, data: values), to: sample)
        return (folder, sample)
    }

    static let cases: [(String, Architecture, [Int])] = [
        ("2-D", .care(UNetConfiguration(dimensions: 2, depth: 2, firstFilters: 8)), [64, 48]),
        ("2-D probabilistic, batch norm", .care(UNetConfiguration(dimensions: 2, depth: 1, firstFilters: 8, kernelSize: 3, probabilistic: true, batchNorm: true)), [40, 56]),
        ("3-D", .care(UNetConfiguration(dimensions: 3, depth: 1, firstFilters: 4)), [8, 32, 24]),
        ("2-D RCAN", .rcan(RCANConfiguration(dimensions: 2, channels: 8, residualGroups: 2, residualBlocks: 2, channelReduction: 4)), [36, 44]),
        ("3-D RCAN", .rcan(RCANConfiguration(dimensions: 3, channels: 8, residualGroups: 1, residualBlocks: 2, channelReduction: 4)), [6, 20, 28]),
    ]

    @Test(.enabled(if: PythonReference.isAvailable), arguments: 0..<5)
    func packagePassesBioimageioAndMatchesPredict(_ index: Int) throws {
        let (label, architecture, shape) = Self.cases[index]
        let (folder, sample) = try Self.modelFolder(architecture, shape: shape, seed: UInt64(10 + index))
        let package = folder + "/model.bioimageio.zip"
        var request = ExportRequest(modelDirectory: folder + "/model", sample: sample, output: package)
        request.threads = 2
        try ExportRun.run(request) { _ in }

        var predict = PredictRequest(modelDirectory: folder + "/model", input: sample, output: folder + "/predicted.tif")
        predict.threads = 2
        try PredictRun.run(predict) { _ in }
        let arguments = [package, sample, folder + "/predicted.tif"] + (architecture.probabilistic ? [folder + "/predicted-scale.tif"] : [])
        let report = try PythonReference.run("bioimageio_check.py", arguments)
        print("export \(label): \(report.trimmingCharacters(in: .whitespacesAndNewlines))")
        #expect(report.contains("\"status\": \"passed\""))
    }

    /// The package's description names every file it holds, with the model's normalisation
    /// and the sample's pixel size; a non-.zip output is refused before any work.
    @Test func packageDescribesTheModel() throws {
        let (folder, sample) = try Self.modelFolder(Self.cases[2].1, shape: [8, 32, 24], seed: 3)
        let package = folder + "/m.bioimageio.zip"
        var request = ExportRequest(modelDirectory: folder + "/model", sample: sample, output: package)
        request.threads = 1
        try ExportRun.run(request) { _ in }
        let files = Dictionary(try ZipReader.files(package).map { ($0.name, $0.data) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(files.keys) == ["rdf.yaml", "weights.onnx", "test_input.npy", "test_output_mean.npy", "sample_input.tif",
                                 "sample_output_mean.tif", "cover.png", "README.md", "config.json"])
        let rdf = String(decoding: files["rdf.yaml"] ?? Data(), as: UTF8.self)
        for line in ["min_percentile: 2", "max_percentile: 99.5", "scale: 0.3", "scale: 0.1", "opset_version: 17", "format_version: '0.5.4'"] {
            #expect(rdf.contains(line), "rdf.yaml lacks '\(line)'")
        }
        // Test tensors: the sample's centre, each axis the largest power of two that fits.
        let arrays = try NPZFile.read(package)
        let image = try TIFFReader.read(sample).volume()
        #expect(arrays["test_input"]?.shape == [1, 1, 8, 32, 16] && arrays["test_output_mean"]?.shape == [1, 1, 8, 32, 16])
        #expect(arrays["test_input"]?.values == image.region(origin: [0, 0, 4], size: [8, 32, 16]).data)

        request.output = folder + "/m.onnx"
        #expect(throws: TrainingError.self) { try ExportRun.run(request) { _ in } }
        #expect(!FileManager.default.fileExists(atPath: request.output))
    }
}

/// `predict` reads and writes the image formats by name: a TIFF restored to OME-Zarr, and that
/// OME-Zarr restored to OME-TIFF, give the same values with the input's spacing.
@Suite struct PredictFormatTests {
    @Test func predictReadsAndWritesOMEZarrAndOMETIFF() throws {
        let (folder, sample) = try ExportTests.modelFolder(.care(UNetConfiguration(dimensions: 2, depth: 1, firstFilters: 4, kernelSize: 3)), shape: [32, 24], seed: 7)
        func predict(_ input: String, _ output: String) throws {
            var request = PredictRequest(modelDirectory: folder + "/model", input: input, output: output)
            request.threads = 1
            try PredictRun.run(request) { _ in }
        }
        try predict(sample, folder + "/a.tif")
        try predict(sample, folder + "/a.zarr")
        try ImageFile.write(try ImageFile.read(sample).volume(), to: folder + "/sample.zarr")
        try predict(folder + "/sample.zarr", folder + "/b.ome.tif")
        let reference = try ImageFile.read(folder + "/a.tif").volume()
        for name in ["a.zarr", "b.ome.tif"] {
            let image = try ImageFile.read(folder + "/" + name).volume()
            #expect(image.data == reference.data && image.spacingUm.map { ($0 * 1e6).rounded() } == [65_000, 65_000], "\(name)")
        }
        #expect(throws: DataIOError.self) { try predict(sample, folder + "/c.png") }
    }
}

/// A CSBDeep model folder given to predict is named as such, with what to do instead.
@Suite struct ForeignModelTests {
    @Test func csbdeepModelFolderIsRecognised() throws {
        let folder = TestPaths.temporaryDirectory("csbdeep-model")
        let config = #"{"n_dim": 2, "axes": "YXC", "n_channel_in": 1, "n_channel_out": 1, "unet_n_depth": 2, "unet_kern_size": 5, "train_loss": "laplace"}"#
        try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/config.json"))
        do {
            _ = try ModelStore(directory: folder).load()
            Issue.record("a CSBDeep folder loaded")
        } catch {
            #expect("\(error)".contains("is a CSBDeep (Keras) model folder") && "\(error)".contains("unet_n_depth"), "\(error)")
        }
    }
}

/// NaN or infinite pixels are reported with the file's name by every command that reads
/// images (predict, deconvolve, evaluate, isotropic, train), never carried into an output.
@Suite struct NonFiniteInputTests {
    @Test func nonFiniteSamplesAreReportedWithTheFile() throws {
        let (folder, sample) = try ExportTests.modelFolder(.care(UNetConfiguration(dimensions: 2, depth: 1, firstFilters: 4, kernelSize: 3)), shape: [32, 32], seed: 9)
        var image = try TIFFReader.read(sample).volume()
        image.data[5 * 32 + 7] = .nan
        image.data[9] = .infinity
        let bad = folder + "/bad.tif"
        try TIFFWriter.write(image, to: bad)
        func expectReport(_ label: String, _ body: () throws -> Void) {
            do {
                try body()
                Issue.record("\(label): accepted an image with NaN")
            } catch {
                #expect("\(error)".contains("bad.tif") && "\(error)".contains("2 NaN or infinite sample(s), the first at 0, 0, 9"), "\(label): \(error)")
            }
        }
        var predict = PredictRequest(modelDirectory: folder + "/model", input: bad, output: folder + "/out.tif")
        predict.threads = 1
        expectReport("predict") { try PredictRun.run(predict) { _ in } }
        expectReport("deconvolve") {
            _ = try DeconvolveRun.run(input: bad, output: folder + "/rl.tif", baseline: .gaussian(sigmaUm: 0.1), threads: 1)
        }
        expectReport("evaluate") { _ = try EvaluateRun.run(groundTruth: bad, sets: [EvaluationSet(name: "x", path: sample)]) }
        expectReport("isotropic") {
            let stack = Volume(shape: [4, 32, 32], spacingUm: [0.4, 0.1, 0.1], data: (0..<4096).map { $0 == 9 || $0 == 167 ? .nan : Float($0 % 7) })
            try TIFFWriter.write(stack, to: bad)
            _ = try AnisotropicStack.read(bad, pixelSizeUm: nil, zStepUm: nil)
        }
        expectReport("train") {
            let pairs = folder + "/pairs"
            for role in ["GT", "low"] {
                try FileManager.default.createDirectory(atPath: pairs + "/train/" + role, withIntermediateDirectories: true)
                try TIFFWriter.write(role == "GT" ? try TIFFReader.read(sample).volume() : image, to: pairs + "/train/\(role)/bad.tif")
            }
            _ = try TrainingDataSet.load(pairs, normalization: PercentileNormalization())
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.tif") && !FileManager.default.fileExists(atPath: folder + "/rl.tif"))
    }
}

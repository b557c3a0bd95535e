import DataIO
import FluoCore
import Foundation
import Imaging
import Training

/// What `fluosynth isotropic prepare` was asked to do.
public struct IsotropicPrepareRequest: Sendable {
    public var stack: String
    public var output: String
    public var pixelSizeUm: Double?
    public var zStepUm: Double?
    public var psf: PSFModel
    /// Patch size of the npz written for training elsewhere (clipped to the slices, a multiple of 4).
    public var patch: Int = 128
    /// Patches per lateral slice and orientation in the npz.
    public var patchesPerSlice: Int = 8
    /// CSBDeep's foreground filter threshold for the npz patches.
    public var foregroundThreshold: Double = 0.4
    /// Share of the z planes (the last ones) kept for validation.
    public var validationFraction: Double = 0.1
    public var seed: UInt64 = 0
    public var threads: Int = Parallel.availableCores

    public init(stack: String, output: String, psf: PSFModel) {
        self.stack = stack
        self.output = output
        self.psf = psf
    }
}

/// The record of a prepared isotropic training set (`isotropic.json`): how lateral slices
/// were degraded, so prediction uses the same factor.
public struct IsotropicSetup: Codable, Equatable, Sendable {
    public var degradation: AxialDegradation
    public var channels: Int
    public var source: String
    public var trainingPairs: Int
    public var validationPairs: Int

    public enum CodingKeys: String, CodingKey {
        case degradation, channels, source
        case trainingPairs = "training_pairs"
        case validationPairs = "validation_pairs"
    }

    static func path(in folder: String) -> String { folder + "/isotropic.json" }

    public static func read(from folder: String) throws -> IsotropicSetup {
        let path = IsotropicSetup.path(in: folder)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WorkflowError.incomplete("\(path) is missing: run `fluosynth isotropic prepare` first")
        }
        return try JSONDecoder().decode(IsotropicSetup.self, from: data)
    }
}

/// `fluosynth isotropic prepare`: training pairs from the lateral slices of a stack.
///
/// Every XY plane (all channels together) is the target; degraded along y and, separately,
/// along x with `AxialDegradation` it is the input (two pairs per plane, so the network
/// sees the axial direction both ways). Pairs are written in the dataset layout —
/// `train|val/GT/<z>-<axis>.tif`, `train|val/low/<z>-<axis>.tif`, the last planes for
/// validation — and as CSBDeep `.npz` patches chosen by the foreground filter.
public enum IsotropicPrepare {
    @discardableResult
    public static func run(_ request: IsotropicPrepareRequest, log: (String) -> Void) throws -> IsotropicSetup {
        let stack = try AnisotropicStack.read(request.stack, pixelSizeUm: request.pixelSizeUm, zStepUm: request.zStepUm)
        let degradation = try stack.degradation(psf: request.psf, threads: request.threads)
        try degradation.validate()
        log(String(format: "stack %@: %@ × %d channel(s), pixel %.4g µm, z step %.4g µm → σ = %.4g; PSF FWHM lateral %.3f µm, axial %.3f µm; extra axial blur %.3f µm",
                   request.stack, stack.channels[0].shape.map(String.init).joined(separator: "×"), stack.channels.count,
                   stack.pixelSizeUm, stack.zStepUm, degradation.factor, degradation.lateralFWHMUm, degradation.axialFWHMUm,
                   degradation.extraFWHMUm))

        let planes = stack.channels[0].shape[0]
        let validationPlanes = Swift.min(planes - 1, Swift.max(1, Int((Double(planes) * request.validationFraction).rounded(.up))))
        let layout = PairLayout(root: request.output)
        let pairs = PairCollector()
        let failure = FirstError()
        let display = ProgressDisplay(total: planes, label: "prepare", unit: "planes")
        Parallel.forEach(planes, threads: request.threads) { z in
            guard !failure.isSet else { return }
            do {
                let split = z >= planes - validationPlanes ? "val" : "train"
                let target = stack.channels.map { $0.plane(z) }
                for axis in [Axis.y, Axis.x] {
                    let input = try target.map { try degradation.apply($0, along: axis) }
                    let id = String(format: "%04d-%@", z, axis.rawValue)
                    try SampleWriter.write(target, to: layout.groundTruth(split: split, id: id), as: .float32, role: "GT")
                    try SampleWriter.write(input, to: layout.input(split: split, condition: "low", id: id), as: .float32, role: "low")
                    let pair = ImagePair(input: input.flatMap(\.data), target: target.flatMap(\.data), shape: target[0].shape,
                                         inChannels: input.count, outChannels: target.count, name: id)
                    pairs.add(pair, to: split)
                }
                display.advance()
            } catch {
                failure.record(error)
            }
        }
        display.finish()
        if let error = failure.error { throw error }

        for split in ["train", "val"] {
            let ordered = pairs.sorted(split)
            try writePatches(ordered, request: request, to: layout.npz(split: split, condition: "low", shard: nil),
                             stream: RandomStream(seed: request.seed).substream(split))
        }
        let setup = IsotropicSetup(degradation: degradation, channels: stack.channels.count, source: request.stack,
                                   trainingPairs: pairs.sorted("train").count, validationPairs: pairs.sorted("val").count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(encoder.encode(setup), to: IsotropicSetup.path(in: request.output))
        log("wrote \(request.output): \(setup.trainingPairs) training and \(setup.validationPairs) validation pairs (train|val/GT, train|val/low, low.npz), isotropic.json")
        return setup
    }

    /// Percentile-normalised patches in CSBDeep's `.npz` layout (SCYX).
    static func writePatches(_ pairs: [ImagePair], request: IsotropicPrepareRequest, to path: String, stream: RandomStream) throws {
        guard let first = pairs.first else { return }
        let normalization = PercentileNormalization()
        let normalizedPairs = pairs.map { pair -> ImagePair in
            var pair = pair
            pair.input = normalized(pair.input, channels: pair.inChannels, normalization)
            pair.target = normalized(pair.target, channels: pair.outChannels, normalization)
            return pair
        }
        let size = first.shape.map { Swift.min(request.patch, $0) / 4 * 4 }
        guard size.allSatisfy({ $0 > 0 }) else { return }
        let data = TrainingData(pairs: normalizedPairs, wholeImages: true, description: path)
        let patches = try Patches.draw(from: data, patch: size, count: pairs.count * request.patchesPerSlice,
                                                   foregroundThreshold: request.foregroundThreshold, stream: stream)
        try TrainingPairsFile(x: NumpyArray(shape: patches.x.shape, values: patches.x.values),
                              y: NumpyArray(shape: patches.y.shape, values: patches.y.values), axes: "SCYX").write(to: path)
    }

    /// Each channel of a (channels × pixels) array normalised by its own percentiles.
    static func normalized(_ values: [Float], channels: Int, _ normalization: PercentileNormalization) -> [Float] {
        let size = values.count / channels
        return (0..<channels).flatMap { c in normalization.normalized(Array(values[c * size ..< (c + 1) * size])) }
    }
}

/// Pairs made on several threads, kept per split.
private final class PairCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var pairs: [String: [ImagePair]] = [:]

    func add(_ pair: ImagePair, to split: String) {
        lock.lock()
        defer { lock.unlock() }
        pairs[split, default: []].append(pair)
    }

    /// The pairs of `split` in name order (independent of the threads' timing).
    func sorted(_ split: String) -> [ImagePair] {
        lock.lock()
        defer { lock.unlock() }
        return (pairs[split] ?? []).sorted { $0.name < $1.name }
    }
}

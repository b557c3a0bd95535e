import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging

/// What `fluosynth generate` was asked to do.
public struct GenerateOptions: Sendable {
    public var specPath: String
    /// Overrides of the spec's `output.directory`, `samples` and `seed`.
    public var outputDirectory: String?
    public var samples: Int?
    public var seed: UInt64?
    public var threads: Int
    public var shard: Shard?
    /// Only the val and test samples (what `loop` writes when it trains from the spec itself).
    public var heldOutOnly = false
    /// Finish an interrupted run in the same directory.
    public var resume: Bool
    /// Replace an existing dataset in the directory.
    public var overwrite: Bool
    public var quiet: Bool

    public init(specPath: String, outputDirectory: String? = nil, samples: Int? = nil, seed: UInt64? = nil,
                threads: Int = Parallel.availableCores, shard: Shard? = nil, resume: Bool = false,
                overwrite: Bool = false, quiet: Bool = false) {
        self.specPath = specPath
        self.outputDirectory = outputDirectory
        self.samples = samples
        self.seed = seed
        self.threads = threads
        self.shard = shard
        self.resume = resume
        self.overwrite = overwrite
        self.quiet = quiet
    }
}

/// A checked spec and where its dataset goes: what `--dry-run` reports.
public struct GenerationPlan: Sendable {
    public let spec: LoadedSpec
    public let layout: PairLayout
    public let shard: Shard?
    /// Whether only the val and test splits are made (they follow the train split).
    public var heldOutOnly = false
    /// Sample indices this run is responsible for.
    public var indices: Range<Int> {
        let samples = spec.template.samples
        let range = shard?.indices(samples: samples) ?? 0..<samples
        return heldOutOnly ? range.clamped(to: spec.template.output.split.counts(samples: samples)[0] ..< samples) : range
    }

    /// An upper estimate of the memory one sample in flight needs, in bytes: per channel, the
    /// ground truth and each condition's image (4 bytes a voxel), and the PSF convolution's
    /// zero-padded FFT (padding up to 2× per axis, complex samples of 8 bytes, input and
    /// spectrum: 16 bytes × 2^d per voxel), on the ground-truth grid.
    public var bytesPerSample: Int {
        let t = spec.template
        let perVoxel = 4 * (1 + t.conditions.count) + 16 * (1 << t.shape.count)
        return (t.shape + [perVoxel, spec.phantomTemplate.channelCount]).saturatingProduct
    }

    /// An upper estimate of the bytes `samples` samples write: every image as float32 (TIFF
    /// or OME-TIFF, and again in npz and OME-Zarr where asked).
    public func bytesOnDisk(samples: Int) -> Int {
        let t = spec.template
        let copies = [OutputSpec.Format.tiff, .omeTiff, .npz, .omeZarr].filter(t.output.formats.contains).count
        return (t.shape + [4, spec.phantomTemplate.channelCount, 1 + t.conditions.count, Swift.max(copies, 1), samples]).saturatingProduct
    }

    /// Refuses a run whose `samples` still to make would not fit in the free space where they go.
    public func checkDiskSpace(samples: Int) throws {
        var folder = URL(fileURLWithPath: layout.root).standardizedFileURL
        while !FileManager.default.fileExists(atPath: folder.path) && folder.path != "/" { folder.deleteLastPathComponent() }
        guard let free = (try? FileManager.default.attributesOfFileSystem(forPath: folder.path))?[.systemFreeSize] as? Int else { return }
        let needed = bytesOnDisk(samples: samples)
        guard needed <= free else {
            throw WorkflowError.mismatch("\(spec.document.file): \(samples) samples of \(spec.template.shape) would write about "
                + "\(MemoryBudget.describe(needed)) and \(folder.path) has \(MemoryBudget.describe(free)) free; ask for fewer samples or another --out")
        }
    }

    /// The worker threads that fit `availableBytes` (at most `threads`), or an error naming the
    /// shape when not even one sample fits.
    public func workers(threads: Int, availableBytes: Int?) throws -> Int {
        guard let availableBytes else { return threads }
        let perSample = bytesPerSample
        guard perSample <= availableBytes else {
            throw WorkflowError.mismatch("\(spec.document.file): shape \(spec.template.shape) needs about \(MemoryBudget.describe(perSample)) "
                + "per sample and this machine has \(MemoryBudget.describe(availableBytes)) available; make the shape smaller (or split the field into several samples)")
        }
        return Swift.max(1, Swift.min(threads, availableBytes / Swift.max(perSample, 1)))
    }

    /// A few lines describing the plan.
    public var description: [String] {
        let t = spec.template
        let counts = t.output.split.counts(samples: t.samples)
        var lines = [
            "spec \(t.name) (\(spec.hash)): \(t.samples) samples of \(t.shape.map(String.init).joined(separator: "×")) at \(t.pixelSizeUm.map { String(format: "%.4g", $0) }.joined(separator: ", ")) µm, seed \(t.seed)",
            "splits: train \(counts[0]), val \(counts[1]), test \(counts[2]); conditions: \(t.conditions.map(\.name).joined(separator: ", "))",
            "output: \(layout.root) (\(t.output.formats.map(\.rawValue).joined(separator: ", ")), \(t.output.dtype.rawValue))",
        ]
        if let shard { lines.append("shard \(shard.index)/\(shard.count): samples \(indices.lowerBound)..<\(indices.upperBound)") }
        if heldOutOnly { lines.append("val and test splits only: samples \(indices.lowerBound)..<\(indices.upperBound)") }
        return lines
    }
}

/// The outcome of a run.
public struct GenerateSummary: Sendable {
    public var made: Int
    public var skipped: Int
    public var pairs: Int
    public var seconds: Double
    public var directory: String
}

/// `fluosynth generate`: the dataset of a spec, in parallel over samples, resumable and
/// shardable; the same bytes for any thread count.
public enum Generator {
    /// Loads and checks the spec (with the option overrides) without writing anything.
    public static func plan(_ options: GenerateOptions, presets: PresetLibrary = .standard()) throws -> GenerationPlan {
        var document = try SpecDocument(contentsOf: options.specPath)
        if let samples = options.samples { document = document.replacing(["samples"], with: String(samples)) }
        if let seed = options.seed { document = document.replacing(["seed"], with: String(seed)) }
        if let directory = options.outputDirectory { document = document.replacing(["output", "directory"], with: directory) }
        let folder = URL(fileURLWithPath: options.specPath).deletingLastPathComponent().path
        let spec = try SpecLoader.load(document, folder: folder, presets: presets)
        let directory = spec.template.output.directory.isEmpty ? "out/" + spec.template.name : spec.template.output.directory
        var plan = GenerationPlan(spec: spec, layout: PairLayout(root: directory, imageExtension: spec.template.output.imageExtension),
                                  shard: options.shard)
        plan.heldOutOnly = options.heldOutOnly
        return plan
    }

    /// Makes the samples of `plan` that are not made yet, then the aggregate files.
    public static func run(_ plan: GenerationPlan, options: GenerateOptions) throws -> GenerateSummary {
        let start = Date()
        let workers = try plan.workers(threads: options.threads, availableBytes: MemoryBudget.availableBytes)
        if workers < options.threads && !options.quiet {
            print("note: \(workers) of \(options.threads) threads, so that samples of \(MemoryBudget.describe(plan.bytesPerSample)) fit in memory")
        }
        let state = DatasetState(layout: plan.layout)
        try plan.checkDiskSpace(samples: plan.indices.count - (options.resume ? state.finishedIDs().count : 0))
        try state.prepare(hash: plan.spec.hash, resolvedSpec: plan.spec.resolvedJSON, resume: options.resume,
                          overwrite: options.overwrite, sharded: plan.shard != nil, shard: plan.shard)
        let template = plan.spec.template
        let finished = Set(state.finishedIDs())
        let pending = plan.indices.filter { !finished.contains(PairLayout.id($0)) }
        let writer = SampleWriter(layout: plan.layout, output: template.output)
        let renderer = SampleRenderer(spec: plan.spec, cache: ImagingCache(folder: plan.spec.folder), samples: template.samples)
        let progress = ProgressDisplay(total: pending.count, label: "generate", unit: "samples", quiet: options.quiet)
        let failure = FirstError()
        Parallel.forEach(pending.count, threads: workers) { position in
            guard !failure.isSet else { return }
            do {
                let sample = try renderer.render(pending[position])
                try writer.write(sample)
                progress.advance()
            } catch {
                failure.record(error)
            }
        }
        progress.finish()
        if let error = failure.error { throw error }

        let records = try plan.indices.map { try state.record(id: PairLayout.id($0)) }
        try Finalizer(layout: plan.layout, spec: plan.spec, shard: plan.shard, writer: writer).finish(records: records)
        RunLock.release(state.lockPath(plan.shard))
        return GenerateSummary(made: pending.count, skipped: plan.indices.count - pending.count,
                               pairs: pending.count * template.conditions.count, seconds: Date().timeIntervalSince(start),
                               directory: plan.layout.root)
    }
}

/// The first error thrown by any of several threads.
final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?

    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return error != nil
    }

    func record(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }
}

import DataIO
import FluoCore
import Foundation

/// One input/target pair: a whole image (TIFF folders) or a stored patch (`.npz`).
public struct ImagePair: Sendable {
    /// (channels, [z,] y, x) samples of input and target.
    public var input: [Float]
    public var target: [Float]
    /// The input's axes, (y, x) or (z, y, x).
    public var shape: [Int]
    /// The target's axes: `shape`, or a whole multiple of it along every axis for
    /// super-resolution pairs (the target on a finer grid).
    public var targetShape: [Int]
    public var inChannels: Int
    public var outChannels: Int
    /// Where it came from, for messages.
    public var name: String

    public var pixelCount: Int { shape.reduce(1, *) }
    public var targetPixelCount: Int { targetShape.reduce(1, *) }

    public init(input: [Float], target: [Float], shape: [Int], targetShape: [Int]? = nil, inChannels: Int, outChannels: Int, name: String) {
        self.input = input
        self.target = target
        self.shape = shape
        self.targetShape = targetShape ?? shape
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.name = name
    }

    /// How many times finer the target's grid is, the same along every axis; nil when the
    /// target's shape is not one whole multiple of the input's.
    public var scale: Int? {
        let factor = targetShape[targetShape.count - 1] / Swift.max(1, shape[shape.count - 1])
        return factor >= 1 && zip(shape, targetShape).allSatisfy({ $0 * factor == $1 }) ? factor : nil
    }
}

/// Training pairs from one source, with what describes them in the model.
public struct TrainingData: Sendable {
    public var pairs: [ImagePair]
    /// Whether pairs are whole images (sampled into patches) or stored patches (`.npz`).
    public var wholeImages: Bool
    /// What was read, e.g. `train/GT ↔ train/low (24 images)`.
    public var description: String

    public init(pairs: [ImagePair], wholeImages: Bool, description: String) {
        self.pairs = pairs
        self.wholeImages = wholeImages
        self.description = description
    }

    public var dimensions: Int { pairs[0].shape.count }
    public var inChannels: Int { pairs[0].inChannels }
    public var outChannels: Int { pairs[0].outChannels }
    /// How many times finer the targets' grid is than the inputs' (1: the same grid); checked
    /// when the data is read (`checkScale`).
    public var scale: Int { pairs[0].scale ?? 1 }

    /// Every pair's target is the same whole multiple of its input along every axis.
    func checkScale() throws {
        for pair in pairs {
            guard let scale = pair.scale else {
                throw TrainingError.data(pair.name, "target \(pair.targetShape) is not a whole multiple of the input \(pair.shape) along every axis")
            }
            guard scale == self.scale else {
                throw TrainingError.data(pair.name, "target is \(scale)× the input, others \(self.scale)×")
            }
        }
    }

    /// FNV-1a 64 over every pair's shape and samples (as loaded, before normalisation), in hex.
    public var hash: String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix<T>(_ values: [T]) {
            values.withUnsafeBytes { bytes in
                for byte in bytes {
                    hash ^= UInt64(byte)
                    hash = hash &* 0x0000_0100_0000_01B3
                }
            }
        }
        for pair in pairs {
            mix(pair.shape)
            if pair.targetShape != pair.shape { mix(pair.targetShape) }
            mix(pair.input)
            mix(pair.target)
        }
        return String(hash, radix: 16)
    }

    /// Splits off the last ⌈fraction·n⌉ pairs (at least one; CSBDeep's `validation_split` takes the last samples too).
    func split(validationFraction: Double) -> (train: TrainingData, validation: TrainingData) {
        let count = Swift.max(1, Int((Double(pairs.count) * validationFraction).rounded(.up)))
        var train = self, validation = self
        train.pairs = Array(pairs.dropLast(count))
        validation.pairs = Array(pairs.suffix(count))
        train.description += " (first \(train.pairs.count))"
        validation.description += " (last \(count))"
        return (train, validation)
    }
}

/// Training and validation data read from a `.npz` file, a pair folder or a dataset root.
public struct TrainingDataSet: Sendable {
    public var train: TrainingData
    public var validation: TrainingData
    /// Notes for the user (e.g. where validation data came from).
    public var notes: [String]

    /// Reads DATA as accepted by `fluosynth train`:
    /// - a `.npz` file in CSBDeep's layout (`X`, `Y`, `axes` = SCYX/SCZYX): the last 10 % of
    ///   the samples validate;
    /// - a pair folder in CSBDeep's `RawData.from_folder` layout, `GT/<name>.tif` paired by
    ///   name with `<source>/<name>.tif` (`source` names the folder when there are several), or
    ///   holding `<source>.npz`: the last 10 % of the images validate;
    /// - a dataset root with `train/` (and `val/`) pair folders, as the pair writer makes:
    ///   `train` trains and `val` validates.
    /// TIFF images are normalised per image with `normalization` (input and target each with
    /// its own percentiles); `.npz` patches are used as stored (CSBDeep normalises them when it
    /// makes them).
    public static func load(_ path: String, source: String? = nil, normalization: PercentileNormalization) throws -> TrainingDataSet {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw TrainingError.data(path, "no such file or folder")
        }
        if !isFolder.boolValue {
            guard path.hasSuffix(".npz") else { throw TrainingError.data(path, "expected a .npz file or a folder of pairs") }
            let split = try readNPZ(path).split(validationFraction: 0.1)
            return TrainingDataSet(train: split.train, validation: split.validation, notes: ["validation: the last 10 % of the samples"])
        }
        let trainFolder = path + "/train"
        if FileManager.default.fileExists(atPath: trainFolder) {
            let train = try readPairFolder(trainFolder, source: source, normalization: normalization)
            let validationFolder = path + "/val"
            if FileManager.default.fileExists(atPath: validationFolder) {
                let validation = try readPairFolder(validationFolder, source: source, normalization: normalization)
                guard validation.scale == train.scale else {
                    throw TrainingError.data(validationFolder, "targets are \(validation.scale)× the inputs, in train/ \(train.scale)×")
                }
                return TrainingDataSet(train: train, validation: validation, notes: ["validation: \(validationFolder)"])
            }
            return try heldOut(train)
        }
        return try heldOut(readPairFolder(path, source: source, normalization: normalization))
    }

    private static func heldOut(_ data: TrainingData) throws -> TrainingDataSet {
        if data.pairs.count >= 2 {
            let split = data.split(validationFraction: 0.1)
            return TrainingDataSet(train: split.train, validation: split.validation, notes: ["validation: the last 10 % of the images (no val/ folder)"])
        }
        return TrainingDataSet(train: data, validation: data,
                               notes: ["validation: patches of the single training image (not held out: add more images or a val/ folder)"])
    }

    /// A CSBDeep `.npz` file: each sample is one pair.
    static func readNPZ(_ path: String) throws -> TrainingData {
        let file: TrainingPairsFile
        do {
            file = try TrainingPairsFile.read(path)
            try ImageFile.checkFinite(file.x.values, path: path + " (X)", shape: file.x.shape)
            try ImageFile.checkFinite(file.y.values, path: path + " (Y)", shape: file.y.shape)
        } catch {
            throw TrainingError.data(path, "\(error)")
        }
        let samples = file.x.shape[0], inChannels = file.x.shape[1], outChannels = file.y.shape[1]
        let shape = Array(file.x.shape[2...]), targetShape = Array(file.y.shape[2...])
        let pixels = shape.reduce(1, *), targetPixels = targetShape.reduce(1, *)
        guard samples > 0, pixels > 0 else { throw TrainingError.data(path, "holds no samples") }
        let pairs = (0..<samples).map { s in
            ImagePair(input: Array(file.x.values[s * inChannels * pixels ..< (s + 1) * inChannels * pixels]),
                      target: Array(file.y.values[s * outChannels * targetPixels ..< (s + 1) * outChannels * targetPixels]),
                      shape: shape, targetShape: targetShape, inChannels: inChannels, outChannels: outChannels, name: "\(path)[\(s)]")
        }
        let data = TrainingData(pairs: pairs, wholeImages: false, description: "\(path) (\(samples) samples \(file.axes))")
        try data.checkScale()
        return data
    }

    /// `folder/GT/<name>.tif` with `folder/<source>/<name>.tif`, or `folder/<source>.npz`.
    static func readPairFolder(_ folder: String, source: String?, normalization: PercentileNormalization) throws -> TrainingData {
        let manager = FileManager.default
        let entries = (try? manager.contentsOfDirectory(atPath: folder).sorted()) ?? []
        let isTIFF = { (name: String) in name.hasSuffix(".tif") || name.hasSuffix(".tiff") }
        let sources = entries.filter { name in
            var isFolder: ObjCBool = false
            return name != "GT" && manager.fileExists(atPath: folder + "/" + name, isDirectory: &isFolder) && isFolder.boolValue
                && ((try? manager.contentsOfDirectory(atPath: folder + "/" + name))?.contains(where: isTIFF) ?? false)
        }
        let archives = entries.filter { $0.hasSuffix(".npz") }.map { String($0.dropLast(4)) }
        if !entries.contains("GT") {
            if let source { guard archives.contains(source) else {
                throw TrainingError.data(folder, "no \(source).npz here (found \(archives.isEmpty ? "none" : archives.joined(separator: ", ")))")
            }
                return try readNPZ(folder + "/" + source + ".npz")
            }
            guard archives.count == 1 else {
                throw TrainingError.data(folder, archives.isEmpty
                    ? "expected GT/ and a source folder of TIFF images (CSBDeep's layout), a .npz file, or train/ and val/ folders"
                    : "several .npz files (\(archives.joined(separator: ", "))): choose one with --source")
            }
            return try readNPZ(folder + "/" + archives[0] + ".npz")
        }
        let chosen: String
        if let source {
            guard sources.contains(source) else {
                throw TrainingError.data(folder, "no source folder '\(source)' with TIFF images (found \(sources.joined(separator: ", ")))")
            }
            chosen = source
        } else {
            guard sources.count == 1 else {
                throw TrainingError.data(folder, sources.isEmpty ? "GT/ has no source folder of TIFF images beside it"
                                                                 : "several source folders (\(sources.joined(separator: ", "))): choose one with --source")
            }
            chosen = sources[0]
        }
        let names = try manager.contentsOfDirectory(atPath: folder + "/" + chosen).filter(isTIFF).sorted()
        var pairs: [ImagePair] = []
        for name in names {
            let targetPath = folder + "/GT/" + name, inputPath = folder + "/" + chosen + "/" + name
            guard manager.fileExists(atPath: targetPath) else { throw TrainingError.data(inputPath, "has no ground truth \(targetPath)") }
            let input = try ImageFile.read(inputPath).volume(), target = try ImageFile.read(targetPath).volume()
            guard input.shape.count == target.shape.count else {
                throw TrainingError.data(inputPath, "shape \(input.shape) has other axes than its ground truth's \(target.shape)")
            }
            pairs.append(ImagePair(input: normalization.apply(input.data, range: normalization.range(of: input.data)),
                                   target: normalization.apply(target.data, range: normalization.range(of: target.data)),
                                   shape: input.shape, targetShape: target.shape, inChannels: 1, outChannels: 1, name: inputPath))
        }
        guard !pairs.isEmpty else { throw TrainingError.data(folder + "/" + chosen, "holds no TIFF images") }
        guard Set(pairs.map(\.shape.count)).count == 1 else { throw TrainingError.data(folder, "mixes 2-D images and 3-D stacks") }
        let data = TrainingData(pairs: pairs, wholeImages: true, description: "\(folder)/GT ↔ \(chosen) (\(pairs.count) images)")
        try data.checkScale()
        return data
    }
}

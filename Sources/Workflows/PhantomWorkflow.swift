import DataIO
import FluoCore
import Foundation
import Phantoms
import Yams

/// Errors of loading and writing phantoms; every message names the file (and the key).
public enum PhantomWorkflowError: Error, Equatable, CustomStringConvertible {
    /// No file or preset of that name: (name, folders searched, presets available).
    case presetNotFound(String, [String], [String])
    /// The file could not be read or decoded: (path, what is wrong).
    case invalidFile(String, String)

    public var description: String {
        switch self {
        case let .presetNotFound(name, folders, available):
            let searched = folders.isEmpty ? "no presets folder found" : "searched \(folders.joined(separator: ", "))"
            let known = available.isEmpty ? "" : "; available: \(available.joined(separator: ", "))"
            let hint = nearestMatch(to: name, in: available).map { " (did you mean '\($0)'?)" } ?? ""
            return "\(name): no such phantom file or preset\(hint) (\(searched))\(known)"
        case let .invalidFile(path, problem):
            return "\(path): \(problem)"
        }
    }
}

/// Phantom presets: `Phantoms/<name>.yaml`.
///
/// Folders searched, first match wins: an explicit folder (`--presets`), `$FLUOSYNTH_PHANTOMS`,
/// `./Phantoms`, a `Phantoms` folder beside the executable or up to five folders above it
/// (a build inside the package), and the package this file was compiled from.
public enum PhantomPresets {
    /// The folders to search, existing ones only, in order.
    public static func folders(override: String? = nil) -> [String] {
        var candidates: [String] = []
        if let override { candidates.append(override) }
        if let variable = ProcessInfo.processInfo.environment["FLUOSYNTH_PHANTOMS"], !variable.isEmpty {
            candidates.append(variable)
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/Phantoms")
        if var folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            for _ in 0..<6 {
                candidates.append(folder.appendingPathComponent("Phantoms").path)
                folder.deleteLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Phantoms").path)
        var seen = Set<String>()
        return candidates.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                && seen.insert(path).inserted
        }
    }

    /// Preset names (file names without `.yaml`) in `folders`, sorted.
    public static func available(in folders: [String]) -> [String] {
        let names = folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
                .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        }
        return Array(Set(names)).sorted()
    }

    /// The file for `nameOrPath`: an existing file as given, else `<folder>/<name>.yaml`.
    public static func resolve(_ nameOrPath: String, presetsFolder: String? = nil) throws -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isFolder), !isFolder.boolValue {
            return nameOrPath
        }
        let folders = folders(override: presetsFolder)
        let isName = !nameOrPath.contains("/") && !nameOrPath.hasSuffix(".yaml") && !nameOrPath.hasSuffix(".yml")
        if isName {
            for folder in folders where FileManager.default.fileExists(atPath: "\(folder)/\(nameOrPath).yaml") {
                return "\(folder)/\(nameOrPath).yaml"
            }
        }
        throw PhantomWorkflowError.presetNotFound(nameOrPath, isName ? folders : [], isName ? available(in: folders) : [])
    }

    /// Reads and validates the phantom parameters in `path` for grids of `rank` (2 or 3).
    public static func load(_ path: String, rank: Int) throws -> PhantomParameters {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PhantomWorkflowError.invalidFile(path, "cannot read: \(error)")
        }
        do {
            let parameters = try YAMLDecoder().decode(PhantomParameters.self, from: text)
            try parameters.validate(rank: rank)
            return parameters
        } catch {
            throw PhantomWorkflowError.invalidFile(path, describe(error))
        }
    }

    /// A decoding or validation error as `key.path: problem`.
    static func describe(_ error: Error) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { text, key in
                key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue)
            }
        }
        func located(_ keys: [CodingKey], _ problem: String) -> String {
            keys.isEmpty ? problem : "\(path(keys)): \(problem)"
        }
        switch error {
        case let DecodingError.keyNotFound(key, context):
            return located(context.codingPath + [key], "required key missing")
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context):
            return located(context.codingPath, context.debugDescription)
        case let DecodingError.dataCorrupted(context):
            let underlying = context.underlyingError.map { ": \(String(describing: $0))" } ?? ""
            return located(context.codingPath, context.debugDescription + underlying)
        default:
            return String(describing: error)
        }
    }
}

/// The `phantom` command: one ground truth from a preset or file.
public enum PhantomWorkflow {
    /// Generates one sample of `parameters` on `shape` with `spacingUm` from `seed`.
    public static func generate(_ parameters: PhantomParameters, shape: [Int], spacingUm: [Double], seed: UInt64,
                                threads: Int = Parallel.availableCores) throws -> PhantomSample {
        try parameters.generate(shape: shape, spacingUm: spacingUm, stream: RandomStream(seed: seed), threads: threads)
    }

    /// Writes the sample's channels as one float32 ImageJ TIFF (a hyperstack with channels
    /// when there are several) with its spacing.
    public static func writeTIFF(_ sample: PhantomSample, to path: String) throws {
        let channels = sample.channels
        guard channels.count > 1 else { return try TIFFWriter.write(channels[0], to: path) }
        let first = channels[0]
        let planeSize = first.shape.suffix(2).reduce(1, *)
        let slices = first.rank == 3 ? first.shape[0] : 1
        var data: [Float] = []
        data.reserveCapacity(planeSize * slices * channels.count)
        for z in 0..<slices {
            for channel in channels { data += channel.data[z * planeSize ..< (z + 1) * planeSize] }
        }
        let spacing = [first.rank == 3 ? first.spacingUm[0] : 1] + first.spacingUm.suffix(2)
        let planes = Volume(shape: [slices * channels.count] + first.shape.suffix(2), spacingUm: spacing, data: data)
        try TIFFWriter.write(planes: planes, channels: channels.count, frames: 1, to: path)
    }

    /// Writes a PNG preview: the image or its z maximum projection, one channel grey or
    /// several as a colour composite, stretched between the 0.1 and 99.9 percentiles.
    public static func writePreview(_ sample: PhantomSample, to path: String) throws {
        try PNGWriter.write(Preview.image(channels: sample.channels), to: path)
    }

    /// Writes what was drawn as JSON.
    public static func writeSummary(_ sample: PhantomSample, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(sample.summary), to: path)
    }
}

import FluoCore
import Foundation

/// Presets: YAML files in `Phantoms/` folders (phantoms) or `PSFs/` folders (bundled PSFs,
/// each YAML describing the TIFF beside it), referenced from specs and commands by file name
/// without `.yaml`.
///
/// Folders searched, first match wins: an explicit folder (`--presets`), the environment
/// variable (`$FLUOSYNTH_PHANTOMS`, `$FLUOSYNTH_PSFS`), the folder in the working directory, a
/// folder of that name beside the executable or up to five folders above it (a build inside
/// the package), and the package this file was compiled from.
public struct PresetLibrary: Sendable {
    /// Existing folders, in search order.
    public let folders: [String]
    /// What a preset is, for messages ("phantom", "PSF").
    public let noun: String

    public init(folders: [String], noun: String = "phantom") {
        self.folders = folders
        self.noun = noun
    }

    /// The phantom presets with the standard search order, `override` first.
    public static func standard(override: String? = nil) -> PresetLibrary {
        search(folderName: "Phantoms", variable: "FLUOSYNTH_PHANTOMS", override: override, noun: "phantom")
    }

    /// The bundled PSFs (`PSFs/`) with the standard search order.
    public static func psfs(override: String? = nil) -> PresetLibrary {
        search(folderName: "PSFs", variable: "FLUOSYNTH_PSFS", override: override, noun: "PSF")
    }

    static func search(folderName: String, variable: String, override: String?, noun: String) -> PresetLibrary {
        var candidates: [String] = []
        if let override { candidates.append(override) }
        if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { candidates.append(value) }
        candidates.append(FileManager.default.currentDirectoryPath + "/" + folderName)
        if var folder = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            for _ in 0..<6 {
                candidates.append(folder.appendingPathComponent(folderName).path)
                folder.deleteLastPathComponent()
            }
        }
        candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(folderName).path)
        var seen = Set<String>()
        return PresetLibrary(folders: candidates.map { URL(fileURLWithPath: $0).standardizedFileURL.path }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue && seen.insert(path).inserted
        }, noun: noun)
    }

    /// Preset names, sorted.
    public var names: [String] {
        let names = folders.flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }
        }
        return Array(Set(names)).sorted()
    }

    /// The file of preset `name`, if any folder has it.
    public func path(of name: String) -> String? {
        guard !name.contains("/") else { return nil }
        return folders.map { "\($0)/\(name).yaml" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// An existing file as given, else the preset of that name.
    public func resolve(_ nameOrPath: String) throws -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: nameOrPath, isDirectory: &isFolder), !isFolder.boolValue { return nameOrPath }
        if let path = path(of: nameOrPath) { return path }
        var message = "no such \(noun) file or preset"
        if let suggestion = nearestMatch(to: nameOrPath, in: names) { message += " (did you mean '\(suggestion)'?)" }
        message += folders.isEmpty ? "; no presets folder found" : "; presets: \(names.joined(separator: ", "))"
        throw SpecError(file: nameOrPath, line: 0, column: 0, path: "", message: message)
    }
}

import Foundation

/// Phantom presets: YAML files in a `Phantoms/` folder, referenced from specs by file name
/// without `.yaml`.
///
/// The folder is, in order: `FLUOSYNTH_PHANTOMS` if set, `Phantoms/` in the working
/// directory, or `Phantoms/` in a parent of the executable's folder (the package checkout
/// the tool was built in).
public struct PresetLibrary: Sendable {
    /// The folder holding the presets, if any was found.
    public let folder: String?

    public init(folder: String?) { self.folder = folder }

    /// The library found as described above.
    public static func standard(executable: String = CommandLine.arguments[0]) -> PresetLibrary {
        let manager = FileManager.default
        if let folder = ProcessInfo.processInfo.environment["FLUOSYNTH_PHANTOMS"] { return PresetLibrary(folder: folder) }
        if manager.fileExists(atPath: "Phantoms") { return PresetLibrary(folder: manager.currentDirectoryPath + "/Phantoms") }
        var url = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            let candidate = url.appendingPathComponent("Phantoms").path
            if manager.fileExists(atPath: candidate + "/microtubules.yaml") { return PresetLibrary(folder: candidate) }
            url.deleteLastPathComponent()
        }
        return PresetLibrary(folder: nil)
    }

    /// Preset names, sorted.
    public var names: [String] {
        guard let folder, let files = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        return files.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The file of preset `name`, if it exists.
    public func path(of name: String) -> String? {
        guard let folder, !name.contains("/") else { return nil }
        let path = folder + "/" + name + ".yaml"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}

import DataIO
import DatasetSpec
import Foundation
import Training

/// What each fuzz target does with one input, shared by the libFuzzer targets (`Tests/Fuzz`)
/// and the unit tests that replay the committed corpus. Each returns the error the readers
/// threw (a correct answer to bad input), or `nil` when the input was read; a crash, a hang
/// or a runaway allocation is the bug a fuzzer looks for.
public enum FuzzInput {
    /// The targets, by name: the corpus folder `Tests/Fuzz/Corpus/<name>` holds their seeds.
    public static let targets: [String: @Sendable (Data) -> Error?] = ["spec": spec, "tiff": tiff, "npz": npz, "model": model]

    /// The spec decoder: YAML parsing, then decoding and validation of every key, range and
    /// distribution against the bundled phantom presets.
    public static func spec(_ bytes: Data) -> Error? {
        guard bytes.count <= SpecDocument.maximumFileBytes, let text = String(data: bytes, encoding: .utf8) else { return nil }
        return failure { _ = try SpecLoader.load(SpecDocument(yaml: text, file: "fuzz.yaml"), folder: ScratchFile.folder, presets: presets) }
    }

    /// The TIFF reader: libtiff underneath, FluoSynth's page layout, ImageJ and OME metadata.
    public static func tiff(_ bytes: Data) -> Error? {
        failure { _ = try TIFFReader.read(ScratchFile.write(bytes, name: "input.tif")) }
    }

    /// The npz reader (ZIP entries, stored or deflated, then each `.npy` header and body) and,
    /// for archives with an `X`, CSBDeep's training-pair layout.
    public static func npz(_ bytes: Data) -> Error? {
        let path = ScratchFile.write(bytes, name: "input.npz")
        return failure {
            if try NPZFile.read(path)["X"] != nil { _ = try TrainingPairsFile.read(path) }
        }
    }

    /// A model folder: the input up to its first NUL byte is `config.json`, the rest the body
    /// of `weights_best.bin`, whose FNV-1a checksum is appended here (a fuzzer cannot forge a
    /// checksum, so without it every mutation would stop at the first check).
    public static func model(_ bytes: Data) -> Error? {
        let split = bytes.firstIndex(of: 0) ?? bytes.endIndex
        var weights = Data(bytes[split...].dropFirst())
        withUnsafeBytes(of: WeightsFile.fnv1a(weights).littleEndian) { weights.append(contentsOf: $0) }
        _ = ScratchFile.write(Data(bytes[..<split]), name: "config.json")
        _ = ScratchFile.write(weights, name: "weights_best.bin")
        return failure { _ = try ModelStore(directory: ScratchFile.folder).load() }
    }

    /// The bundled phantom presets, for specs that name one.
    static let presets = PresetLibrary.standard()

    static func failure(_ body: () throws -> Void) -> Error? {
        do {
            try body()
            return nil
        } catch {
            return error
        }
    }
}

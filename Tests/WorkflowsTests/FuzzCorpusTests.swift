import Foundation
import FuzzInputs
import Testing
import TestSupport

/// The fuzz corpus replayed on every test run, through the same code the fuzz targets run
/// (`FuzzInput`): the seeds are valid inputs and must be read; every input the fuzzer once
/// crashed a reader with (`crash-*`, `oom-*`), and every seed of an error path (`refused-*`),
/// must be refused with a message.
@Suite("fuzz corpus")
struct FuzzCorpusTests {
    static let corpus = TestPaths.packageRoot + "/Tests/Fuzz/Corpus"

    @Test(arguments: FuzzInput.targets.keys.sorted())
    func seedsAreReadAndFindingsRefused(target: String) throws {
        let folder = Self.corpus + "/" + target
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        #expect(!files.isEmpty, "no seeds in \(folder)")
        for file in files {
            let error = FuzzInput.targets[target]!(try Data(contentsOf: URL(fileURLWithPath: folder + "/" + file)))
            if ["crash-", "oom-", "refused-"].contains(where: file.hasPrefix) {
                #expect(error != nil, "\(target)/\(file) is read, but it is a damaged input")
            } else {
                #expect(error == nil, "\(target)/\(file) is a valid seed, but: \(error.map { "\($0)" } ?? "")")
            }
        }
    }

    /// Each finding's message says what is wrong with the file.
    @Test func findingsAreNamed() throws {
        func message(_ target: String, _ file: String) throws -> String {
            let data = try Data(contentsOf: URL(fileURLWithPath: "\(Self.corpus)/\(target)/\(file)"))
            return FuzzInput.targets[target]!(data).map { "\($0)" } ?? ""
        }
        #expect(try message("spec", "crash-huge-integer.yaml").contains("bit_depth"))
        #expect(try message("spec", "refused-wide-integer-range.yaml").contains("narrower than 2^53"))
        #expect(try message("tiff", "crash-huge-width.tif").contains("truncated or damaged"))
        #expect(try message("npz", "oom-declared-size.npz").contains("more than Deflate can expand"))
        let model = try message("model", "crash-shape-overflow")
        #expect(model.contains("runs past the end"), "\(model)")
    }
}

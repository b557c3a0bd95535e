import DataIO
import Foundation
import Testing
import TestSupport

/// A disk that fills up during `generate` (a small tmpfs, filled by another file once a few
/// samples are made): a clear error naming the file, no half-written file under a final name,
/// and `--resume` completes once space is freed, equal to a run that never ran out of space.
/// Needs permission to mount a tmpfs (root in CI's container); skipped with a note elsewhere.
@Suite("fluosynth generate on a full disk")
struct FullDiskTests {
    static func mountTmpfs(_ folder: String, megabytes: Int) -> Bool {
        let result = try? Shell.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m", "tmpfs", folder])
        if result?.status != 0 {
            FileHandle.standardError.write(Data("note: full-disk test skipped: cannot mount a tmpfs (\(result?.stderr ?? "no mount"))\n".utf8))
            return false
        }
        return true
    }

    @Test func fullDiskFailsCleanlyAndResumes() throws {
        let folder = TestPaths.temporaryDirectory("full-disk")
        let disk = folder + "/disk"
        try FileManager.default.createDirectory(atPath: disk, withIntermediateDirectories: true)
        guard Self.mountTmpfs(disk, megabytes: 64) else { return }   // room for the 40 MiB estimate
        defer { _ = try? Shell.run("/bin/umount", [disk]) }
        let arguments = ["generate", TestPaths.packageRoot + "/Examples/microtubules-widefield-2d.yaml", "--samples", "40", "--threads", "1", "--quiet"]

        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.executable("fluosynth"))
        process.arguments = arguments + ["--out", disk + "/data"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        // Once a few samples are made, another file takes the rest of the space.
        let records = disk + "/data/.fluosynth/samples"
        let deadline = Date().addingTimeInterval(60)
        while ((try? FileManager.default.contentsOfDirectory(atPath: records).count) ?? 0) < 3, process.isRunning, Date() < deadline { usleep(2_000) }
        _ = try Shell.run("/bin/dd", ["if=/dev/zero", "of=" + disk + "/filler", "bs=64k"])   // until the disk is full
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1, "generate should fail with a message, got status \(process.terminationStatus)")
        #expect(message.contains("/data/") && message.contains("the disk is full") && message.contains("--resume"), "\(message)")

        // Every image under a final name is whole (reads as a TIFF).
        let made = FileManager.default.enumerator(atPath: disk + "/data")?.compactMap { $0 as? String }.filter { $0.hasSuffix(".tif") && !$0.contains(".partial") } ?? []
        #expect(!made.isEmpty)
        for file in made { #expect((try? TIFFReader.read(disk + "/data/" + file)) != nil, "\(file) is damaged") }

        try FileManager.default.removeItem(atPath: disk + "/filler")
        let resumed = try fluosynth(arguments + ["--out", disk + "/data", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try fluosynth(arguments + ["--out", folder + "/clean"]).status == 0)
        #expect(try differences(folder + "/clean", disk + "/data") == [])
    }
}

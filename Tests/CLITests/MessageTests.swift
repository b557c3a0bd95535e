import DataIO
import Foundation
import Testing
import TestSupport

/// Messages a user meets when something is off: each names what is wrong and where to look.
@Suite("fluosynth messages")
struct MessageTests {
    @Test func mistypedCommandGetsASuggestion() throws {
        let result = try fluosynth(["generat", "spec.yaml"])
        #expect(result.status != 0 && result.stderr.contains("unknown command 'generat' (did you mean 'generate'?)"), "\(result.stderr)")
        #expect(try fluosynth(["help", "generate"]).status == 0)
    }

    /// A negative count is a value to refuse, not a missing one.
    @Test func negativeCountsAreRefusedAsValues() throws {
        let samples = try fluosynth(["generate", TestPaths.packageRoot + "/Examples/loop-microtubules.yaml", "--samples", "-5"])
        #expect(samples.status != 0 && samples.stderr.contains("--samples must be at least 1"), "\(samples.stderr)")
        let steps = try fluosynth(["loop", TestPaths.packageRoot + "/Examples/loop-microtubules.yaml", "--steps", "-3"])
        #expect(steps.status != 0 && steps.stderr.contains("--steps must be at least 1"), "\(steps.stderr)")
    }

    /// A missing option of a subcommand is named with that subcommand's usage.
    @Test func missingOptionIsNamedWithItsCommand() throws {
        let result = try fluosynth(["deconvolve", "in.tif", "-o", "out.tif"])
        #expect(result.status != 0 && result.stderr.contains("needs --na") && result.stderr.contains("fluosynth deconvolve"), "\(result.stderr)")
    }

    /// An output name decides the format; one FluoSynth cannot write is refused before any
    /// work, never written as a TIFF under that name.
    @Test func outputNamesDecideTheFormat() throws {
        let folder = TestPaths.temporaryDirectory("names")
        let png = try fluosynth(["psf", "--na", "1.2", "--wavelength", "0.5", "--shape", "9,9", "-o", folder + "/psf.png"])
        #expect(png.status != 0 && png.stderr.contains("--output") && png.stderr.contains(".tif, .tiff, .ome.tif or .zarr"), "\(png.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/psf.png"))
        for name in ["psf.ome.tif", "psf.zarr"] {
            let result = try fluosynth(["psf", "--na", "1.2", "--wavelength", "0.5", "--shape", "9,9", "-o", folder + "/" + name])
            #expect(result.status == 0, "\(result.stderr)")
        }
        #expect(try ImageFile.read(folder + "/psf.ome.tif").metadata.source == .ome)
        #expect(try ImageFile.read(folder + "/psf.zarr").metadata.source == .ngff)
    }

    /// A PSF-based command refuses an image that does not record its pixel size, naming the flag.
    @Test(.enabled(if: PythonReference.isAvailable)) func uncalibratedInputNamesTheFlag() throws {
        let folder = TestPaths.temporaryDirectory("uncalibrated")
        let path = folder + "/plain.tif"
        let python = "import numpy as np, tifffile; tifffile.imwrite('\(path)', np.ones((32, 32), np.float32))"
        let interpreter = try #require(PythonReference.python)
        #expect(try Shell.run(interpreter, ["-c", python]).status == 0)
        let result = try fluosynth(["deconvolve", path, "-o", folder + "/out.tif", "--na", "1.2", "--wavelength", "0.5"])
        #expect(result.status != 0 && result.stderr.contains("does not record its pixel size: give --pixel-size"), "\(result.stderr)")
        #expect(try fluosynth(["deconvolve", path, "-o", folder + "/out.tif", "--na", "1.2", "--wavelength", "0.5", "--pixel-size", "0.1"]).status == 0)
    }

    /// Help text wraps between phrases: no prose line ends where the next word would still
    /// have fitted (a hand-made break that ArgumentParser kept), and no example is so long
    /// that it wraps onto an unindented line.
    @Test func helpWrapsBetweenPhrases() throws {
        let commands = ["", "generate", "calibrate", "adapt", "phantom", "psf", "degrade", "schema", "merge", "train", "predict",
                        "export", "isotropic", "isotropic run", "isotropic prepare", "isotropic train", "isotropic predict",
                        "loop", "evaluate", "deconvolve", "resolution", "explain"]
        var breaks: [String] = []
        for command in commands {
            let help = try fluosynth(command.split(separator: " ").map(String.init) + ["--help"]).stdout
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (previous, line) in zip(lines, lines.dropFirst()) where !previous.isEmpty && !line.isEmpty && !line.hasPrefix(" ") {
                let word = line.split(separator: " ").first.map(String.init) ?? ""
                let prose = !previous.hasPrefix(" ") && !previous.hasSuffix(":") && !line.hasPrefix("-") && !line.hasPrefix("Example")
                if prose && previous.count + 1 + word.count <= 79 { breaks.append("\(command): '\(previous)' / '\(line)'") }
                if previous.hasPrefix("  ") && previous.count >= 70 && line.first.map({ !$0.isUppercase }) == true {
                    breaks.append("\(command): example wraps: '\(previous)' / '\(line)'")
                }
            }
        }
        #expect(breaks.isEmpty, "\(breaks.joined(separator: "\n"))")
    }

    /// train's progress lines and its closing summary give the same rate (steps over wall
    /// time, validation included), the summary adding the training-only rate by name.
    @Test func trainProgressAndSummaryAgree() throws {
        let folder = TestPaths.temporaryDirectory("train-rate")
        #expect(try fluosynth(["generate", TestPaths.packageRoot + "/Examples/snr-ladder.yaml", "--samples", "6", "--out", folder + "/data", "--quiet"]).status == 0)
        let result = try fluosynth(["train", folder + "/data", "--out", folder + "/model", "--steps", "40", "--steps-per-epoch", "10",
                                    "--batch", "4", "--patch", "32", "--filters", "8", "--threads", "2", "--source", "low-1"])
        #expect(result.status == 0, "\(result.stderr)")
        // The CLI restarted itself with OpenMP's passive waiting (RuntimeEnvironment), unless told otherwise.
        let policy = ProcessInfo.processInfo.environment["OMP_WAIT_POLICY"] ?? "PASSIVE"
        #expect(result.stdout.contains("OpenMP (oneDNN) threads wait: \(policy);"), "\(result.stdout)")
        func rate(_ text: String, after marker: String) -> Double? {
            guard let range = text.range(of: marker, options: .backwards) else { return nil }
            let tail = text[range.upperBound...].drop { $0 == " " }
            return Double(tail.prefix { $0.isNumber || $0 == "." })
        }
        // Progress: "train: 40/40 steps (100 %), 12.3 steps/s, ETA …"; summary: "…, 12.34 steps/s overall (…".
        let progressLine = result.stderr.split(separator: "\n").last { $0.contains("40/40 steps") }.map(String.init) ?? ""
        let progress = progressLine.components(separatedBy: "), ").dropFirst().first.flatMap { Double($0.prefix { $0.isNumber || $0 == "." }) }
        let summaryLine = result.stdout.split(separator: "\n").first { $0.hasPrefix("done:") }.map(String.init) ?? ""
        let overall = summaryLine.components(separatedBy: "), ").last.flatMap { Double($0.prefix { $0.isNumber || $0 == "." }) }
        let training = rate(summaryLine, after: "overall (")
        #expect(summaryLine.contains("steps/s overall") && summaryLine.contains("steps/s training, without validation"), "\(summaryLine)")
        if let progress, let overall, let training {
            // Over the same wall-clock window, so by construction (not by timing): the summary,
            // measured later, is at most the last progress rate (printed to 0.1) and of its
            // order; the training-only rate excludes time the overall rate includes.
            #expect(overall <= progress + 0.051 && overall > progress / 2, "progress \(progress) vs summary \(overall) steps/s")
            #expect(training >= overall * 0.999, "training-only \(training) should not be slower than overall \(overall)")
        } else {
            Issue.record("rates not found in '\(progressLine)' / '\(summaryLine)'")
        }
    }

    /// Defaults print as a user types them.
    @Test func listDefaultsPrintAsTyped() throws {
        let help = try fluosynth(["psf", "--help"]).stdout
        #expect(help.contains("64,128,128") && !help.contains("IntList"), "\(help)")
    }

    /// Redirected to one file (as a cluster's log), output and errors keep their order: stdout
    /// is line-buffered.
    @Test func redirectedOutputKeepsItsOrder() throws {
        let folder = TestPaths.temporaryDirectory("order")
        let log = folder + "/log.txt"
        let command = "'\(TestPaths.executable("fluosynth"))' psf --model born-wolf --na 1.2 --wavelength 0.5 --shape 9,9 "
            + "-o '\(folder)/psf.tif' --otf '\(folder)/psf.tif/otf.tif' > '\(log)' 2>&1"
        _ = try Shell.run("/bin/sh", ["-c", command])
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        let wrote = lines.firstIndex { $0.hasPrefix("wrote") }, error = lines.firstIndex { $0.hasPrefix("Error") }
        #expect(wrote != nil && error != nil && wrote! < error!, "\(lines)")
    }
}

import DataIO
import Foundation
import Testing
import TestSupport

/// Headless Chromium (Debian's `chromium` package) to render pages as a browser does.
///
/// CI installs it (.ci/run) and sets FLUOSYNTH_REQUIRE_PYTHON=1, under which (or with
/// FLUOSYNTH_REQUIRE_CHROMIUM=1) the browser tests run and fail if it cannot start; elsewhere
/// they are skipped with a message when it cannot be started.
enum Chromium {
    static let executable: String? = ["chromium", "chromium-browser"].lazy.compactMap { name in
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }.first

    static var required: Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment["FLUOSYNTH_REQUIRE_CHROMIUM"] == "1" || environment["FLUOSYNTH_REQUIRE_PYTHON"] == "1"
    }

    static let isAvailable: Bool = {
        if let executable, let result = try? Shell.run(executable, ["--headless", "--no-sandbox", "--version"]), result.status == 0 {
            return true
        }
        FileHandle.standardError.write(Data("note: headless Chromium tests skipped: `chromium` cannot be started (apt-get install chromium)\n".utf8))
        return false
    }()

    /// Runs headless Chromium on the file `page` with `arguments` (at most two minutes), in a profile of its own.
    static func run(_ arguments: [String], page: String) throws -> Shell.Result {
        try run(arguments, url: URL(fileURLWithPath: page).absoluteString)
    }

    /// Runs headless Chromium on `url` with `arguments` (at most two minutes), in a profile of its own.
    static func run(_ arguments: [String], url: String) throws -> Shell.Result {
        let executable = try #require(executable, "chromium is not installed")
        let profile = TestPaths.temporaryDirectory("chromium-profile")
        return try Shell.run("/usr/bin/timeout", ["120", executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                   "--user-data-dir=\(profile)", "--virtual-time-budget=10000"]
                                 + arguments + [url])
    }

    /// The page's DOM after load: the explain page's script has counted its images into
    /// `data-images` and the ones that failed to load into `data-broken`.
    static func imageCounts(_ page: String) throws -> (images: Int, broken: Int) {
        let dom = try run(["--dump-dom"], page: page)
        #expect(dom.status == 0, "\(dom.stderr)")
        func attribute(_ name: String) -> Int? {
            guard let range = dom.stdout.range(of: "\(name)=\"") else { return nil }
            return Int(dom.stdout[range.upperBound...].prefix { $0 != "\"" })
        }
        return (try #require(attribute("data-images"), "no data-images in the DOM"), try #require(attribute("data-broken")))
    }
}

@Suite("fluosynth explain")
struct ExplainCommandTests {
    static let spec = TestPaths.packageRoot + "/Examples/spheres-3d-rcan.yaml"

    /// A 3-D example with a sweep: the page renders in a browser with every picture loaded
    /// (and the check notices a missing one), and its screenshot is not blank.
    @Test(.enabled(if: Chromium.isAvailable || Chromium.required))
    func pageRendersInChromiumWithEveryImage() throws {
        let out = TestPaths.temporaryDirectory("explain") + "/page"
        let result = try fluosynth(["explain", Self.spec, "--out", out, "--sample", "1", "--sweep", "photons=20,200", "--threads", "2"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("index.html") && result.stdout.contains("SNR at the brightest pixel"))
        let page = out + "/index.html"
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let tags = html.components(separatedBy: "<img ").count - 1
        #expect(tags >= 20)

        let counts = try Chromium.imageCounts(page)
        #expect(counts.images == tags && counts.broken == 0, "\(counts.broken) of \(counts.images) images did not load")

        let shot = out + "/screenshot.png"
        let screenshot = try Chromium.run(["--screenshot=\(shot)", "--window-size=1280,2400"], page: page)
        #expect(screenshot.status == 0, "\(screenshot.stderr)")
        let image = try PNGReader.read(shot)
        #expect(image.width == 1280 && image.height == 2400)
        var histogram: [UInt32: Int] = [:]
        for i in stride(from: 0, to: image.pixels.count, by: 3) {
            histogram[UInt32(image.pixels[i]) << 16 | UInt32(image.pixels[i + 1]) << 8 | UInt32(image.pixels[i + 2]), default: 0] += 1
        }
        let background = histogram.values.max()!, total = image.width * image.height
        #expect(histogram.count > 500, "only \(histogram.count) colours: blank page?")
        #expect(Double(total - background) / Double(total) > 0.2, "the page's background colour covers nearly everything")

        // The check itself: a missing picture is counted as broken.
        try FileManager.default.removeItem(atPath: out + "/images/stage-0-ground-truth-xy.png")
        #expect(try Chromium.imageCounts(page).broken >= 1)
    }

    @Test func badInputsNameWhatIsWrong() throws {
        let out = TestPaths.temporaryDirectory("explain-bad")
        let key = try fluosynth(["explain", Self.spec, "--out", out, "--sweep", "focus=1,2"])
        #expect(key.status != 0 && key.stderr.contains("unknown key 'focus'") && key.stderr.contains("pixel-size"), "\(key.stderr)")
        let sample = try fluosynth(["explain", Self.spec, "--out", out, "--sample", "99"])
        #expect(sample.status != 0 && sample.stderr.contains("--sample 99") && sample.stderr.contains("16 samples"), "\(sample.stderr)")
        let missing = try fluosynth(["explain", "/nonexistent/spec.yaml", "--out", out])
        #expect(missing.status != 0 && missing.stderr.contains("/nonexistent/spec.yaml"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out + "/index.html"))
    }

    @Test func helpHasAnExample() throws {
        let help = try fluosynth(["explain", "--help"])
        #expect(help.status == 0 && help.stdout.contains("fluosynth explain Examples/") && help.stdout.contains("pixel-size"))
    }
}

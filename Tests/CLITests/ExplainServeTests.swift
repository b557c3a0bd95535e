import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// `fluosynth explain --serve` as a student's browser meets it: the server's numbers are the
/// static page's, bad settings get HTTP 400 naming the parameter, the settings download as a
/// spec `generate` accepts, and in headless Chromium moving NA moves the reported FWHM as
/// 0.51 λ/NA says and changes the PSF picture.
@Suite("fluosynth explain --serve", .serialized)
struct ExplainServeTests {
    static let spec = TestPaths.packageRoot + "/Examples/snr-ladder.yaml"

    /// A running server and its address; stopped when the test ends.
    final class Server {
        let process = Process()
        let address: String

        init(_ arguments: [String]) throws {
            let output = Pipe()
            process.executableURL = URL(fileURLWithPath: TestPaths.executable("fluosynth"))
            process.arguments = ["explain", ExplainServeTests.spec, "--serve", "--port", "0", "--threads", "2"] + arguments
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var text = ""
            let deadline = Date().addingTimeInterval(60)
            while !text.contains("serving"), process.isRunning, Date() < deadline {
                text += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
            }
            address = try #require(text.firstMatch(of: /serving (http:\/\/127\.0\.0\.1:\d+\/)/).map { String($0.1) }, "no address in '\(text)'")
        }

        deinit {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }

        /// GET `path`: the status and body.
        func get(_ path: String) throws -> (status: Int, body: Data) {
            let semaphore = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var result: (Int, Data)?
            URLSession.shared.dataTask(with: URL(string: address + path)!) { data, response, _ in
                result = ((response as? HTTPURLResponse)?.statusCode ?? 0, data ?? Data())
                semaphore.signal()
            }.resume()
            semaphore.wait()
            return try #require(result)
        }

        func json(_ path: String) throws -> (status: Int, object: [String: Any]) {
            let (status, body) = try get(path)
            return (status, try #require(try JSONSerialization.jsonObject(with: body) as? [String: Any], "\(String(decoding: body, as: UTF8.self))"))
        }
    }

    /// The server's summary for the spec as it is equals what `fluosynth explain` prints.
    @Test func numbersAreTheStaticPages() throws {
        let server = try Server([])
        let render = try server.json("render")
        #expect(render.status == 200)
        #expect(server.process.isRunning)
        let page = try fluosynth(["explain", Self.spec, "--out", TestPaths.temporaryDirectory("explain-static"), "--threads", "2"])
        let printed = page.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.map { String($0.dropFirst(2)) }
        #expect(!printed.isEmpty && render.object["summary"] as? [String] == printed, "\(render.object["summary"] ?? "") vs \(printed)")
    }

    /// An address that is not IPv4, or a port already taken, is named before or instead of serving.
    @Test func badAddressesAreNamed() throws {
        let host = try fluosynth(["explain", Self.spec, "--serve", "--host", "localhost"])
        #expect(host.status != 0 && host.stderr.contains("--host must be an IPv4 address"), "\(host.stderr)")
        let server = try Server([])
        let port = try #require(server.address.firstMatch(of: /:(\d+)\//).map { String($0.1) })
        let taken = try fluosynth(["explain", Self.spec, "--serve", "--port", port])
        #expect(taken.status != 0 && taken.stderr.contains("cannot listen on 127.0.0.1:\(port)") && taken.stderr.contains("in use"), "\(taken.stderr)")
    }

    /// Bad values get 400 with a message naming the parameter, never a render or a crash.
    @Test func badSettingsGet400NamingTheParameter() throws {
        let server = try Server([])
        let cases = [("optics.na=1.7", "optics.na"), ("acquisition.camera.peak_photons=-3", "peak_photons"),
                     ("shape=100000,100000", "shape"), ("optics.na=NaN", "optics.na"), ("output.directory=/etc", "output.directory"),
                     ("optics.na=" + String(repeating: "9", count: 5000), "request")]
        for (query, parameter) in cases {
            let (status, object) = try server.json("render?" + query)
            #expect(status == 400 && (object["parameter"] as? String)?.contains(parameter) == true && (object["error"] as? String)?.isEmpty == false,
                    "\(query): \(status) \(object)")
        }
        #expect(try server.json("render").status == 200, "the server still renders after bad requests")
    }

    /// "Download spec" gives YAML that `generate` accepts, with the setting in it; pictures are served.
    @Test func settingsDownloadAsASpecAndPicturesAreServed() throws {
        let server = try Server([])
        let (status, yaml) = try server.get("spec.yaml?optics.na=1.1&camera_pixel_um=0.0975")
        #expect(status == 200)
        let path = TestPaths.temporaryDirectory("explain-download") + "/spec.yaml"
        try yaml.write(to: URL(fileURLWithPath: path))
        let plan = try fluosynth(["generate", path, "--dry-run"], in: TestPaths.packageRoot)
        #expect(plan.status == 0 && String(decoding: yaml, as: UTF8.self).contains("na: 1.1"), "\(plan.stderr)")
        let html = try #require(try server.json("render").object["html"] as? String)
        let picture = try #require(html.firstMatch(of: /src="(r\/\d+\/images\/[^"]+\.png)"/).map { String($0.1) })
        let png = try server.get(picture)
        #expect(png.status == 200 && png.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try server.get("r/999/images/none.png").status == 404)
    }

    /// Headless Chromium opens the page with NA set as if the slider had been moved: the
    /// reported FWHM follows 0.51 λ/NA, and the PSF picture changes.
    @Test(.enabled(if: Chromium.isAvailable || Chromium.required))
    func movingNAInABrowserMovesTheFWHM() throws {
        let server = try Server([])
        var fwhm: [Double: Double] = [:], psf: [Double: Data] = [:]
        for na in [0.8, 1.4] {
            let dom = try Chromium.run(["--dump-dom"], url: server.address + "?optics.na=\(na)")
            #expect(dom.status == 0, "\(dom.stderr)")
            let row = try #require(dom.stdout.firstMatch(of: /data-number="lateral_fwhm_um">.*?<td class="value">([0-9.]+)<\/td>/), "no FWHM in the page")
            fwhm[na] = Double(row.1)
            let picture = try #require(dom.stdout.firstMatch(of: /src="(r\/\d+\/images\/[^"]*psf[^"]*\.png)"/).map { String($0.1) }, "no PSF picture")
            psf[na] = try server.get(picture).body
        }
        for (na, value) in fwhm { #expect(abs(value / (0.51 * 0.52 / na) - 1) < 0.1, "NA \(na): FWHM \(value) µm") }
        #expect(psf[0.8] != psf[1.4] && psf[0.8]?.isEmpty == false)

        // A comparison in the address: A (NA 0.8) rendered and pinned, then B (NA 1.4) beside it
        // with the numbers' difference and the difference picture.
        let dom = try Chromium.run(["--dump-dom"], url: server.address + "?a.optics.na=0.8&optics.na=1.4").stdout
        let row = try #require(dom.firstMatch(of: /data-number="lateral_fwhm_um">.*?<td class="value pinned">([0-9.]+)<\/td><td class="value">([0-9.]+)<\/td><td class="value pinned">(-?[0-9.]+)<\/td>/),
                               "no A/B row in \(dom.prefix(3000))")
        #expect(Double(row.1) == fwhm[0.8] && Double(row.2) == fwhm[1.4], "A \(row.1), B \(row.2)")
        #expect(abs(Double(row.3)! - (fwhm[1.4]! - fwhm[0.8]!)) < 1e-3)
        #expect(dom.contains(#"<div id="difference"><h3>B − A</h3><img"#), "no difference picture")
    }
}

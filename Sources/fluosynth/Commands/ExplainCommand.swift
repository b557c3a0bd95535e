import ArgumentParser
import Foundation
import Workflows

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Write a teaching page that walks one sample through the imaging model.",
        discussion: reflowed("""
        Writes DIR/index.html and its pictures in DIR/images/: a self-contained page
        (no network, no external files beyond its own PNGs) that follows sample N of
        the spec through its first condition, stage by stage, exactly as `fluosynth
        generate` renders it: ground truth, background, PSF (sections, OTF with the
        cut-off 2NA/λ, measured and textbook FWHM, Nyquist pixel λ/(4NA)), sampling,
        camera (photons, read noise, SNR) and the normalised input, with line profiles
        through every stage and radial power spectra.

        --sweep repeats the recording with one parameter set to each value (at most
        8), everything else, random streams included, unchanged:
          na          the numerical aperture (every model but gaussian and file)
          wavelength  the emission wavelength in µm
          photons     the camera's peak_photons (or photons_per_unit)
          pixel-size  the camera pixel in µm: y and x become integrating steps of
                      pixel-size / ground-truth pixel (at least the ground-truth pixel)

        --serve starts a local web page instead (http://127.0.0.1:8017/ by default):
        the same sections beside controls for the optics, the camera pixel and z step,
        the photons, read noise, background and the phantom's main numbers; each change
        renders the sample again through the spec's own validation. "Download spec"
        gives the settings as a spec generate accepts; "Pin as A" compares two settings.
        It listens on loopback only unless --host says otherwise.

        Examples:
          fluosynth explain Examples/microtubules-widefield-2d.yaml --out explain/mt
          fluosynth explain Examples/microtubules-widefield-2d.yaml --serve
          fluosynth explain Examples/microtubules-widefield-2d.yaml \\
              --out explain/na --sweep na=0.8,1.0,1.4
          fluosynth explain Examples/spheres-3d-rcan.yaml \\
              --out explain/spheres --sample 3 --sweep photons=20,100,1000
        """)
    )

    @Argument(help: "The dataset spec (YAML).")
    var spec: String

    @Option(name: .customLong("out"), help: "Output directory for index.html and images/ (not with --serve).")
    var outputDirectory: String?

    @Flag(help: "Serve a live page with controls instead of writing one.")
    var serve = false

    @Option(help: "With --serve: the port (0: a free one, printed).")
    var port: UInt16 = 8017

    @Option(help: "With --serve: the IPv4 address to listen on; other machines reach the page only if it is not loopback.")
    var host = "127.0.0.1"

    @Option(help: "Which sample of the spec to explain (0-based).")
    var sample: Int = 0

    @Option(help: "KEY=V1,V2,… with KEY one of na, wavelength, photons, pixel-size.")
    var sweep: String?

    @Option(help: "Worker threads (this machine's core count unless given); the page does not depend on it.")
    var threads: Int = Parallel.availableCores

    func validate() throws {
        if sample < 0 { throw ValidationError("--sample must be 0 or more") }
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if serve && outputDirectory != nil { throw ValidationError("--serve writes nothing: drop --out") }
        if serve && sweep != nil { throw ValidationError("--sweep makes a static page; the live page (--serve) has controls instead") }
        if !serve && outputDirectory == nil { throw ValidationError("give --out DIR for the page, or --serve for a live one") }
        var address = in_addr()
        if inet_pton(AF_INET, host, &address) != 1 {
            throw ValidationError("--host must be an IPv4 address such as 127.0.0.1 (this machine only) or 0.0.0.0 (every interface), got '\(host)'")
        }
    }

    func run() throws {
        guard let outputDirectory else {
            return try ExplainRun.serve(specPath: spec, sample: sample, host: host, port: port, threads: threads) { address in
                print("serving \(address) (Ctrl-C stops)")
                if host != "127.0.0.1" { print("note: listening on \(host): whoever reaches this machine can use the page") }
            }
        }
        let page = try ExplainRun.run(specPath: spec, directory: outputDirectory, sample: sample, sweep: sweep, threads: threads)
        print("wrote \(outputDirectory)/index.html with \(page.imagePaths.count) pictures")
        for line in page.summary { print("  " + line) }
    }
}

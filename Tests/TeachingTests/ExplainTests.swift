import DataIO
import FluoCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Imaging
import Metrics
import Testing
import TestSupport
@testable import Teaching
@testable import Workflows  // the cross-check that the page shows what generate makes

/// `fluosynth explain`: the numbers its page shows, the images it is made of, and its structure.
@Suite("Explain page")
struct ExplainTests {
    /// A small 2-D spec: 64 × 64 at 0.04 µm, Born–Wolf NA 1.2 at 0.5 µm, background, 2× integrating
    /// camera pixels, a camera with peak_photons.
    static let specPath: String = {
        let path = TestPaths.temporaryDirectory("explain-spec") + "/explain-test.yaml"
        try! """
        name: explain-test
        seed: 3
        samples: 2
        shape: [64, 64]
        pixel_size_um: [0.04, 0.04]
        phantom:
          kind: microtubules
          count: 4
          persistence_length_um: 10
          contour_length_um: {distribution: lognormal, mean: 3, sd: 1}
        optics: {model: born-wolf, na: 1.2, wavelength_um: 0.5, immersion_index: 1.518}
        acquisition:
          background: {amplitude: [0.2, 0.4], feature_size_um: 1}
          subsample:
            - {axis: y, factor: 2, mode: integrate}
            - {axis: x, factor: 2, mode: integrate}
          camera: {peak_photons: 100, quantum_efficiency: 0.9, read_noise_e: 2, gain_adu_per_e: 0.5, offset_adu: 100}
        output: {formats: [tiff]}
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    static let explanation: Explanation = try! Explanation(specPath: specPath, sample: 1, sweep: nil, threads: 2)

    /// The page shows the very images `generate` makes: the trace's stages in the model's
    /// order, the ground truth and the recorded input equal to SampleRenderer's, bit for bit.
    @Test func traceIsWhatGenerateMakes() throws {
        let e = Self.explanation
        let names = e.trace.stages.map(\.name)
        #expect(names == ["ground truth", "background", "psf", "subsample-y", "subsample-x", "camera", "normalised input"])
        #expect(Array(names.dropLast()) == ["ground truth"] + e.trace.model.stages.map(\.name))

        let plan = try Generator.plan(GenerateOptions(specPath: Self.specPath))
        let rendered = try SampleRenderer(spec: plan.spec, cache: ImagingCache(folder: plan.spec.folder), samples: 2).render(1)
        #expect(rendered.groundTruth[0] == e.specimen.groundTruth)
        #expect(rendered.inputs[0].channels[0] == e.trace.recorded.image)
        #expect(e.trace.stages.allSatisfy { $0.grid.shape == $0.image.shape })
    }

    /// Sample positions: integrating 2× moves the first centre from d/2 to d; point sampling keeps it.
    @Test func gridsFollowTheSubsampling() {
        let camera = Self.explanation.trace.recorded.grid
        #expect(camera.spacingUm == [0.08, 0.08])
        #expect(zip(camera.originUm, [0.04, 0.04]).allSatisfy { abs($0 - $1) < 1e-12 })
        let stack = SampleGrid(shape: [9, 4, 4], spacingUm: [0.1, 0.05, 0.05])
        let z = stack.resampled(by: AxisResampling(axis: .z, factor: 2, mode: .point))
        #expect(z.shape == [5, 4, 4] && z.originUm[0] == 0.05 && abs(z.spacingUm[0] - 0.2) < 1e-12)
        let x = stack.resampled(by: AxisResampling(axis: .x, factor: 3, mode: .integrate))
        #expect(x.shape == [9, 4, 1] && abs(x.originUm[2] - 0.075) < 1e-12)
        #expect(abs(x.extentUm(axis: 2).start) < 1e-12 && abs(x.extentUm(axis: 2).length - 0.15) < 1e-12)
    }

    /// FWHM, cut-offs and Nyquist pixel: the numbers shown are PSFMeasurement's and the textbook
    /// formulas', and the page prints them.
    @Test func opticsNumbers() throws {
        let e = Self.explanation
        let optics = try #require(e.optics)
        let psf = try #require(e.trace.psf)
        #expect(optics.report.lateralFWHMUm == PSFMeasurement.fwhm(psf, axis: 1))
        #expect(abs(optics.report.theoreticalLateralFWHMUm! - 0.51 * 0.5 / 1.2) < 1e-12)
        #expect(abs(optics.lateralCutoffPerUm! - 4.8) < 1e-12)
        #expect(abs(optics.nyquistPixelUm! - 0.5 / 4.8) < 1e-12)
        let axialCutoff = (1.518 - (1.518 * 1.518 - 1.44).squareRoot()) / 0.5
        #expect(abs(optics.axialCutoffPerUm! - axialCutoff) < 1e-12)
        // The rendered PSF matches the textbook widths to a few per cent (pixel integration
        // and sampling widen the measured ones slightly).
        #expect(abs(optics.report.lateralFWHMUm / optics.report.theoreticalLateralFWHMUm! - 1) < 0.1)
        let axial = try #require(optics.axialFWHMUm), theory = try #require(optics.theoreticalAxialFWHMUm)
        #expect(abs(axial / theory - 1) < 0.1, "axial FWHM \(axial) µm against \(theory) µm")
        let html = ExplainPage(e).html
        #expect(html.contains(HTML.um(optics.report.lateralFWHMUm) + " measured"))
        #expect(html.contains("4.80 cycles/µm") && html.contains(HTML.um(0.5 / 4.8)))
    }

    /// SNR = S/√(S + B + σ²), with EM gain S/√(2(S + B) + (σ/G)²); E[ADU] = gain·G·(S + B) + offset.
    @Test func photonBudgetFormula() {
        var budget = PhotonBudget(photonsPerUnit: 10, signalValue: 6, backgroundValue: 2, quantumEfficiency: 0.8,
                                  readNoiseE: 2, emGain: 1, gainADUPerE: 0.5, offsetADU: 100)
        #expect(budget.signalElectrons == 48 && abs(budget.backgroundElectrons - 16) < 1e-12)
        #expect(abs(budget.snr - 48 / 68.0.squareRoot()) < 1e-12)
        #expect(abs(budget.expectedADU - 132) < 1e-12)
        budget.emGain = 100
        #expect(abs(budget.snr - 48 / (128 + 0.0004).squareRoot()) < 1e-12)
        #expect(abs(budget.expectedADU - 3300) < 1e-9)
    }

    /// The noise the budget predicts is the camera model's: electrons = (ADU − offset)/gain of a
    /// flat image vary by QE·s·v + σ² (no EM gain) and by 2·QE·s·v·G² + σ² with EM gain G.
    @Test func photonBudgetNoiseMatchesTheCamera() throws {
        for emGain in [1.0, 50] {
            let parameters = CameraParameters(photonsPerUnit: 20, quantumEfficiency: 0.7, readNoiseE: 3, emGain: emGain,
                                              gainADUPerE: 0.25, offsetADU: 90)
            let camera = try Camera(parameters, sensorShape: [128, 128]) { _ in fatalError("no maps") }
            let image = Volume(shape: [128, 128], repeating: 2)
            let recorded = try camera.record(image, stream: RandomStream(seed: 11), threads: 2)
            let electrons = recorded.data.map { (Double($0) - 90) / 0.25 / emGain }
            let mean = electrons.reduce(0, +) / Double(electrons.count)
            let variance = electrons.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(electrons.count - 1)
            let budget = PhotonBudget(camera: camera, image: image, background: nil, at: 0)
            #expect(abs(mean / budget.signalElectrons - 1) < 0.01, "mean \(mean) e⁻, budget \(budget.signalElectrons)")
            #expect(abs(variance / (budget.noiseElectrons * budget.noiseElectrons) - 1) < 0.05,
                    "EM gain \(emGain): variance \(variance), budget \(budget.noiseElectrons * budget.noiseElectrons)")
        }
    }

    /// At the brightest pixel of the camera's input the budget holds peak_photons, split into
    /// signal and the background's share, which is positive and below the spec's amplitude.
    @Test func budgetOfTheSample() throws {
        let e = Self.explanation
        let budget = try #require(e.budget)
        #expect(abs(budget.signalPhotons + budget.backgroundPhotons - 100) < 1e-3)
        let amplitude = try #require(e.specimen.dataset.conditions[0].acquisition.background?.amplitude)
        #expect(budget.backgroundValue > 0 && budget.backgroundValue < amplitude)
        #expect(e.specimen.drawn["acquisition.background.amplitude"] == amplitude)
        #expect(budget.readNoiseE == 2 && budget.quantumEfficiency == 0.9)
        #expect(ExplainPage(e).html.contains("= <b>\(HTML.number(budget.snr))</b>"))
    }

    /// The line crosses a straight filament: along x for one that runs along y and vice versa,
    /// through the filament (the ground truth's profile peaks at the centre), at about 90°.
    @Test(arguments: [true, false])
    func profileLineCrossesTheFilament(vertical: Bool) {
        var truth = Volume(shape: [48, 48], spacingUm: [0.05, 0.05])
        for i in 0..<48 { if vertical { truth[i, 24] = 5 } else { truth[24, i] = 5 } }
        let grid = SampleGrid(shape: truth.shape, spacingUm: truth.spacingUm)
        let line = ProfileLine.choose(groundTruth: truth, grid: grid, widthUm: 0.2)
        #expect(line.axis == (vertical ? 1 : 0))
        #expect(abs(line.crossingAngleDegrees - 90) < 1)
        let profile = line.profile(of: truth, grid: grid)
        let peak = profile.max { $0.value < $1.value }!
        #expect(abs(peak.positionUm) < 1e-9 && peak.value == 5)
        #expect(abs(line.halfLengthUm - 1) < 1e-9)  // 5 × the 0.2 µm width, within the 2.4 µm field
    }

    /// Radial power spectrum: a cosine of 1.25 cycles/µm peaks in the ring at 1.25 cycles/µm, and
    /// white noise of variance V around a mean μ sits at V·w/(N·μ²) relative to the mean.
    @Test func radialPowerSpectrum() {
        let n = 64, d = 0.1
        var wave = Volume(shape: [n, n], spacingUm: [d, d])
        for y in 0..<n { for x in 0..<n { wave[y, x] = Float(2 + cos(2 * Double.pi * 1.25 * Double(x) * d)) } }
        let spectrum = RadialPowerSpectrum(wave)
        let top = (1..<spectrum.power.count).max { spectrum.power[$0] < spectrum.power[$1] }!
        #expect(abs(spectrum.frequenciesPerUm[top] - 1.25) < 1e-9)

        var stream = RandomStream(seed: 5)
        let noise = Volume(shape: [128, 128], spacingUm: [d, d], data: (0..<(128 * 128)).map { _ in Float(10 + 2 * stream.normal()) })
        let relative = RadialPowerSpectrum(noise).relativeToMean
        let floor = 4 * RadialPowerSpectrum.windowPower(shape: [128, 128]) / (Double(128 * 128) * 100)
        let high = relative[20...].reduce(0, +) / Double(relative.count - 20)
        #expect(abs(high / floor - 1) < 0.05, "floor \(high) against \(floor)")
        #expect(abs(RadialPowerSpectrum.windowPower(shape: [16, 16], apodizationPixels: 0) - 1) < 1e-12)
    }

    /// A sweep changes its parameter and nothing else; bad sweeps name the key and the value.
    @Test func sweeps() throws {
        let na = try Explanation(specPath: Self.specPath, sample: 1, sweep: "na=0.9,1.3", threads: 2)
        #expect(na.sweepPoints.map { $0.trace.condition.optics?.optics?.na } == [0.9, 1.3])
        #expect(na.sweepPoints[0].optics!.report.lateralFWHMUm > na.sweepPoints[1].optics!.report.lateralFWHMUm)
        #expect(na.specimen.groundTruth == Self.explanation.specimen.groundTruth)
        #expect(na.trace.recorded.image == Self.explanation.trace.recorded.image)
        // The saved page has a slider over the values, one recording shown at a time, and stays well-formed XML.
        let html = ExplainPage(na).html
        #expect(html.contains(#"data-sweep="" min="0" max="1""#) && html.components(separatedBy: "data-sweep-frame=").count == 3)
        #expect(html.contains(#"data-sweep-frame="1" hidden="""#) && html.contains("na = 0.9|na = 1.3"))
        let parser = XMLParser(data: Data(html.utf8))
        #expect(parser.parse(), "\(String(describing: parser.parserError))")

        let photons = try Explanation(specPath: Self.specPath, sample: 1, sweep: "photons=10,1000", threads: 2)
        let budgets = photons.sweepPoints.map { $0.budget! }
        #expect(budgets.map { ($0.signalPhotons + $0.backgroundPhotons).rounded() } == [10, 1000])
        #expect(budgets[1].snr > 5 * budgets[0].snr)

        let pixels = try Explanation(specPath: Self.specPath, sample: 1, sweep: "pixel-size=0.04,0.12", threads: 2)
        #expect(pixels.sweepPoints.map { $0.trace.recorded.grid.spacingUm.map { ($0 * 1e9).rounded() / 1e9 } } == [[0.04, 0.04], [0.12, 0.12]])
        #expect(pixels.sweepPoints[1].trace.recorded.image.shape == [21, 21])

        for (text, message) in [("na=2", "--sweep na=2: na: must be below the immersion index"), ("foo=1", "unknown key 'foo'"),
                                ("pixel-size=0.02", "finer than the ground truth"), ("photons=a", "not a comma-separated list")] {
            #expect(throws: TeachingError.self) { try Explanation(specPath: Self.specPath, sample: 0, sweep: text, threads: 2) }
            do {
                _ = try Explanation(specPath: Self.specPath, sample: 0, sweep: text, threads: 2)
            } catch {
                #expect("\(error)".contains(message), "\(error)")
            }
        }
    }

    /// The page is well-formed XML; every picture it shows exists and has the size the page
    /// declares; it refers to nothing outside its folder; each stage has its section.
    @Test func pageStructure() throws {
        let folder = TestPaths.temporaryDirectory("explain-page")
        let page = ExplainPage(Self.explanation)
        try page.write(to: folder)
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/index.html"))

        final class Collector: NSObject, XMLParserDelegate {
            var images: [[String: String]] = [], svgs = 0, ids: [String] = []
            func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                        attributes: [String: String] = [:]) {
                if name == "img" { images.append(attributes) }
                if name == "svg" { svgs += 1 }
                if name == "section", let id = attributes["id"] { ids.append(id) }
            }
        }
        let parser = XMLParser(data: data), collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "index.html is not well-formed: \(String(describing: parser.parserError))")
        #expect(collector.images.count >= 10)
        for image in collector.images {
            let source = try #require(image["src"])
            #expect(source.hasPrefix("images/") && source.hasSuffix(".png"))
            let picture = try PNGReader.read(folder + "/" + source)
            #expect(String(picture.width) == image["width"] && String(picture.height) == image["height"], "\(source)")
        }
        #expect(Set(collector.images.compactMap { $0["src"] }) == Set(page.imagePaths))
        #expect(collector.svgs >= 10)
        #expect(collector.ids.filter { $0.hasPrefix("stage-") } == (0..<7).map { "stage-\($0)" })
        let html = String(decoding: data, as: UTF8.self)
        for external in ["src=\"http", "href=\"http", "url(", "@import", "<link"] { #expect(!html.contains(external), "\(external)") }
    }
}

import DataIO
import FluoCore
import Foundation
import Imaging

/// One section of the page: its HTML and the pictures it shows.
struct PageSection {
    var id: String
    var title: String
    /// The stage number shown in the heading's badge, if any.
    var step: Int?
    var body: String
    var figures: [PageFigure] = []

    var html: String {
        let badge = step.map { #"<span class="step">\#($0)</span>"# } ?? ""
        return #"<section id="\#(id)"><h2>\#(badge)\#(HTML.escape(title))</h2>\#(body)</section>"#
    }
}

/// The teaching page for an `Explanation`: an HTML file with its PNG pictures in `images/`
/// beside it, and every plot as inline SVG; no external style sheet, script or font.
public struct ExplainPage {
    public let explanation: Explanation
    /// The page (well-formed XML as well as HTML).
    public let html: String
    /// The page's sections alone (what goes inside `<main>`), pictures at `images/<name>`.
    public let sectionsHTML: String
    let figures: [PageFigure]

    /// Width in CSS pixels of the field of view in a stage's picture (thumbnails and sweep
    /// panels are smaller, at the same aspect).
    static let pictureWidth = 380.0

    /// Stage titles for headings and the overview.
    static func title(of stage: String) -> String {
        switch stage {
        case "ground truth": return "Ground truth"
        case "background": return "Background"
        case "psf": return "Blur by the PSF"
        case "out-of-focus": return "Out-of-focus light"
        case "subsample-x": return "Sampling along x"
        case "subsample-y": return "Sampling along y"
        case "subsample-z": return "Sampling along z"
        case "camera": return "Camera"
        case AcquisitionTrace.normalisedStageName: return "Normalised input"
        default: return stage
        }
    }

    /// What a stage's picture shows, for its caption.
    static func caption(of stage: String) -> String {
        switch stage {
        case "ground truth": return "the dye o(r)"
        case "background": return "dye and background, o + b"
        case "psf": return "blurred, (o + b) ⊛ h"
        case "out-of-focus": return "with the haze of the layers above and below"
        case "camera": return "recorded, in ADU"
        case AcquisitionTrace.normalisedStageName: return "what the network sees"
        default: return "after " + title(of: stage).lowercased()
        }
    }

    public init(_ explanation: Explanation) {
        self.explanation = explanation
        let sections = ExplainPage.sections(explanation)
        figures = sections.flatMap(\.figures)
        let specimen = explanation.specimen, condition = explanation.trace.condition
        let count = specimen.dataset.conditions.count
        let conditions = count > 1 ? " (the first of \(count))" : ""
        let heading = HTML.escape("How a microscope records sample \(specimen.index) of \(specimen.dataset.name)")
        let head = """
        <!DOCTYPE html>
        <html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>\(heading)</title>
        <style>\(PageStyle.css)</style></head><body>
        <header class="title"><div><h1>\(heading)</h1>
        <p>\(HTML.escape("Spec \(explanation.specPath) · condition “\(condition.name)”\(conditions) · channel 0 · made by fluosynth \(ToolInfo.version), the same pixels as fluosynth generate writes"))</p></div></header><main>
        """
        sectionsHTML = sections.map(\.html).joined(separator: "\n")
        html = head + sectionsHTML + "</main><script>\(PageStyle.script)</script></body></html>\n"
    }

    /// The page's sections in reading order.
    static func sections(_ explanation: Explanation) -> [PageSection] {
        let trace = explanation.trace
        let fieldWidth = trace.stages[0].grid.extentUm(axis: trace.stages[0].grid.shape.count - 1).length
        let views = StageViews(line: explanation.line, pixelsPerUm: pictureWidth / fieldWidth)
        var sections = [overview(explanation, views: views)]
        for (index, stage) in trace.stages.enumerated() {
            let story = narrative(of: stage, index: index, explanation, views: views)
            let figures = views.figures(of: stage.image, grid: stage.grid, name: StageViews.name(of: stage, index: index),
                                        caption: caption(of: stage.name), projection: index == 0) + story.pictures
            let body = story.text + #"<div class="row">\#(figures.map(\.html).joined())</div>"# + story.after
            sections.append(PageSection(id: "stage-\(index)", title: title(of: stage.name), step: index + 1, body: body,
                                        figures: figures + story.afterFigures))
        }
        sections.append(ProfilePlot.section(explanation))
        sections.append(SpectrumPlot.section(explanation))
        if let sweep = explanation.sweep { sections.append(SweepSection.section(explanation, sweep: sweep, views: views)) }
        sections.append(notes)
        return sections
    }

    /// What a stage's section says and shows besides the stage's own pictures.
    struct Narrative {
        var text: String
        /// Pictures beside the stage's own.
        var pictures: [PageFigure] = []
        /// HTML after the pictures, and the figures in it.
        var after = ""
        var afterFigures: [PageFigure] = []
    }

    static func narrative(of stage: TracedStage, index: Int, _ explanation: Explanation, views: StageViews) -> Narrative {
        let trace = explanation.trace
        switch stage.name {
        case "ground truth": return Narrative(text: StageText.groundTruth(explanation))
        case "background":
            let layer = trace.backgroundLayer.map {
                views.figures(of: $0, grid: stage.grid, name: "background-layer", caption: "the background b(r) alone")
            } ?? []
            return Narrative(text: StageText.background(explanation), pictures: layer)
        case "psf":
            guard let optics = explanation.optics else { return Narrative(text: "") }
            let (after, figures) = PSFSection.figures(optics)
            return Narrative(text: PSFSection.text(optics, explanation), after: after, afterFigures: figures)
        case "camera": return Narrative(text: CameraSection.text(explanation))
        case "out-of-focus": return Narrative(text: StageText.outOfFocus(explanation, added: stage.image.mean() - trace.stages[index - 1].image.mean()))
        case AcquisitionTrace.normalisedStageName: return Narrative(text: StageText.normalised(explanation))
        default:
            let step = (trace.model.stages[index - 1] as! SubsamplingStage).resampling
            let before = trace.stages[index - 1]
            let axis = step.axis.index(inRank: stage.grid.shape.count)!
            // Zoom on the line's centre, before and after, in the plane that holds the axis.
            let rows = stage.image.rank == 3 && step.axis == .z ? 0 : stage.image.rank - 2
            let half = 6 * stage.grid.spacingUm[axis]
            let zooms = [(before, "before"), (stage, "after")].map { picture, when in
                views.zoom(of: picture.image, grid: picture.grid, rows: rows, halfWidthUm: half,
                           name: StageViews.name(of: stage, index: index) + "-zoom-\(when).png",
                           caption: "zoom \(when): \(step.axis.rawValue) spacing \(HTML.um(picture.grid.spacingUm[axis]))", displayWidth: 180)
            }
            return Narrative(text: StageText.subsampling(step, before: before.grid, after: stage.grid, optics: explanation.optics),
                             pictures: zooms)
        }
    }

    /// The pipeline at a glance: every stage small, in order.
    static func overview(_ explanation: Explanation, views: StageViews) -> PageSection {
        let small = StageViews(line: views.line, pixelsPerUm: views.pixelsPerUm * 150 / pictureWidth)
        let items = explanation.trace.stages.enumerated().map { index, stage -> String in
            var figure = small.figures(of: stage.image, grid: stage.grid, name: StageViews.name(of: stage, index: index), caption: "")[0]
            figure.caption = ##"<a href="#stage-\##(index)">\##(index + 1). \##(HTML.escape(title(of: stage.name)))</a>"##
            return figure.html
        }
        let body = """
        <p>A fluorescence microscope turns the dye in a specimen into a noisy digital image in a fixed order. \
        Each step below is one stage of FluoSynth's imaging model, applied to the previous image exactly as \
        <code>fluosynth generate</code> applies it. The dashed yellow line marks where the profiles further down are taken.</p>
        <div class="pipeline">\(items.joined(separator: #"<span class="arrow">→</span>"#))</div>
        """
        return PageSection(id: "overview", title: "The imaging pipeline at a glance", body: body)
    }

    static let notes = PageSection(id: "notes", title: "How to read this page", body: """
        <p>Every grey picture is stretched between its own 0.1 % and 99.9 % percentiles, so brightness is \
        comparable within a picture, not between pictures: read numbers from the tables and plots. Pictures are \
        shown at one physical scale (the scale bars), so a coarse camera pixel appears as a large block. \
        PSF and OTF pictures are logarithmic: equal steps along the colour scale are equal factors.</p>
        <p>Lengths are in µm, spatial frequencies in cycles/µm. Intensities before the camera are in dye units: \
        the amount of fluorophore per ground-truth pixel, blurred and averaged but never scaled; the camera turns \
        them into photons with its photon scale.</p>
        <p class="note">References: M. Born and E. Wolf, <i>Principles of Optics</i>, §8.8 (diffraction PSF); \
        E. Abbe, Arch. Mikrosk. Anat. 9 (1873) 413 (resolution limit); J. Pawley (ed.), <i>Handbook of Biological \
        Confocal Microscopy</i>, 3rd ed. 2006, ch. 2 and 4 (photon budget, Nyquist sampling); \
        K. Perlin, SIGGRAPH 2002 (noise); M. Weigert et al., Nat. Methods 15 (2018) 1090 (CARE and its normalisation).</p>
        """)

    /// Writes the pictures into `directory/images/` and then `directory/index.html`, each
    /// file atomically (a reader never sees a page whose pictures are missing).
    public func write(to directory: String) throws {
        var written = Set<String>()
        for figure in figures where written.insert(figure.name).inserted {
            try PNGWriter.write(figure.image, to: directory + "/" + figure.path)
        }
        try AtomicFile.write(Data(html.utf8), to: directory + "/index.html")
    }

    /// A few lines for the terminal: the optics' and the camera's key numbers.
    public var summary: [String] {
        var lines: [String] = []
        if let optics = explanation.optics {
            var line = "lateral FWHM \(HTML.um(optics.report.lateralFWHMUm))"
            if let theory = optics.report.theoreticalLateralFWHMUm { line += " (theory \(HTML.um(theory)))" }
            if let cutoff = optics.lateralCutoffPerUm, let nyquist = optics.nyquistPixelUm {
                line += ", cut-off \(HTML.number(cutoff)) cycles/µm, Nyquist pixel \(HTML.um(nyquist))"
            }
            lines.append(line + "; recorded pixel \(HTML.um(explanation.trace.recorded.grid.spacingUm.last!))")
        }
        if let budget = explanation.budget {
            lines.append("SNR at the brightest pixel \(HTML.number(budget.snr)) (S \(HTML.number(budget.signalElectrons)) e⁻, B \(HTML.number(budget.backgroundElectrons)) e⁻, read noise \(HTML.number(budget.readNoiseE)) e⁻)")
        }
        return lines
    }

    /// The PNG of the picture at `path` (as the page refers to it: `images/<name>`), if the
    /// page has it.
    public func png(at path: String) throws -> Data? {
        try figures.first { $0.path == path }.map { try PNGWriter.encode($0.image) }
    }

    /// Relative paths of the pictures the page refers to.
    public var imagePaths: [String] { Array(Set(figures.map(\.path))).sorted() }
}

import Foundation

/// A row of recordings of the same sample, one per value of the swept parameter, with their
/// numbers and their profiles along the line.
enum SweepSection {
    static func section(_ explanation: Explanation, sweep: ParameterSweep, views: StageViews) -> PageSection {
        let points = explanation.sweepPoints
        let small = StageViews(line: views.line, pixelsPerUm: views.pixelsPerUm * 220 / ExplainPage.pictureWidth)
        let label = { (value: Double) in "\(sweep.key.rawValue) = \(HTML.plain(value))" }
        let figures = points.enumerated().map { index, point -> PageFigure in
            var caption = "<b>\(HTML.escape(label(point.value)))</b>"
            if let optics = point.optics { caption += " · FWHM " + HTML.um(optics.report.lateralFWHMUm) }
            if let budget = point.budget { caption += " · SNR " + HTML.number(budget.snr) }
            return small.figures(of: point.trace.recorded.image, grid: point.trace.recorded.grid, name: "sweep-\(index)", caption: caption)[0]
        }
        let um = { (value: Double?) in value.map(HTML.um) ?? "–" }
        let rows = points.map { point -> String in
            let cells = [
                HTML.escape(label(point.value)),
                um(point.optics?.report.lateralFWHMUm),
                point.optics?.lateralCutoffPerUm.map { HTML.number($0) + " /µm" } ?? "–",
                um(point.optics?.nyquistPixelUm),
                um(point.trace.recorded.grid.spacingUm.last!),
                point.budget.map { HTML.number($0.signalPhotons + $0.backgroundPhotons) } ?? "–",
                point.budget.map { HTML.number($0.snr) } ?? "–",
            ]
            return "<tr>" + cells.map { #"<td class="value">\#($0)</td>"# }.joined() + "</tr>"
        }
        let header = ["value", "lateral FWHM", "cut-off 2NA/λ", "Nyquist pixel", "recorded pixel", "photons, brightest pixel", "SNR there"]
        let table = #"<table class="numbers"><tr>"# + header.map { "<th>\($0)</th>" }.joined() + "</tr>" + rows.joined() + "</table>"
        let line = explanation.line
        let profiles = points.enumerated().map { index, point -> LinePlot.Series in
            let stage = point.trace.stages.last!
            return LinePlot.Series(label: label(point.value), colour: LinePlot.palette[(index + 1) % LinePlot.palette.count],
                                   points: line.profile(of: stage.image, grid: stage.grid).map { (x: $0.positionUm, y: $0.value) }, dots: true)
        }
        let plot = LinePlot(xLabel: "position along the line (µm)", xRange: -line.halfLengthUm...line.halfLengthUm,
                            panels: [LinePlot.Panel(title: "Normalised input along the line", yLabel: "normalised", series: profiles)],
                            panelHeight: 220, summary: "Profiles of the normalised input for each value of \(sweep.key.rawValue)")
        let body = """
        <p>The same specimen recorded with the \(HTML.escape(sweep.key.meaning)) set to each value in turn; everything else, \
        every random stream included, stays as above, so the differences come from the parameter alone.\(caveat(sweep, explanation))</p>
        \(slider(figures: figures, values: points.map { label($0.value) }))
        <div class="row">\(figures.map(\.html).joined())</div>
        \(table)
        \(plot.svg)
        """
        return PageSection(id: "sweep", title: "Sweep: \(sweep.key.meaning)", body: body, figures: figures)
    }

    /// A slider over the precomputed values showing one recording at a time, larger (the page's
    /// script moves it; offline, no server): the live page's control for a saved page.
    static func slider(figures: [PageFigure], values: [String]) -> String {
        let frames = figures.enumerated().map { index, figure -> String in
            var large = figure
            large.displayWidth = ExplainPage.pictureWidth
            return #"<div data-sweep-frame="\#(index)"\#(index == 0 ? "" : #" hidden="""#)>\#(large.html)</div>"#
        }
        return """
        <div class="sweep-slider"><label>\(HTML.escape(values[0].split(separator: "=").first.map(String.init) ?? "value")) \
        <input type="range" data-sweep="" min="0" max="\(figures.count - 1)" step="1" value="0"/> \
        <output data-sweep-label="">\(HTML.escape(values[0]))</output></label>\
        <span hidden="" data-sweep-values="\(HTML.escape(values.joined(separator: "|")))"></span>
        \(frames.joined())</div>
        """
    }

    /// What the model keeps fixed that a real microscope would not.
    static func caveat(_ sweep: ParameterSweep, _ explanation: Explanation) -> String {
        guard sweep.key == .na || sweep.key == .wavelength, explanation.trace.condition.acquisition.camera?.peakPhotons != nil else { return "" }
        return " Note: this spec sets peak_photons, which scales the light so the brightest pixel expects the same number of photons whatever the optics; a real objective of higher NA also collects more light (roughly ∝ NA²), which this sweep leaves out."
    }
}

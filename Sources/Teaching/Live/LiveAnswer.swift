/// What the live page gets for one render: the explain page's sections (pictures at
/// `r/<render>/images/<name>`), its numbers by `LivePage.numbers` key, the same summary lines
/// `fluosynth explain` prints, and the render's time.
public struct LiveAnswer {
    public var json: [String: Any]

    public init(_ page: ExplainPage, render: Int, milliseconds: Int) {
        let explanation = page.explanation
        var numbers: [String: Double] = [:]
        if let optics = explanation.optics {
            numbers["lateral_fwhm_um"] = optics.report.lateralFWHMUm
            numbers["theory_lateral_fwhm_um"] = optics.report.theoreticalLateralFWHMUm
            numbers["cutoff_per_um"] = optics.lateralCutoffPerUm
            numbers["nyquist_pixel_um"] = optics.nyquistPixelUm
        }
        numbers["recorded_pixel_um"] = explanation.trace.recorded.grid.spacingUm.last
        numbers["snr"] = explanation.budget?.snr
        json = [
            "render": render, "render_ms": milliseconds, "summary": page.summary,
            "numbers": numbers.mapValues { Double(HTML.number($0, digits: 4)) ?? $0 },
            "html": page.sectionsHTML.replacingOccurrences(of: #"src="images/"#, with: #"src="r/\#(render)/images/"#),
        ]
    }
}

import Calibration
import DataIO
import FluoCore
import Foundation
import Teaching

/// The calibration's report: every fit beside the data it was fitted to, the real image beside
/// synthetic ones of the calibrated spec, and the spec written.
public struct CalibrationReport {
    let result: CalibrationResult

    public init(_ result: CalibrationResult) { self.result = result }

    /// Writes `directory/index.html` and its pictures.
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let real = Preview.image(channels: [result.cameraImage])
        try PNGWriter.write(ImageSheet.scaled(real, toHeight: 384), to: directory + "/real.png")
        if !result.syntheticImages.isEmpty {
            let synthetic = result.syntheticImages.prefix(4).map { Preview.image(channels: [$0]) }
            try PNGWriter.write(ImageSheet.row(synthetic.map { ImageSheet.scaled($0, toHeight: 192) }), to: directory + "/synthetic.png")
        }
        try AtomicFile.write(Data(html.utf8), to: directory + "/index.html")
    }

    var html: String {
        let o = result.options
        var page = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"/><title>fluosynth calibrate: \(HTML.escape(o.imagePath))</title>
        <style>body{font-family:sans-serif;max-width:1040px;margin:1em auto;color:#222}table{border-collapse:collapse}
        td,th{border:1px solid #bbb;padding:3px 8px;text-align:right}th:first-child,td:first-child{text-align:left}
        pre{background:#f4f4f4;padding:8px;overflow-x:auto}</style></head><body>
        <h1>Calibration of \(HTML.escape(o.imagePath))</h1>
        <p>Given: NA \(o.na), emission \(o.wavelengthUm) µm, pixel \(o.pixelSizeUm) µm. \
        Camera grid: \(result.grid.binning == 1 ? "the image's own pixels" : "binned \(result.grid.binning)×\(result.grid.binning): the image's noise is shared by neighbouring pixels, so it was resampled").</p>
        <h2>Camera</h2>
        <p>\(HTML.escape(result.noiseSource)): gain \(HTML.number(result.noise.gainADUPerE)) ADU/e⁻, \
        offset \(HTML.number(result.noise.offsetADU)) ADU, read noise \(HTML.number(result.noise.readNoiseE)) e⁻ \
        (\(HTML.number(result.noise.readNoiseADU)) ADU). Var[S] = g·(E[S] − O) + σ_r².</p>
        \(noisePlot.svg)
        <h2>Optics and sampling</h2>
        <p>\(HTML.escape(result.cutoff.diagnosis)). Fit P(k) = A·k^−β·|OTF(k/k_c)|² + N₀: β = \(HTML.number(result.cutoff.exponent)), \
        noise floor \(HTML.number(result.cutoff.noiseVariance)) ADU² per pixel.</p>
        \(spectrumPlot.svg)
        <h2>Content: real against synthetic</h2>
        <p><img src="real.png" alt="the real image on the camera grid" height="384"/></p>
        """
        if !result.syntheticImages.isEmpty {
            page += #"<p><img src="synthetic.png" alt="synthetic images of the calibrated spec" height="192"/></p>"#
        }
        page += statisticsTable
        page += "<h2>The spec written (\(HTML.escape(o.outputPath)))</h2><pre>\(HTML.escape(result.specYAML))</pre></body></html>\n"
        return page
    }

    var statisticsTable: String {
        var rows = "<table><tr><th></th><th>floor (e⁻)</th><th>haze (e⁻)</th><th>diffuse / in-focus</th><th>filaments (µm/µm²)</th>"
            + "<th>filament peak (e⁻)</th><th>profile σ (µm)</th><th>foreground</th><th>cut-off (/µm)</th><th>noise slope</th><th>settings</th></tr>"
        func row(_ name: String, _ m: TwinMeasurement, _ settings: String) -> String {
            let s = m.statistics
            return "<tr><td>\(name)</td>" + [s.floorE, s.hazeE, s.diffuseRatio, s.filamentDensityPerUm, s.filamentPeakE, s.profileSigmaUm,
                                             s.foregroundFraction, m.cutoffPerUm ?? .nan, m.noiseSlope]
                .map { "<td>\(HTML.number($0))</td>" }.joined() + "<td>\(HTML.escape(settings))</td></tr>"
        }
        rows += row("real", result.real, "")
        if let comparison = result.comparison {
            rows += row("dataset " + comparison.dataset, comparison.measurement,
                        String(format: "domain gap: spectrum %.3f decades, histogram W1 %.3f", comparison.gap.spectrumDecades, comparison.gap.histogramW1))
        }
        for (index, round) in result.rounds.enumerated() {
            let s = round.settings
            rows += row("synthetic, round \(index)", round.synthetic,
                        String(format: "NA %.3g, %.3g photons/unit, haze weight %.3g, count ×%.3g, gain %.3g",
                               s.effectiveNA, s.photonsPerUnit, s.hazeWeight, s.countScale, s.camera.gainADUPerE))
        }
        rows += "</table>"
        if let gap = result.gap {
            rows += String(format: "<p>Domain gap of the last round's synthetic images: power spectrum %.3f decades (RMS of the log ratio), "
                           + "normalised intensity histogram W1 %.3f.</p>", gap.spectrumDecades, gap.histogramW1)
        }
        return rows
    }

    var noisePlot: LinePlot {
        let sets = result.levelSets
        let xs = sets.map(\.meanADU)
        let low = xs.min() ?? 0, high = Swift.max(xs.max() ?? 1, low + 1)
        let line = [low, high].map { (x: $0, y: result.noise.variance(atMean: $0)) }
        return LinePlot(xLabel: "mean (ADU)", xRange: low...high, panels: [LinePlot.Panel(
            title: "noise-level function", yLabel: "variance (ADU²)",
            series: [LinePlot.Series(label: "level sets", colour: LinePlot.palette[1], points: sets.map { ($0.meanADU, $0.variance) }, dots: true),
                     LinePlot.Series(label: "g·(mean − O) + σ_r²", colour: LinePlot.palette[2], points: line)])],
            summary: "Noise variance against mean intensity with the fitted line")
    }

    var spectrumPlot: LinePlot {
        let fit = result.cutoff
        let k = fit.spectrum.frequenciesPerUm, p = fit.spectrum.power
        let model = k.dropFirst().map { kk -> (x: Double, y: Double) in
            let otf = OpticalCutoff.otf(kk / fit.cutoffPerUm)
            return (kk, fit.amplitude * pow(kk, -fit.exponent) * otf * otf + fit.noiseFloor)
        }
        var guides = [LinePlot.Guide(x: fit.cutoffPerUm, label: "fitted k_c", colour: LinePlot.palette[2])]
        if let nominal = fit.nominalCutoffPerUm, nominal < k.last! {
            guides.append(LinePlot.Guide(x: nominal, label: "2·NA/λ", colour: LinePlot.palette[3]))
        }
        return LinePlot(xLabel: "spatial frequency k (cycles/µm)", xRange: 0...k.last!, panels: [LinePlot.Panel(
            title: "radially averaged power spectrum", yLabel: "power", logarithmic: true,
            series: [LinePlot.Series(label: "image", colour: LinePlot.palette[1], points: Array(zip(k, p).dropFirst().map { ($0.0, $0.1) })),
                     LinePlot.Series(label: "fit", colour: LinePlot.palette[2], points: model)],
            guides: guides)], summary: "Power spectrum of the image with the fitted optical model")
    }
}

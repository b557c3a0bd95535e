import FluoCore
import Foundation
import Imaging

/// The explanations of the stages without a section file of their own: ground truth,
/// background, sampling and normalisation.
enum StageText {
    /// A two-column table of (quantity, value) rows, both already HTML.
    static func table(_ rows: [(String, String)]) -> String {
        #"<table class="numbers">"# + rows.map { #"<tr><td>\#($0.0)</td><td class="value">\#($0.1)</td></tr>"# }.joined() + "</table>"
    }

    static func shape(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: " × ") }

    static func groundTruth(_ explanation: Explanation) -> String {
        let specimen = explanation.specimen, truth = specimen.groundTruth, grid = specimen.grid
        let field = (0..<truth.rank).map { HTML.number(grid.extentUm(axis: $0).length) }.joined(separator: " × ")
        var rows: [(String, String)] = [
            ("grid (\(truth.rank == 3 ? "z, y, x" : "y, x"))", shape(truth.shape) + " samples"),
            ("sample spacing", truth.spacingUm.map { HTML.number($0) }.joined(separator: " × ") + " µm"),
            ("field of view", field + " µm"),
            ("total dye Σ o", HTML.number(truth.sum()) + " units"),
            ("brightest pixel", HTML.number(Double(truth.extrema().max)) + " units"),
        ]
        rows += specimen.phantom.components.map { ("phantom", HTML.escape($0.line)) }
        rows += specimen.drawn.sorted { $0.key < $1.key }.map { ("drawn for this sample: <code>\(HTML.escape($0.key))</code>", HTML.number($0.value, digits: 4)) }
        return """
        <p>The ground truth o(r) is what the specimen holds: each pixel stores the <b>amount of dye</b> (fluorophore) \
        inside its volume, in arbitrary dye units proportional to the number of fluorophores. No light has been \
        collected yet; this is the image a perfect microscope with unlimited resolution, infinitely fine pixels and \
        unlimited photons would record. CARE learns to map the recorded image back towards it.</p>
        \(table(rows))
        """
    }

    static func background(_ explanation: Explanation) -> String {
        guard let background = explanation.trace.condition.acquisition.background,
              let stage = explanation.trace.stage(BackgroundStage.self) else { return "" }
        let truth = explanation.specimen.groundTruth
        let added = stage.image.mean() - truth.mean()
        return """
        <p>Real specimens glow everywhere a little: auto-fluorescence, unbound dye, out-of-focus haze. The model adds \
        a smooth random <b>background</b> b(r) to the dye, <i>before</i> the optics, because it is light emitted in the \
        specimen: the microscope blurs it and the camera counts its photons with the same shot noise as the signal's. \
        It is fractal Perlin noise N: octave k varies on the scale s/Lᵏ and weighs gᵏ,</p>
        <div class="formula">b(r) = offset + A · ½ (1 + Σₖ gᵏ N(Lᵏ r / s) / Σₖ gᵏ),  N ∈ [−1, 1]</div>
        \(table([
            ("amplitude A (peak to trough)", HTML.number(background.amplitude) + " dye units per pixel"),
            ("feature size s", HTML.um(background.featureSizeUm)),
            ("octaves, persistence g, lacunarity L", "\(background.octaves), \(HTML.number(background.persistence)), \(HTML.number(background.lacunarity))"),
            ("offset", HTML.number(background.offset) + " units"),
            ("mean added per pixel", HTML.number(added) + " units (the specimen's own mean: " + HTML.number(truth.mean()) + ")"),
        ]))
        """
    }

    static func outOfFocus(_ explanation: Explanation, added: Double) -> String {
        guard let outOfFocus = explanation.trace.condition.acquisition.outOfFocus else { return "" }
        return """
        <p>A specimen is thicker than the depth of field. Its layers above and below the focal plane are imaged too, \
        each blurred by the PSF <i>defocused</i> to its depth: every photon still reaches the camera, spread over a disc \
        that grows with the distance from focus. The model draws the phantom again for each layer and adds them, \
        blurred, to the in-focus image, so the haze follows the density of the structures as a real widefield image's does:</p>
        <div class="formula">haze = w · Σₖ layerₖ ⊛ h(·, zₖ),  Σ h(·, z) = 1 for every z</div>
        \(table([
            ("specimen thickness", HTML.um(outOfFocus.thicknessUm)),
            ("layers at depths zₖ", outOfFocus.depthsUm.map { HTML.number($0) }.joined(separator: ", ") + " µm"),
            ("weight w of each layer", HTML.number(outOfFocus.weight)),
            ("mean added per pixel", HTML.number(added) + " units"),
        ]))
        """
    }

    static func subsampling(_ step: AxisResampling, before: SampleGrid, after: SampleGrid, optics: OpticsSummary?) -> String {
        let axis = step.axis.index(inRank: before.shape.count)!
        let how: String
        switch step.mode {
        case .integrate:
            how = """
            A camera pixel collects all the light that falls on it. Along <b>\(step.axis.rawValue)</b> each new sample \
            <b>averages</b> f = \(HTML.number(step.factor)) ground-truth samples (partial ones by their overlap), so values \
            stay in dye units per ground-truth pixel while the pixel grows \(HTML.number(step.factor))×.
            """
        case .point:
            how = """
            A focus drive or scanner <b>samples</b> positions: along <b>\(step.axis.rawValue)</b> the new sample j is the \
            image at j·f with f = \(HTML.number(step.factor)) (linearly interpolated between samples), without averaging.
            """
        }
        let spacing = after.spacingUm[axis]
        var verdict = ""
        let limit = step.axis == .z ? optics?.nyquistZStepUm : optics?.nyquistPixelUm
        if let limit {
            let good = spacing <= limit * (1 + 1e-9)
            verdict = good
                ? #"<p><span class="verdict-good">Nyquist-sampled:</span> \#(HTML.um(spacing)) ≤ \#(HTML.um(limit)), the largest spacing that records every frequency the optics pass (1/(2·cut-off)).</p>"#
                : #"<p><span class="verdict-bad">Undersampled:</span> \#(HTML.um(spacing)) > \#(HTML.um(limit)) = 1/(2·cut-off): frequencies between 1/(2·\#(HTML.number(spacing)) µm) and the cut-off fold back (alias) into coarser ones.</p>"#
        }
        return "<p>\(how)</p>" + table([
            ("factor f, mode", "\(HTML.number(step.factor)), \(step.mode.rawValue)"),
            ("\(step.axis.rawValue) spacing", HTML.um(before.spacingUm[axis]) + " → " + HTML.um(spacing)),
            ("samples along \(step.axis.rawValue)", "\(before.shape[axis]) → \(after.shape[axis])"),
        ]) + verdict
    }

    static let regridded = """
        <p class="note">This spec sets <code>output.input_on_ground_truth_grid</code>: <code>fluosynth generate</code> writes \
        the recorded input resampled back onto the ground truth's grid (linear interpolation), not the camera's grid shown here.</p>
        """

    static func normalised(_ explanation: Explanation) -> String {
        let trace = explanation.trace, range = trace.normalisationRange
        let low = HTML.plain(trace.normalisation.low), high = HTML.plain(trace.normalisation.high)
        return """
        <p>The network never sees raw camera values. As in CSBDeep, every input is mapped by its own percentiles, which \
        removes the camera's offset and gain and the overall brightness, leaving relative intensity and noise:</p>
        <div class="formula">x ↦ (x − p\(low)) / (p\(high) − p\(low))</div>
        \(table([
            ("p\(low): the \(low) % percentile", HTML.number(Double(range.low), digits: 5)),
            ("p\(high): the \(high) % percentile", HTML.number(Double(range.high), digits: 5)),
        ]))\(explanation.specimen.dataset.output.inputOnGroundTruthGrid ? regridded : "")
        """
    }
}

import Foundation
import Imaging

/// The camera stage: photon scale, shot and read noise, gain and offset, and the signal-to-
/// noise ratio at the brightest pixel with the numbers put into the formula.
enum CameraSection {
    static func text(_ explanation: Explanation) -> String {
        guard let budget = explanation.budget, let camera = explanation.trace.camera,
              let input = explanation.trace.cameraInput else { return "" }
        let p = camera.parameters, n = { (value: Double) in HTML.number(value) }
        let em = budget.emGain > 1
        var rows: [(String, String)] = []
        if let peak = p.peakPhotons {
            rows.append(("photon scale s = P / max v", "\(n(budget.photonsPerUnit)) photons per dye unit (peak_photons P = \(n(peak)), max v = \(n(Double(input.image.extrema().max))))"))
        } else {
            rows.append(("photon scale s (photons_per_unit)", "\(n(budget.photonsPerUnit)) photons per dye unit"))
        }
        rows += [
            ("brightest pixel v = v<sub>s</sub> + v<sub>b</sub>", "\(n(budget.signalValue + budget.backgroundValue)) = \(n(budget.signalValue)) signal + \(n(budget.backgroundValue)) background (dye units)"),
            ("expected photons there, s·v", "\(n(budget.signalPhotons + budget.backgroundPhotons)) = \(n(budget.signalPhotons)) signal + \(n(budget.backgroundPhotons)) background"),
            ("mean background per pixel", "\(n(explanation.meanBackgroundPhotons ?? 0)) photons"),
            ("quantum efficiency QE", n(budget.quantumEfficiency)),
            ("photo-electrons S, B", "\(n(budget.signalElectrons)) e⁻, \(n(budget.backgroundElectrons)) e⁻"),
            ("read noise σ", "\(n(budget.readNoiseE)) e⁻ r.m.s." + (camera.readNoiseMap != nil ? " (this pixel's, from the sCMOS map)" : "")),
        ]
        if em { rows.append(("EM gain G", "\(n(budget.emGain)) (excess noise factor F² = 2)")) }
        rows += [
            ("conversion gain, offset", "\(n(budget.gainADUPerE)) ADU/e⁻, \(n(budget.offsetADU)) ADU"),
            ("expected ADU at the brightest pixel", n(budget.expectedADU)),
        ]
        if let bits = p.bitDepth {
            let full = pow(2, Double(bits)) - 1
            rows.append(("bit depth", "\(bits) bits: values 0 … \(n(full))" + (budget.expectedADU > full ? #" — <span class="verdict-bad">saturated</span>"# : "")))
        }
        let snrFormula = em ? "S / √(F²(S + B) + (σ/G)²)" : "S / √(S + B + σ²)"
        let substituted = em
            ? "\(n(budget.signalElectrons)) / √(2·(\(n(budget.signalElectrons)) + \(n(budget.backgroundElectrons))) + (\(n(budget.readNoiseE))/\(n(budget.emGain)))²)"
            : "\(n(budget.signalElectrons)) / √(\(n(budget.signalElectrons)) + \(n(budget.backgroundElectrons)) + \(n(budget.readNoiseE))²)"
        let emLine = em ? "<br/>e ← Gamma(e, G)   (electron multiplication, gain G)" : ""
        return """
        <p>The camera turns light into numbers. The image reaching it, v, is in dye units; the photon scale s says how \
        many photons one unit sends into the pixel during the exposure. Photons arrive at random: a pixel that expects \
        λ photons receives a <b>Poisson</b> number with mean λ and standard deviation √λ (shot noise). A fraction QE of \
        them frees an electron; reading the pixel adds Gaussian <b>read noise</b> σ; the converter multiplies by the gain \
        and adds an offset so that noise never goes below zero.</p>
        <div class="formula">λ = s · v,   e ~ Poisson(QE · λ)\(emLine)<br/>ADU = gain · (e + 𝒩(0, σ²)) + offset</div>
        \(StageText.table(rows))
        <p>How well is the structure seen? Its signal S competes with the shot noise of signal and background and with \
        the read noise:</p>
        <div class="formula">SNR = \(snrFormula) = \(substituted) = <b>\(HTML.number(budget.snr))</b></div>
        <p>That is at the brightest pixel, the best case. Rose's criterion says an object needs an SNR of about 5 to be \
        seen reliably; dimmer parts of the specimen have less. Because noise grows as √λ, four times the light only \
        doubles the SNR.</p>
        """
    }
}

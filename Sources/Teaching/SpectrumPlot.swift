import FluoCore
import Foundation
import Imaging
import Metrics

/// Radial power spectra of the ground truth, the blurred image and the recording, relative to
/// each image's mean (`RadialPowerSpectrum.relativeToMean`), with the optical cut-off, the
/// recording's Nyquist frequency and the expected noise floor.
///
/// Noise floor: white noise of variance V per pixel in an image of N pixels with mean μ adds
/// N·V·w to every |F|² (w the apodisation window's mean square) against |F(0)|² = (N·μ)²,
/// i.e. V·w/(N·μ²). For the camera, in electrons, μ = ē = QE·s·mean(v) and
/// V = F²·ē + (σ/G)² (`PhotonBudget`).
enum SpectrumPlot {
    static let apodizationPixels = 8

    static func section(_ explanation: Explanation) -> PageSection {
        let trace = explanation.trace, line = explanation.line
        func plane(_ stage: TracedStage, _ image: Volume? = nil) -> Volume {
            let image = image ?? stage.image
            return image.rank == 3 ? image.section(axis: 0, at: stage.grid.nearestIndex(line.centreUm[0], axis: 0)) : image
        }
        func curve(_ image: Volume) -> [(x: Double, y: Double)] {
            let spectrum = RadialPowerSpectrum(image, apodizationPixels: apodizationPixels)
            return Array(zip(spectrum.frequenciesPerUm, spectrum.relativeToMean).dropFirst()).map { (x: $0.0, y: $0.1) }
        }
        let truth = plane(trace.stages[0])
        var series = [LinePlot.Series(label: "ground truth", colour: LinePlot.palette[0], points: curve(truth))]
        if let blurred = trace.stage(ConvolutionStage.self) {
            series.append(LinePlot.Series(label: "blurred by the PSF", colour: LinePlot.palette[1], points: curve(plane(blurred))))
        }
        let recorded = trace.recorded
        let signal = plane(recorded, cameraSignal(trace))
        series.append(LinePlot.Series(label: trace.camera == nil ? "recorded" : "recorded (offset removed)",
                                      colour: LinePlot.palette[2], points: curve(signal)))
        let top = 1 / (2 * truth.spacingUm.max()!)
        var floorText = ""
        if let floor = noiseFloor(trace, plane: plane(trace.cameraInput ?? recorded)) {
            series.append(LinePlot.Series(label: "expected noise floor", colour: "#777777", points: [(0, floor), (top, floor)], dashed: true))
            floorText = " The dashed grey line is the noise floor expected from the photon budget, V·w/(N·ē²) = \(HTML.number(floor)) (V = F²ē + (σ/G)² the noise variance and ē the mean, in electrons; N pixels; w the window's mean square)."
        }
        var guides: [LinePlot.Guide] = []
        if let cutoff = explanation.optics?.lateralCutoffPerUm {
            guides.append(LinePlot.Guide(x: cutoff, label: "OTF cut-off \(HTML.number(cutoff))/µm", colour: LinePlot.palette[3]))
        }
        let recordedPixel = recorded.grid.spacingUm.suffix(2).max()!
        if recordedPixel > truth.spacingUm.max()! * (1 + 1e-9) {
            guides.append(LinePlot.Guide(x: 1 / (2 * recordedPixel), label: "recording's Nyquist \(HTML.number(1 / (2 * recordedPixel)))/µm",
                                         colour: LinePlot.palette[4]))
        }
        let plot = LinePlot(xLabel: "spatial frequency k (cycles/µm)", xRange: 0...top,
                            panels: [LinePlot.Panel(title: "Radial power spectra", yLabel: "P(k) / P(0)", logarithmic: true,
                                                    series: series, guides: guides)],
                            panelHeight: 300, summary: "Radial power spectra of the ground truth, the blurred image and the recording")
        let body = """
        <p>How much of each spatial frequency k survives? Each curve is an image's power spectrum |ℱ[image](k)|², averaged over \
        rings of equal |k| and divided by the power at k = 0 (the mean squared), so it reads as squared contrast and images \
        in different units compare. Fine structure carries power to high k; the blur multiplies it by |OTF(k)|², which \
        vanishes beyond the cut-off (what remains there is leakage from the finite field, decades down); the camera keeps frequencies only up to its Nyquist frequency 1/(2·pixel) and adds \
        noise, which is white: a flat floor. Where the recording meets the floor, detail drowns in noise — at low light \
        often well before the optical cut-off. A background added before the blur raises the mean without adding \
        detail, so it lowers every curve after it: contrast lost before a single photon is counted.\(floorText) Images are apodised over \(apodizationPixels) pixels at the \
        edges; for a stack, the plane through the line.</p>
        \(plot.svg)
        """
        return PageSection(id: "spectra", title: "What survives: radial power spectra", body: body)
    }

    /// The recording with the camera's offset removed (ADU − offset, the sCMOS map where there
    /// is one), or the last image when there is no camera.
    static func cameraSignal(_ trace: AcquisitionTrace) -> Volume {
        var image = trace.recorded.image
        guard let camera = trace.camera else { return image }
        let plane = image.shape.suffix(2).reduce(1, *)
        for i in image.data.indices { image.data[i] -= camera.offsetMap?[i % plane] ?? Float(camera.parameters.offsetADU) }
        return image
    }

    /// The expected white-noise floor of the recording relative to its mean power, from the
    /// photon budget over `plane` (the camera's input, the plane shown).
    static func noiseFloor(_ trace: AcquisitionTrace, plane: Volume) -> Double? {
        guard let camera = trace.camera, let input = trace.cameraInput?.image else { return nil }
        let p = camera.parameters
        // The mean pixel as a budget of its own: S = ē, and noiseElectrons² = F²ē + (σ/G)².
        let readNoise = camera.readNoiseMap.map { map in (map.reduce(0) { $0 + Double($1 * $1) } / Double(map.count)).squareRoot() }
        let mean = PhotonBudget(photonsPerUnit: camera.photonScale(for: input), signalValue: Swift.max(plane.mean(), 0),
                                backgroundValue: 0, quantumEfficiency: p.quantumEfficiency, readNoiseE: readNoise ?? p.readNoiseE,
                                emGain: p.emGain ?? 1, gainADUPerE: p.gainADUPerE, offsetADU: p.offsetADU)
        let electrons = mean.signalElectrons
        guard electrons > 0 else { return nil }
        return mean.noiseElectrons * mean.noiseElectrons
            * RadialPowerSpectrum.windowPower(shape: plane.shape, apodizationPixels: apodizationPixels)
            / (Double(plane.count) * electrons * electrons)
    }
}

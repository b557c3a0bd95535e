import FluoCore
import Foundation
import Imaging

/// The PSF stage: what the model is, its widths and cut-offs with the sampling they call
/// for, lateral and axial sections of the PSF, the OTF with its support marked, and the
/// PSF's profiles.
enum PSFSection {
    static let psfDecades = 3.0, otfDecades = 4.0

    static func text(_ optics: OpticsSummary, _ explanation: Explanation) -> String {
        let report = optics.report, um = HTML.um
        var rows: [(String, String)] = [("model", HTML.escape(optics.model.kind.rawValue))]
        if let (na, wavelength, n) = optics.model.optics {
            rows += [
                ("numerical aperture NA = n sin α", HTML.number(na)),
                ("emission wavelength λ", um(wavelength)),
                ("immersion index n", HTML.number(n, digits: 4)),
                ("half-angle of the collected cone α", HTML.number(asin(na / n) * 180 / Double.pi) + "°"),
                ((optics.model.kind == .confocal ? "widefield " : "") + "Abbe limit λ/(2 NA)", um(wavelength / (2 * na))),
            ]
        }
        func width(_ name: String, _ measured: Double?, _ theory: Double?, _ formula: String) {
            guard let measured else { return }
            var value = um(measured) + " measured"
            if let theory { value += " · " + um(theory) + " theory (\(formula)), ratio " + HTML.number(measured / theory) }
            rows.append((name, value))
        }
        width("lateral FWHM", report.lateralFWHMUm, report.theoreticalLateralFWHMUm,
              optics.model.kind == .gaussian ? "as given" : "0.51 λ/NA")
        width("axial FWHM" + (optics.psf.rank == 2 ? " (the same objective in 3-D)" : ""), optics.axialFWHMUm,
              optics.theoreticalAxialFWHMUm, optics.model.kind == .gaussian ? "as given" : "0.88 λ/(n − √(n² − NA²))")
        if let cutoff = optics.lateralCutoffPerUm, let nyquist = optics.nyquistPixelUm {
            rows.append(("lateral cut-off k<sub>c</sub>" + (optics.model.kind == .confocal ? " (excitation + detection)" : " = 2 NA/λ"),
                         HTML.number(cutoff) + " cycles/µm"))
            if let axial = optics.axialCutoffPerUm {
                rows.append(("axial cut-off" + (optics.model.kind == .confocal ? " (excitation + detection)" : " (n − √(n² − NA²))/λ"),
                             HTML.number(axial) + " cycles/µm"))
            }
            rows.append(("Nyquist pixel 1/(2 k<sub>c</sub>)" + (optics.model.kind == .confocal ? "" : " = λ/(4 NA)"), um(nyquist)))
            let camera = explanation.trace.recorded.grid.spacingUm.last!
            rows.append(("recorded pixel", um(camera) + " — " + (camera <= nyquist * (1 + 1e-9)
                ? #"<span class="verdict-good">\#(HTML.number(nyquist / camera)) × finer than Nyquist</span>"#
                : #"<span class="verdict-bad">\#(HTML.number(camera / nyquist)) × coarser than Nyquist: undersampled</span>"#)))
        }
        let cutoffText = optics.lateralCutoffPerUm == nil
            ? "which here dims fine detail more and more but has no sharp cut-off (real objectives have one)."
            : """
              which falls to exactly zero at the cut-off k<sub>c</sub>. Detail finer than 1/k<sub>c</sub> is not dimmed but \
              gone; no pixel size or photon count brings it back. Sampling must be at least twice as fine as the finest \
              period that passes (Nyquist).
              """
        return """
        <p>The objective cannot focus light to a point. Light from a point of dye arrives as a small 3-D pattern, the \
        <b>point-spread function</b> h(r), and the image is the sum of one such pattern per point — a convolution. \
        The PSF has unit sum, so blurring moves light around but keeps its total.</p>
        <div class="formula">i(r) = (o ⊛ h)(r) = ∫ o(r′) h(r − r′) dr′,   ∫ h = 1</div>
        <p>\(modelText(optics.model)) In frequency space the convolution is a product: each spatial frequency k of the \
        specimen is multiplied by the <b>optical transfer function</b> OTF(k) = ℱ[h](k), \(cutoffText)</p>
        \(StageText.table(rows))
        """
    }

    static func modelText(_ model: PSFModel) -> String {
        switch model {
        case .bornWolf:
            return "Here h is the <b>Born–Wolf</b> model: scalar diffraction of a perfect objective with a uniform circular pupil in a medium matched to the immersion oil (in focus, the Airy pattern)."
        case .gibsonLanni:
            return "Here h is the <b>Gibson–Lanni</b> model: scalar diffraction through immersion, coverslip and sample layers whose refractive indices may differ, so focusing into the sample adds spherical aberration."
        case .vectorial:
            return "Here h is the <b>vectorial</b> (Richards–Wolf) model through the same layers as Gibson–Lanni: at high NA the focused field has an axial component and angle-dependent transmission, which a scalar model leaves out."
        case .confocal:
            return "Here h is a <b>confocal</b> PSF: the excitation spot times the detection PSF seen through the pinhole, narrower than either."
        case .gaussian:
            return "Here h is a <b>Gaussian</b> with the given widths: a convenient approximation without the rings and without a sharp cut-off."
        case .file:
            return "Here h is a <b>measured</b> PSF (a bead stack), cleaned and resampled onto the image's grid."
        }
    }

    /// Sections of the PSF and of the OTF (logarithmic), and the PSF's profiles.
    static func figures(_ optics: OpticsSummary) -> (body: String, figures: [PageFigure]) {
        let lateralWidth = optics.report.lateralFWHMUm
        let axialWidth = optics.axialFWHMUm ?? optics.report.axialFWHMUm
        let psf = optics.psf
        let focal = psf.rank == 3 ? psf.section(axis: 0, at: psf.argmax()[0]) : psf
        let map = LogColourMap(decades: psfDecades), otfMap = LogColourMap(decades: otfDecades)
        var figures = [picture(focal, centre: focal.shape.map { $0 / 2 }, half: [6 * lateralWidth, 6 * lateralWidth], map: map,
                               name: "psf-xy.png", unit: "µm",
                               caption: "PSF in focus (x, y), log scale")]
        if let section = optics.section, let axialWidth {
            let tanAlpha = optics.model.optics.map { $0.na / ($0.immersionIndex * $0.immersionIndex - $0.na * $0.na).squareRoot() } ?? 0
            let axialHalf = 3 * axialWidth, lateralHalf = Swift.max(axialHalf * tanAlpha + 3 * lateralWidth, 6 * lateralWidth)
            let centre = section.argmax()
            figures.append(picture(section.section(axis: 1, at: centre[1]), centre: [centre[0], centre[2]],
                                   half: [axialHalf, lateralHalf], map: map, name: "psf-xz.png", unit: "µm",
                                   caption: "PSF along the axis (x, z), log scale: the light cone above and below focus"))
        }
        let lateralSource = psf.rank == 3 ? psf.summed(along: 0) : psf
        let otf = OTF.magnitude(of: lateralSource)
        let cutoff = optics.lateralCutoffPerUm
        let reach = cutoff.map { 1.3 * $0 } ?? Double.infinity
        var lateralOTF = picture(otf, centre: otf.shape.map { $0 / 2 }, half: [reach, reach], map: otfMap,
                                 name: "otf-kxky.png", unit: "/µm",
                                 caption: "|OTF| (k<sub>x</sub>, k<sub>y</sub>), log scale" + (cutoff.map { cutoff in
                                    let nyquist = 1 / (2 * psf.spacingUm.last!)
                                    return cutoff <= nyquist
                                        ? ", dashed: the cut-off k<sub>c</sub> = \(HTML.number(cutoff)) cycles/µm"
                                        : "; the cut-off k<sub>c</sub> = \(HTML.number(cutoff)) cycles/µm lies beyond this grid's Nyquist frequency \(HTML.number(nyquist)) cycles/µm"
                                 } ?? ""))
        if let cutoff { lateralOTF.overlay.append(PageFigure.ellipse(rx: cutoff, ry: cutoff)) }
        figures.append(lateralOTF)
        if let section = optics.section {
            let axialOTF = OTF.magnitude(of: section.summed(along: 1))
            let axialReach = optics.axialCutoffPerUm.map { 1.6 * $0 } ?? Double.infinity
            var figure = picture(axialOTF, centre: axialOTF.shape.map { $0 / 2 }, half: [axialReach, reach], map: otfMap,
                                 name: "otf-kxkz.png", unit: "/µm",
                                 caption: "|OTF| (k<sub>x</sub>, k<sub>z</sub>), log scale" + (optics.widefieldSupportEdge([0]) != nil
                                    ? ", dashed: the edge of the widefield support — note the missing cone around k<sub>z</sub> at k<sub>x</sub> = 0" : ""))
            let kr = (0...64).map { Double($0) / 64 * (cutoff ?? 0) }
            if let edge = optics.widefieldSupportEdge(kr) {
                // The right lobe's upper and lower edges, then the left lobe's (k_z grows downwards).
                let upperRight = zip(kr, edge).map { ($0, -$1) }
                let points = upperRight + upperRight.reversed().map { ($0.0, -$0.1) }
                    + upperRight.map { (-$0.0, -$0.1) } + upperRight.reversed().map { (-$0.0, $0.1) }
                figure.overlay.append(PageFigure.outline(points))
            }
            figures.append(figure)
        }
        let body = #"<div class="row">\#(figures.map(\.html).joined())</div>"# + colourBar() + profiles(optics, focal: focal)
        return (body, figures)
    }

    /// A log-scaled picture of the window of `image` around `centre`, its extent centred on
    /// the source (PSF) or on zero frequency (OTF).
    static func picture(_ image: Volume, centre: [Int], half: [Double], map: LogColourMap, name: String, unit: String,
                        caption: String) -> PageFigure {
        let (window, first) = image.window(around: centre, halfWidthUm: half)
        let extent = PageFigure.Extent(x: (Double(first[1] - centre[1]) - 0.5) * image.spacingUm[1],
                                       y: (Double(first[0] - centre[0]) - 0.5) * image.spacingUm[0],
                                       width: Double(window.shape[1]) * image.spacingUm[1],
                                       height: Double(window.shape[0]) * image.spacingUm[0])
        return PageFigure(name: name, image: map.picture(window), extent: extent, displayWidth: 250,
                          scaleBarUnit: unit, caption: caption)
    }

    /// The colour key of the logarithmic pictures.
    static func colourBar() -> String {
        let steps = 64, width = 240.0
        let rects = (0..<steps).map { i -> String in
            let c = LogColourMap.colour((Double(i) + 0.5) / Double(steps))
            return #"<rect x="\#(String(format: "%.2f", Double(i) * width / Double(steps)))" y="0" width="\#(String(format: "%.2f", width / Double(steps) + 0.4))" height="12" fill="rgb(\#(Int(c.x.rounded())),\#(Int(c.y.rounded())),\#(Int(c.z.rounded())))"/>"#
        }.joined()
        let label = "PSF: 10" + HTML.superscript(-Int(psfDecades)) + " … 1 of the peak; OTF: 10" + HTML.superscript(-Int(otfDecades)) + " … 1"
        return #"<p class="colourbar"><svg xmlns="http://www.w3.org/2000/svg" width="\#(Int(width))" height="12" viewBox="0 0 \#(Int(width)) 12">\#(rects)</svg> \#(HTML.escape(label))</p>"#
    }

    /// Lateral and axial profiles through the PSF's peak, normalised, with half maximum.
    static func profiles(_ optics: OpticsSummary, focal: Volume) -> String {
        func profile(_ volume: Volume, axis: Int) -> [(x: Double, y: Double)] {
            let peak = volume.argmax(), top = Double(volume.data[volume.flatIndex(peak)])
            return (0..<volume.shape[axis]).map { i in
                var index = peak
                index[axis] = i
                return (Double(i - peak[axis]) * volume.spacingUm[axis], Double(volume.data[volume.flatIndex(index)]) / top)
            }
        }
        var series = [LinePlot.Series(label: "lateral (x), FWHM \(HTML.um(optics.report.lateralFWHMUm))", colour: LinePlot.palette[1],
                                      points: profile(focal, axis: 1), dots: true)]
        var reach = 4 * optics.report.lateralFWHMUm
        if let section = optics.section, let axial = optics.axialFWHMUm {
            series.append(LinePlot.Series(label: "axial (z), FWHM \(HTML.um(axial))", colour: LinePlot.palette[2],
                                          points: profile(section, axis: 0), dots: true))
            reach = Swift.max(reach, 2.5 * axial)
        }
        series.append(LinePlot.Series(label: "half maximum", colour: "#888888", points: [(-reach, 0.5), (reach, 0.5)], dashed: true))
        let plot = LinePlot(xLabel: "distance from the focus (µm)", xRange: -reach...reach,
                            panels: [LinePlot.Panel(title: "PSF profiles through the peak", yLabel: "h / h(0)", series: series)],
                            panelHeight: 190, summary: "Lateral and axial profiles of the PSF with their half maximum")
        return "<h3>Profiles of the PSF</h3>" + plot.svg
    }
}

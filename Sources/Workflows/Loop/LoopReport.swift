import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Metrics

/// `report.html` of a loop: the scores of input, Richardson–Lucy and network with the best in
/// bold, whether the network beat both, example images side by side, the training curve, and
/// the settings. Self-contained but for the PNGs in `report/`, which it references relatively.
struct LoopReport {
    let folder: String
    let spec: DatasetSpec
    /// The settings as run (command-line overrides applied).
    let settings: LoopSettings
    let samples: Int
    let condition: String
    /// The folder (relative to `folder`) of the inputs as scored: the test inputs, or for a
    /// super-resolution spec those inputs interpolated onto the targets' grid.
    let inputs: String
    /// Target pixels per input pixel along each axis (`LoopGrid.scale`).
    let inputScale: Int
    let ids: [String]
    let report: EvaluationReport
    let real: RealImageSummary?

    /// Columns of the table: name, key path, and whether larger is better.
    nonisolated(unsafe) static let columns: [(String, KeyPath<CAREEvaluation.Scores, Double>, Bool, String)] = [
        ("NRMSE", \.nrmse, false, "%.4f"), ("SSIM", \.ssim, true, "%.4f"), ("PSNR (dB)", \.psnr, true, "%.2f"), ("MS-SSIM", \.msSSIM, true, "%.4f"),
    ]

    /// Whether the network scores better than every other method on `key`.
    func networkWins(_ key: KeyPath<CAREEvaluation.Scores, Double>, higherIsBetter: Bool) -> Bool {
        guard let network = report.summary["network"]?.mean[keyPath: key] else { return false }
        return report.summary.filter { $0.key != "network" }.allSatisfy { _, other in
            higherIsBetter ? network > other.mean[keyPath: key] : network < other.mean[keyPath: key]
        }
    }

    func write() throws {
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>FluoSynth loop: \(escape(spec.name))</title>
            <style>
            body { font-family: sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
            table { border-collapse: collapse; margin: 1em 0; } td, th { padding: 4px 12px; border-bottom: 1px solid #ddd; text-align: right; }
            th:first-child, td:first-child { text-align: left; } .best { font-weight: bold; } .verdict { font-size: 1.1em; }
            figure { display: inline-block; margin: 4px; text-align: center; } img { image-rendering: pixelated; width: 240px; }
            code { background: #f4f4f4; padding: 1px 4px; }
            </style></head><body>
            <h1>FluoSynth loop: \(escape(spec.name))</h1>
            <p>\(samples) synthetic samples of \(spec.shape.map(String.init).joined(separator: "×")) at \(spec.pixelSizeUm.map { String(format: "%.4g", $0) }.joined(separator: " × ")) µm,
            condition <code>\(escape(condition))</code>; \(settings.arch == "care" ? "a \(settings.depth)-level U-Net (\(settings.filters) first filters" : "\(settings.arch.uppercased()) (\(settings.filters) channels"), kernel \(settings.kernel), \(settings.loss.uppercased()) loss)
            trained for \(settings.steps) steps; Richardson–Lucy with \(settings.richardsonLucyIterations) iterations\(settings.richardsonLucyTV > 0 ? String(format: " and TV weight %.3g", settings.richardsonLucyTV) : "").
            Scores on the \(ids.count) test images with the CARE protocol: ground truth normalised to its 0.1/99.9 percentiles, each
            restoration mapped onto it by the least-squares affine fit.\(inputScale == 1 ? "" : " The inputs lie on a \(inputScale)× coarser grid than the targets: the network upsamples, and input and Richardson–Lucy are scored on the input interpolated onto the targets' grid (<code>\(inputs)/</code>).")</p>
            <h2>Scores</h2>
            <table><tr><th>method</th>\(Self.columns.map { "<th>\($0.0)</th>" }.joined())</tr>

            """
        for method in report.methods {
            guard let summary = report.summary[method] else { continue }
            html += "<tr><td>\(escape(method))</td>"
            for (_, key, higher, format) in Self.columns {
                let values = report.summary.values.map { $0.mean[keyPath: key] }
                let best = higher ? values.max() : values.min()
                let value = summary.mean[keyPath: key]
                let cell = String(format: format, value) + " ± " + String(format: format, summary.sd[keyPath: key])
                html += value == best ? "<td class=\"best\">\(cell)</td>" : "<td>\(cell)</td>"
            }
            html += "</tr>\n"
        }
        let ssim = networkWins(\.ssim, higherIsBetter: true), nrmse = networkWins(\.nrmse, higherIsBetter: false)
        html += "</table>\n<p class=\"verdict\">The network \(ssim && nrmse ? "beats" : "does not beat") both the input and Richardson–Lucy on SSIM (\(ssim ? "yes" : "no")) and NRMSE (\(nrmse ? "yes" : "no")).</p>\n"
        html += "<h2>Test images</h2>\n" + (try figures())
        if let real { html += try realSection(real) }
        if let curve = try? String(contentsOfFile: folder + "/model/training.svg", encoding: .utf8) {
            html += "<h2>Training</h2>\n" + curve + "\n"
        }
        html += """
            <h2>Files and commands</h2>
            <p><code>data/</code> the dataset (<code>manifest.json</code> lists every drawn parameter), <code>model/</code> the network,
            <code>predictions/</code> and <code>baselines/richardson-lucy/</code> the restored test images,
            <code>metrics.csv</code> per image, <code>metrics.json</code> the summary.</p>
            <p>Apply the model to another image: <code>fluosynth predict \(escape(folder))/model image.tif -o restored.tif</code>;
            score it: <code>fluosynth evaluate restored.tif reference.tif --input image.tif</code>.</p>
            </body></html>

            """
        try AtomicFile.write(Data(html.utf8), to: folder + "/report.html")
    }

    /// Input, Richardson–Lucy, network and target of the first test images, as PNGs.
    private func figures() throws -> String {
        var html = ""
        let sources = [("input", inputs), ("Richardson–Lucy", "baselines/richardson-lucy"),
                       ("network", "predictions"), ("target", "data/test/GT")]
        for id in ids.prefix(4) {
            html += "<div>"
            for (index, (label, path)) in sources.enumerated() {
                let volume = try TIFFReader.read("\(folder)/\(path)/\(id)").volume()
                let name = "report/\(URL(fileURLWithPath: id).deletingPathExtension().lastPathComponent)-\(index).png"
                try PNGWriter.write(Preview.image(channels: [volume]), to: folder + "/" + name)
                html += "<figure><img src=\"\(name)\" alt=\"\(label) \(id)\"><figcaption>\(label)</figcaption></figure>"
            }
            html += "</div>\n"
        }
        return html
    }

    /// The real images: scores against their references (when given) and pictures.
    private func realSection(_ real: RealImageSummary) throws -> String {
        var html = "<h2>Real images</h2>\n<p>Richardson–Lucy with \(real.iterations) iterations, chosen on the synthetic validation split (mean NRMSE "
            + real.validationNRMSE.sorted { $0.key < $1.key }.map { String(format: "%d: %.4f", $0.key, $0.value) }.joined(separator: ", ")
            + "), never on a reference.</p>\n"
        for (index, image) in real.images.enumerated() {
            html += "<h3>\(escape(image.path))</h3>\n"
            if let report = image.report, let reference = image.reference {
                html += "<p>Against \(escape(reference)) by the CARE protocol:</p><table><tr><th>method</th>\(Self.columns.map { "<th>\($0.0)</th>" }.joined())</tr>\n"
                for method in report.methods {
                    guard let scores = report.summary[method]?.mean else { continue }
                    html += "<tr><td>\(escape(method))</td>" + Self.columns.map { "<td>" + String(format: $0.3, scores[keyPath: $0.1]) + "</td>" }.joined() + "</tr>\n"
                }
                html += "</table>\n"
            }
            html += "<div>"
            let panels = [("input", image.files["input"]!), ("Richardson–Lucy", image.files["richardson-lucy"]!), ("network", image.files["network"]!)]
                + (image.files["adapted"].map { [("network adapted to the image", $0)] } ?? [])
                + (image.files["scale"].map { [("network's uncertainty (Laplace scale)", $0)] } ?? [])
                + (image.reference.map { [("reference", $0)] } ?? [])
            for (panel, (label, path)) in panels.enumerated() {
                let name = "report/real-\(index)-\(panel).png"
                try PNGWriter.write(Preview.image(channels: [try TIFFReader.read(path).volume()]), to: folder + "/" + name)
                html += "<figure><img src=\"\(name)\" alt=\"\(label)\"><figcaption>\(label)</figcaption></figure>"
            }
            if let adapted = image.files["adapted"] {
                let name = "report/real-\(index)-disagreement.png"
                let difference = try LoopReport.disagreement(TIFFReader.read(image.files["network"]!).volume(), TIFFReader.read(adapted).volume())
                try PNGWriter.write(Preview.image(channels: [difference]), to: folder + "/" + name)
                html += "<figure><img src=\"\(name)\" alt=\"disagreement\"><figcaption>|network − adapted| (each normalised)</figcaption></figure>"
            }
            html += "</div>\n"
        }
        return html
    }

    /// Where two restorations disagree: |a − b| after each is normalised to its 0.1/99.9
    /// percentiles (the networks' outputs are in their own units).
    static func disagreement(_ a: Volume, _ b: Volume) -> Volume {
        let normalisation = PercentileNormalization(low: 0.1, high: 99.9)
        let x = normalisation.apply(a.data, range: normalisation.range(of: a.data))
        let y = normalisation.apply(b.data, range: normalisation.range(of: b.data))
        return Volume(shape: a.shape, spacingUm: a.spacingUm, data: zip(x, y).map { abs($0 - $1) })
    }

    private func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

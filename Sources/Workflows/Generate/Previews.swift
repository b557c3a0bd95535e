import DataIO
import FluoCore
import Foundation
import Teaching

/// PNG previews: one picture per sample (each condition's input in spec order, then the
/// target, side by side, each with a scale bar of the same length), a contact sheet of all
/// of them, and `index.html`, which labels the columns and says how long the bars are.
enum Previews {
    static func write(records: [SampleRecord], conditions: [String], images: PairLayout, layout: PairLayout, count: Int) throws {
        guard count > 0 else { return }
        var rows: [Image8] = []
        var barUm: Double?
        let shown = Array(records.prefix(count))
        for record in shown {
            let target = try SampleWriter.read(images.groundTruth(split: record.split, id: record.id))
            let inputs = try conditions.map { try SampleWriter.read(images.input(split: record.split, condition: $0, id: record.id)) }
            let bar = barUm ?? ScaleBar.length(forFieldUm: Double(target[0].shape.last!) * target[0].spacingUm.last!)
            barUm = bar
            let pictures = (inputs + [target]).map { channels in
                ScaleBar.drawn(on: Preview.image(channels: channels), lengthUm: bar, pixelUm: channels[0].spacingUm.last!)
            }
            let row = ImageSheet.row(pictures)
            try PNGWriter.write(row, to: "\(layout.previews)/\(record.id).png")
            rows.append(row)
        }
        // Two samples per row of the contact sheet.
        let sheet = stride(from: 0, to: rows.count, by: 2).map { Array(rows[$0 ..< Swift.min($0 + 2, rows.count)]) }
        try PNGWriter.write(ImageSheet.grid(sheet, gap: 8), to: "\(layout.previews)/contact-sheet.png")
        try AtomicFile.write(Data(index(records: shown, columns: conditions + ["ground truth"], barUm: barUm ?? 0).utf8),
                             to: "\(layout.previews)/index.html")
    }

    /// The page that labels the pictures.
    static func index(records: [SampleRecord], columns: [String], barUm: Double) -> String {
        let rows = records.map { record in
            "<tr><td>\(HTML.escape(record.id))</td><td>\(HTML.escape(record.split))</td><td><img src=\"\(HTML.escape(record.id)).png\" alt=\"sample \(HTML.escape(record.id))\"></td></tr>"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Dataset previews</title>
            <style>body{font-family:sans-serif;background:#111;color:#ddd}td,th{padding:4px 8px;text-align:left}img{height:160px}</style></head>
            <body>
            <h1>Dataset previews</h1>
            <p>Left to right in each picture: \(columns.map(HTML.escape).joined(separator: " | ")).
            Each image is stretched between its own 0.1 and 99.9th percentiles; stacks are shown as maximum projections along z;
            several channels as a composite (green, magenta, cyan, …). Scale bars: \(HTML.number(barUm)) µm.</p>
            <p><a href="contact-sheet.png">Contact sheet</a></p>
            <table><tr><th>sample</th><th>split</th><th>\(columns.map(HTML.escape).joined(separator: " | "))</th></tr>
            \(rows.joined(separator: "\n"))
            </table>
            </body></html>

            """
    }
}

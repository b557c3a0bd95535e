import DataIO
import Foundation

/// A picture on the page: a PNG in the page's `images/` folder shown at a physical scale
/// (pixels stay square blocks: `image-rendering: pixelated`), with an SVG overlay drawn in
/// the picture's own units (µm for images, cycles/µm for spectra) so marks sit exactly
/// where they belong whatever the sampling.
struct PageFigure {
    /// The rectangle the picture covers, in its units: left, top, width, height.
    struct Extent {
        var x: Double
        var y: Double
        var width: Double
        var height: Double
    }

    /// File name inside `images/`.
    var name: String
    var image: Image8
    var extent: Extent
    /// Displayed width in CSS pixels (the height follows the extent's aspect ratio).
    var displayWidth: Double
    /// SVG elements in the extent's units.
    var overlay: [String] = []
    /// Unit of the scale bar drawn bottom left ("µm", "/µm"); nil for none.
    var scaleBarUnit: String? = "µm"
    /// Caption (HTML).
    var caption: String

    var path: String { "images/" + name }

    var html: String {
        let height = displayWidth * extent.height / extent.width
        let box = [extent.x, extent.y, extent.width, extent.height].map { String(format: "%.6g", $0) }.joined(separator: " ")
        var out = #"<figure class="picture"><div class="frame" style="width:\#(Int(displayWidth.rounded()))px;height:\#(Int(height.rounded()))px">"#
        out += #"<img src="\#(HTML.escape(path))" alt="\#(HTML.escape(name))" width="\#(image.width)" height="\#(image.height)"/>"#
        let marks = overlay + (scaleBarUnit.map { [scaleBar(unit: $0)] } ?? [])
        if !marks.isEmpty {
            out += #"<svg xmlns="http://www.w3.org/2000/svg" class="overlay" viewBox="\#(box)" preserveAspectRatio="none">\#(marks.joined())</svg>"#
        }
        return out + "</div><figcaption>\(caption)</figcaption></figure>"
    }

    // MARK: Overlay marks

    /// A scale bar of a round length near a fifth of the width, bottom left, labelled in
    /// 12-pixel text whatever the picture's scale.
    func scaleBar(unit: String) -> String {
        let raw = extent.width / 5
        let power = pow(10, floor(log10(raw)))
        let length = [1.0, 2, 5, 10].map { $0 * power }.last { $0 <= raw } ?? power
        let perPixel = extent.width / displayWidth
        let x = extent.x + 8 * perPixel, y = extent.y + extent.height - 8 * perPixel
        let label = HTML.plain(length) + " " + unit
        return ##"<line x1="\##(g(x))" y1="\##(g(y))" x2="\##(g(x + length))" y2="\##(g(y))" stroke="#ffffff" stroke-width="3" vector-effect="non-scaling-stroke"/>"##
            + ##"<text x="\##(g(x))" y="\##(g(y - 5 * perPixel))" font-size="\##(g(12 * perPixel))" fill="#ffffff">\##(HTML.escape(label))</text>"##
    }

    /// The colour of the profile line.
    static let lineColour = "#ffd21f"

    /// A dashed line from `start` to `end` ((x, y) in the extent's units).
    static func line(from start: (Double, Double), to end: (Double, Double), colour: String = lineColour) -> String {
        #"<line x1="\#(g(start.0))" y1="\#(g(start.1))" x2="\#(g(end.0))" y2="\#(g(end.1))" stroke="\#(colour)" stroke-width="2" stroke-dasharray="6 4" vector-effect="non-scaling-stroke"/>"#
    }

    /// A dashed ellipse with semi-axes `rx`, `ry` around `centre` (a cut-off in a spectrum
    /// centred on zero frequency, a marked point).
    static func ellipse(centre: (Double, Double) = (0, 0), rx: Double, ry: Double, colour: String = "#5ad1ff") -> String {
        #"<ellipse cx="\#(g(centre.0))" cy="\#(g(centre.1))" rx="\#(g(rx))" ry="\#(g(ry))" fill="none" stroke="\#(colour)" stroke-width="2" stroke-dasharray="6 4" vector-effect="non-scaling-stroke"/>"#
    }

    /// A dashed closed outline through `points` ((x, y) in the extent's units).
    static func outline(_ points: [(Double, Double)], colour: String = "#5ad1ff") -> String {
        let path = points.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(g($0.element.0)) \(g($0.element.1))" }.joined(separator: " ")
        return #"<path d="\#(path) Z" fill="none" stroke="\#(colour)" stroke-width="2" stroke-dasharray="6 4" vector-effect="non-scaling-stroke"/>"#
    }

    private func g(_ value: Double) -> String { PageFigure.g(value) }

    private static func g(_ value: Double) -> String { String(format: "%.6g", value) }
}

import Foundation

/// A line plot as inline SVG: one or more panels stacked over a shared x axis, each with
/// its own y axis (linear or logarithmic), series, vertical guide lines and a legend. The
/// explain page draws with it, and so do other reports (calibration).
public struct LinePlot: Sendable {
    public struct Series: Sendable {
        public var label: String
        public var colour: String
        public var points: [(x: Double, y: Double)]
        /// Draw a dot at every point (to show where the samples are).
        public var dots = false
        public var dashed = false

        public init(label: String, colour: String, points: [(x: Double, y: Double)], dots: Bool = false, dashed: Bool = false) {
            self.label = label
            self.colour = colour
            self.points = points
            self.dots = dots
            self.dashed = dashed
        }
    }

    /// A vertical line at `x` (a cut-off, a sampling limit), labelled at its top.
    public struct Guide: Sendable {
        public var x: Double
        public var label: String
        public var colour: String

        public init(x: Double, label: String, colour: String) {
            self.x = x
            self.label = label
            self.colour = colour
        }
    }

    public struct Panel: Sendable {
        public var title: String
        public var yLabel: String
        public var logarithmic = false
        public var series: [Series]
        public var guides: [Guide] = []

        public init(title: String, yLabel: String, logarithmic: Bool = false, series: [Series], guides: [Guide] = []) {
            self.title = title
            self.yLabel = yLabel
            self.logarithmic = logarithmic
            self.series = series
            self.guides = guides
        }
    }

    public var xLabel: String
    public var xRange: ClosedRange<Double>
    public var panels: [Panel]
    public var width = 1000.0
    public var panelHeight = 170.0
    /// Describes the plot for screen readers.
    public var summary: String

    public init(xLabel: String, xRange: ClosedRange<Double>, panels: [Panel], width: Double = 1000, panelHeight: Double = 170, summary: String) {
        self.xLabel = xLabel
        self.xRange = xRange
        self.panels = panels
        self.width = width
        self.panelHeight = panelHeight
        self.summary = summary
    }

    /// Colour-blind-safe colours (B. Wong, Nat. Methods 8 (2011) 441).
    public static let palette = ["#000000", "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]

    private let left = 78.0, right = 18.0, top = 44.0, gap = 56.0, bottom = 44.0

    public var svg: String {
        let height = top + Double(panels.count) * panelHeight + Double(panels.count - 1) * gap + bottom
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 \#(f(width)) \#(f(height))" width="\#(f(width))" height="\#(f(height))" role="img" aria-label="\#(HTML.escape(summary))">"#
        out += ##"<rect x="0" y="0" width="\##(f(width))" height="\##(f(height))" fill="#ffffff"/>"##
        for (index, panel) in panels.enumerated() {
            out += draw(panel, top: top + Double(index) * (panelHeight + gap), lastPanel: index == panels.count - 1)
        }
        return out + "</svg>"
    }

    private func draw(_ panel: Panel, top y0: Double, lastPanel: Bool) -> String {
        let plotWidth = width - left - right
        let values = panel.series.flatMap { $0.points.map(\.y) }.filter { $0.isFinite && (!panel.logarithmic || $0 > 0) }
        let yAxis = Axis(values: values, logarithmic: panel.logarithmic)
        func px(_ x: Double) -> Double { left + (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * plotWidth }
        func py(_ y: Double) -> Double { y0 + panelHeight - yAxis.fraction(y) * panelHeight }
        var out = "<g>"
        out += ##"<rect x="\##(f(left))" y="\##(f(y0))" width="\##(f(plotWidth))" height="\##(f(panelHeight))" fill="#fafafa" stroke="#999999" stroke-width="1"/>"##
        for tick in yAxis.ticks {
            let y = py(tick.value)
            out += ##"<line x1="\##(f(left))" x2="\##(f(left + plotWidth))" y1="\##(f(y))" y2="\##(f(y))" stroke="#e3e3e3" stroke-width="1"/>"##
            out += #"<text x="\#(f(left - 6))" y="\#(f(y + 4))" text-anchor="end" font-size="11">\#(HTML.escape(tick.label))</text>"#
        }
        for tick in Axis.linearTicks(xRange.lowerBound, xRange.upperBound, count: 8) {
            let x = px(tick.value)
            out += ##"<line x1="\##(f(x))" x2="\##(f(x))" y1="\##(f(y0))" y2="\##(f(y0 + panelHeight))" stroke="#e3e3e3" stroke-width="1"/>"##
            if lastPanel {
                out += #"<text x="\#(f(x))" y="\#(f(y0 + panelHeight + 15))" text-anchor="middle" font-size="11">\#(HTML.escape(tick.label))</text>"#
            }
        }
        if lastPanel {
            out += #"<text x="\#(f(left + plotWidth / 2))" y="\#(f(y0 + panelHeight + 34))" text-anchor="middle" font-size="12">\#(HTML.escape(xLabel))</text>"#
        }
        let middle = y0 + panelHeight / 2
        out += #"<text x="14" y="\#(f(middle))" text-anchor="middle" font-size="12" transform="rotate(-90 14 \#(f(middle)))">\#(HTML.escape(panel.yLabel))</text>"#
        out += #"<text x="\#(f(left))" y="\#(f(y0 - 26))" font-size="13" font-weight="bold">\#(HTML.escape(panel.title))</text>"#
        // Everything inside the panel is drawn in a nested viewport of the panel's own
        // coordinates, which clips what falls outside the axes' range.
        out += #"<svg x="\#(f(left))" y="\#(f(y0))" width="\#(f(plotWidth))" height="\#(f(panelHeight))" viewBox="\#(f(left)) \#(f(y0)) \#(f(plotWidth)) \#(f(panelHeight))">"#
        for (index, guide) in panel.guides.enumerated() where xRange.contains(guide.x) {
            let x = px(guide.x), labelY = y0 + 14 + 15 * Double(index)
            // Labels to the right of their line, unless the line is near the right edge.
            let (labelX, anchor) = x < left + 0.7 * plotWidth ? (x + 4, "start") : (x - 4, "end")
            out += #"<line x1="\#(f(x))" x2="\#(f(x))" y1="\#(f(y0))" y2="\#(f(y0 + panelHeight))" stroke="\#(guide.colour)" stroke-width="1.5" stroke-dasharray="6 4"/>"#
            out += #"<text x="\#(f(labelX))" y="\#(f(labelY))" text-anchor="\#(anchor)" font-size="11" fill="\#(guide.colour)">\#(HTML.escape(guide.label))</text>"#
        }
        for series in panel.series {
            let visible = series.points.filter { xRange.contains($0.x) && $0.y.isFinite && (!panel.logarithmic || $0.y > 0) }
            guard !visible.isEmpty else { continue }
            let path = visible.enumerated().map { "\($0.offset == 0 ? "M" : "L")\(f(px($0.element.x))) \(f(py($0.element.y)))" }.joined(separator: " ")
            let dash = series.dashed ? #" stroke-dasharray="5 3""# : ""
            out += #"<path d="\#(path)" fill="none" stroke="\#(series.colour)" stroke-width="1.6" stroke-linejoin="round"\#(dash)/>"#
            if series.dots {
                out += visible.map { #"<circle cx="\#(f(px($0.x)))" cy="\#(f(py($0.y)))" r="2.2" fill="\#(series.colour)"/>"# }.joined()
            }
        }
        out += "</svg>"
        // Legend, right-aligned on a line of its own between the title and the panel.
        var legendX = left + plotWidth
        for series in panel.series.reversed() {
            let textWidth = Double(series.label.count) * 6.3
            legendX -= textWidth + 30
            let dash = series.dashed ? #" stroke-dasharray="5 3""# : ""
            out += #"<line x1="\#(f(legendX))" x2="\#(f(legendX + 18))" y1="\#(f(y0 - 12))" y2="\#(f(y0 - 12))" stroke="\#(series.colour)" stroke-width="2"\#(dash)/>"#
            out += #"<text x="\#(f(legendX + 22))" y="\#(f(y0 - 8))" font-size="11">\#(HTML.escape(series.label))</text>"#
        }
        return out + "</g>"
    }

    private func f(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A y axis: range, mapping to [0, 1] and ticks.
    struct Axis {
        var low: Double
        var high: Double
        var logarithmic: Bool

        init(values: [Double], logarithmic: Bool) {
            self.logarithmic = logarithmic
            var low = values.min() ?? 0, high = values.max() ?? 1
            if logarithmic {
                low = Foundation.pow(10, floor(log10(Swift.max(low, high * 1e-8))))
                high = Foundation.pow(10, ceil(log10(high)))
                if low >= high { low = high / 10 }
            } else {
                if high <= low { (low, high) = (low - 1, high + 1) }
                let pad = 0.06 * (high - low)
                (low, high) = (low - pad, high + pad)
            }
            self.low = low
            self.high = high
        }

        func fraction(_ value: Double) -> Double {
            logarithmic ? (log10(value) - log10(low)) / (log10(high) - log10(low)) : (value - low) / (high - low)
        }

        var ticks: [(value: Double, label: String)] {
            guard logarithmic else { return Axis.linearTicks(low, high, count: 5) }
            let first = Int(log10(low).rounded()), last = Int(log10(high).rounded())
            let step = Swift.max(1, (last - first + 5) / 6)
            return stride(from: first, through: last, by: step).map { (Foundation.pow(10, Double($0)), "10" + HTML.superscript($0)) }
        }

        /// About `count` ticks at 1, 2 or 5 × 10ᵏ steps (P. Heckbert, "Nice numbers for graph
        /// labels", Graphics Gems, 1990).
        static func linearTicks(_ low: Double, _ high: Double, count: Int) -> [(value: Double, label: String)] {
            let raw = (high - low) / Double(count)
            let power = Foundation.pow(10, floor(log10(raw)))
            let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
            let decimals = Swift.max(0, -Int(floor(log10(step))))
            return stride(from: (low / step).rounded(.up) * step, through: high + step * 1e-9, by: step).map { value in
                let clean = abs(value) < step * 1e-9 ? 0 : value
                return (clean, String(format: "%.\(decimals)f", clean).replacingOccurrences(of: "-", with: "−"))
            }
        }
    }
}

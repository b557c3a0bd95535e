import DataIO
import Foundation
import Training

/// The training curve of a model folder: `training.csv` (one row per epoch) and
/// `training.svg` (loss and validation loss against steps, log scale), both written atomically.
public enum TrainCurve {
    public static func write(_ history: [EpochRecord], csv: String, svg: String) throws {
        var text = "epoch,step,loss,val_loss,learning_rate,steps_per_s,elapsed_s\n"
        for r in history {
            text += "\(r.epoch),\(r.step),\(r.loss),\(r.validationLoss),\(r.learningRate),\(String(format: "%.4f", r.stepsPerSecond)),\(String(format: "%.2f", r.elapsedSeconds))\n"
        }
        try AtomicFile.write(Data(text.utf8), to: csv)
        try AtomicFile.write(Data(plot(history).utf8), to: svg)
    }

    /// An SVG line plot of loss (blue) and validation loss (orange) on a log axis.
    static func plot(_ history: [EpochRecord]) -> String {
        let width = 640.0, height = 400.0, left = 70.0, right = 20.0, top = 30.0, bottom = 50.0
        let values = history.flatMap { [$0.loss, $0.validationLoss] }.filter { $0 > 0 && $0.isFinite }
        let low = log10(values.min() ?? 1e-3), high = log10(values.max() ?? 1)
        let span = Swift.max(high - low, 1e-6)
        let maxStep = Double(history.last?.step ?? 1)
        func x(_ step: Int) -> Double { left + (width - left - right) * Double(step) / Swift.max(maxStep, 1) }
        func y(_ value: Double) -> Double { top + (height - top - bottom) * (1 - (log10(Swift.max(value, 1e-30)) - low) / span) }
        func line(_ key: KeyPath<EpochRecord, Double>, _ colour: String) -> String {
            let points = history.map { String(format: "%.1f,%.1f", x($0.step), y($0[keyPath: key])) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" points=\"\(points)\"/>"
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">\n"
        svg += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        svg += "<text x=\"\(Int(width / 2))\" y=\"18\" text-anchor=\"middle\">training curve</text>\n"
        svg += String(format: "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", left, height - bottom, width - right, height - bottom)
        svg += String(format: "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"black\"/>\n", left, top, left, height - bottom)
        for i in 0...4 {
            let value = pow(10, low + span * Double(i) / 4)
            svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.3g</text>\n", left - 6, y(value) + 4, value)
            let step = Int(maxStep * Double(i) / 4)
            svg += String(format: "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">%d</text>\n", x(step), height - bottom + 18, step)
        }
        svg += "<text x=\"\(Int((left + width - right) / 2))\" y=\"\(Int(height - 10))\" text-anchor=\"middle\">step</text>\n"
        svg += line(\.loss, "#1f77b4") + "\n" + line(\.validationLoss, "#ff7f0e") + "\n"
        svg += "<text x=\"\(Int(width - right - 150))\" y=\"\(Int(top + 14))\" fill=\"#1f77b4\">loss</text>\n"
        svg += "<text x=\"\(Int(width - right - 150))\" y=\"\(Int(top + 30))\" fill=\"#ff7f0e\">validation loss</text>\n"
        return svg + "</svg>\n"
    }
}

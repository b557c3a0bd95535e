import DataIO
import Foundation
import Teaching
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

    /// Loss and validation loss against steps on a logarithmic axis, a dot per epoch (so a
    /// one-epoch run still shows its point), drawn by the teaching page's `LinePlot`.
    static func plot(_ history: [EpochRecord]) -> String {
        let lastStep = Double(history.last?.step ?? 1)
        func series(_ label: String, _ key: KeyPath<EpochRecord, Double>, _ colour: String) -> LinePlot.Series {
            LinePlot.Series(label: label, colour: colour,
                            points: history.map { (Double($0.step), $0[keyPath: key]) }.filter { $0.1 > 0 && $0.1.isFinite }, dots: true)
        }
        return LinePlot(xLabel: "training step", xRange: 0...Swift.max(lastStep, 1), panels: [LinePlot.Panel(
            title: "training curve", yLabel: "loss (log scale)", logarithmic: true,
            series: [series("loss", \.loss, LinePlot.palette[1]), series("validation loss", \.validationLoss, LinePlot.palette[2])])],
            width: 640, panelHeight: 300, summary: "Training and validation loss against training steps").svg + "\n"
    }
}

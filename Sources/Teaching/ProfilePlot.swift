import FluoCore
import Foundation
import Imaging

/// Line profiles across the structure at every stage, one panel per stage over a shared
/// position axis; the camera's panel also shows the noise-free expectation.
enum ProfilePlot {
    static func section(_ explanation: Explanation) -> PageSection {
        let trace = explanation.trace, line = explanation.line
        let axisName = line.axis == explanation.specimen.groundTruth.rank - 1 ? "x" : "y"
        var panels: [LinePlot.Panel] = []
        for (index, stage) in trace.stages.enumerated() {
            let points = line.profile(of: stage.image, grid: stage.grid).map { (x: $0.positionUm, y: $0.value) }
            var series = [LinePlot.Series(label: "recorded", colour: LinePlot.palette[index == 0 ? 0 : 1], points: points, dots: true)]
            let unit: String
            switch stage.name {
            case "camera":
                unit = "ADU"
                if let expected = expectedADU(trace) {
                    series[0].label = "recorded (with noise)"
                    series.append(LinePlot.Series(label: "expected (no noise)", colour: LinePlot.palette[2],
                                                  points: line.profile(of: expected, grid: stage.grid).map { (x: $0.positionUm, y: $0.value) }))
                }
            case AcquisitionTrace.normalisedStageName: unit = "normalised"
            default: unit = "dye units"
            }
            if series.count == 1 { series[0].label = "pixel spacing " + HTML.um(stage.grid.spacingUm[line.axis]) }
            panels.append(LinePlot.Panel(title: "\(index + 1). \(ExplainPage.title(of: stage.name))", yLabel: unit, series: series))
        }
        let plot = LinePlot(xLabel: "position along \(axisName) from the line's centre (µm)",
                            xRange: -line.halfLengthUm...line.halfLengthUm, panels: panels, panelHeight: 120,
                            summary: "Profiles along the marked line at every stage")
        let names = explanation.specimen.groundTruth.rank == 3 ? ["z", "y", "x"] : ["y", "x"]
        let centre = zip(names, line.centreUm).map { "\($0) = \(HTML.um($1))" }.joined(separator: ", ")
        let body = """
        <p>The dashed yellow line on the pictures, read at every stage. It runs along \(axisName) through \(centre), \
        a bright piece of structure, and meets the structure at about \(Int(line.crossingAngleDegrees.rounded()))° \
        (90° is straight across). Dots are the samples of each stage's own grid, the row nearest the line: watch the \
        sharp ground truth spread into the PSF's width, the samples thin out at the camera's pixels, and the noise appear \
        around the expected value.</p>
        \(plot.svg)
        """
        return PageSection(id: "profiles", title: "Line profiles through every stage", body: body)
    }

    /// The camera's noise-free output E[ADU] for the image reaching it, if there is a camera.
    static func expectedADU(_ trace: AcquisitionTrace) -> Volume? {
        guard let camera = trace.camera, let input = trace.cameraInput?.image else { return nil }
        let scale = camera.photonScale(for: input)
        var expected = input
        for i in expected.data.indices {
            expected.data[i] = Float(PhotonBudget(camera: camera, image: input, background: nil, at: i, photonsPerUnit: scale).expectedADU)
        }
        return expected
    }
}

import ArgumentParser
import Foundation
import Workflows

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trained model as a bioimage.io package (ONNX weights) for Fiji, napari, ilastik.",
        discussion: reflowed("""
        The package (bioimage.io model format 0.5) holds the network as ONNX (opset 17),
        the model's percentile normalisation as preprocessing, the axes with the sample's
        pixel size in µm, a test input cut from the centre of SAMPLE with this model's
        prediction as the test output, a cover picture, a README and the model's
        config.json and training curve. `bioimageio test PACKAGE` checks it; deepImageJ,
        napari's bioimage.io plugin, ilastik and bioimageio.core run it. Outputs are in
        the normalised input's units (fluosynth predict maps them back to intensities).
        Examples:
          fluosynth export model --sample low.tif -o model.bioimageio.zip
          fluosynth export model --sample low.tif -o mt.bioimageio.zip --author "A. Person" --spec mt.yaml
        """)
    )

    @Argument(help: "Model folder (from fluosynth train).")
    var model: String

    @Option(help: "An image the model is meant for (TIFF); its centre becomes the test tensor and the cover.")
    var sample: String

    @Option(name: [.short, .customLong("output")], help: "The package to write (a .zip).")
    var output: String

    @Option(help: "Model name (default: from the model folder).")
    var name: String?

    @Option(name: .customLong("author"), help: "An author's name (repeat for several; default FluoSynth).")
    var authors: [String] = []

    @Option(help: "Licence of the weights, an SPDX identifier.")
    var license = "CC-BY-4.0"

    @Option(help: "The dataset spec the model was trained on, attached to the package.")
    var spec: String?

    @Flag(name: .customLong("last-weights"), help: "Export the weights of the last epoch instead of the best.")
    var lastWeights = false

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func run() throws {
        var request = ExportRequest(modelDirectory: model, sample: sample, output: output)
        request.name = name
        if !authors.isEmpty { request.authors = authors }
        request.license = license
        request.spec = spec
        request.weights = lastWeights ? .last : .best
        request.threads = threads
        try ExportRun.run(request) { print($0) }
    }
}

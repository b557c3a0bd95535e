import ArgumentParser
import Foundation
import Workflows

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Restore an image, stack or time series with a trained model (CARE or RCAN).",
        discussion: reflowed("""
        The input is normalised to the model's percentiles, predicted in tiles that
        overlap by the network's receptive field and mapped back to the input's
        intensities. A U-Net's tiles join without seams; RCAN's channel attention
        averages over its whole tile, so tiles (needed only for images larger than
        memory allows) change its output slightly. Output is float32 with the input's pixel size and z step.
        Probabilistic models (--loss laplace) also write the Laplace scale
        (uncertainty) to OUTPUT-scale.tif or --scale-output.
        Examples:
          fluosynth predict model low.tif -o restored.tif
          fluosynth predict model big.tif -o restored.tif --tiles 4,4 --overlap 32
        """)
    )

    @Argument(help: "Model folder (from fluosynth train).")
    var model: String

    @Argument(help: "Input image (TIFF, OME-TIFF or OME-Zarr .zarr): 2-D image, z-stack or time series.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "Output image: .tif (ImageJ), .ome.tif (OME-TIFF) or .zarr (OME-Zarr).")
    var output: String

    @Option(name: .customLong("scale-output"), help: "Scale image of a probabilistic model (default OUTPUT-scale with the same extension).")
    var scaleOutput: String?

    @Option(help: "Tiles per axis, y,x or z,y,x (default: as few as fit in memory).")
    var tiles: String?

    @Option(help: "Overlap of tiles in pixels (default: the receptive-field radius).")
    var overlap: Int?

    @Flag(name: .customLong("last-weights"), help: "Use the weights of the last epoch instead of the best.")
    var lastWeights = false

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func validate() throws {
        try validateImageOutput(output, option: "--output")
        try validateImageOutput(scaleOutput, option: "--scale-output")
    }

    func run() throws {
        var request = PredictRequest(modelDirectory: model, input: input, output: output)
        request.scaleOutput = scaleOutput
        if let tiles {
            let counts = tiles.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ ($0 ?? 0) > 0 }) else { throw ValidationError("--tiles: expected counts such as 2,2 or 1,4,4, got '\(tiles)'") }
            request.tiles = counts.map { $0! }
        }
        if let overlap, overlap < 0 { throw ValidationError("--overlap must not be negative") }
        request.overlap = overlap
        request.weights = lastWeights ? .last : .best
        request.threads = threads
        try PredictRun.run(request) { print($0) }
    }
}

import ArgumentParser
import Foundation
import Workflows

extension FourierRingCorrelation.Threshold: ExpressibleByArgument {}

struct ResolutionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolution",
        abstract: "Estimate the resolution of a real image without ground truth.",
        discussion: reflowed("""
        Image decorrelation analysis (Descloux et al., Nat. Methods 2019) of IMAGE:
        the highest frequency whose phase still correlates with the image, reported as
        2·pixel/kc. With --second, a second noisy acquisition of the same field, also
        the Fourier ring correlation of the two: the resolution where FRC falls below
        1/7 (or the ½-bit curve, --threshold half-bit). A stack is analysed in one z
        plane (--plane, default middle). Interpolated (upsampled) images break the
        white-noise assumption of the decorrelation analysis; analyse them at their
        native pixel size.

        Examples:
          fluosynth resolution ../shared/data/microtubules-wf-sim/sim-high.tif \\
              --second ../shared/data/microtubules-wf-sim/sim-low.tif
          fluosynth resolution frame1.tif --second frame2.tif --pixel-size 0.065
          fluosynth resolution stack.tif --plane 12 --json
        """)
    )

    @Argument(help: "Image (TIFF); a stack is analysed in one plane.")
    var image: String

    @Option(help: "A second noisy realisation of the same field, for FRC.")
    var second: String?

    @Option(help: "z plane of a stack (default: the middle one).")
    var plane: Int?

    @Option(name: .customLong("pixel-size"), help: "Pixel size in µm (default: from the file).")
    var pixelSizeUm: Double?

    @Option(help: "FRC threshold: 1/7 or half-bit.")
    var threshold: FourierRingCorrelation.Threshold = .oneSeventh

    @Flag(help: "Print the report as JSON (with the FRC curve).")
    var json = false

    func run() throws {
        let report = try ResolutionRun.run(image: image, second: second, plane: plane, pixelSizeUm: pixelSizeUm, threshold: threshold)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            report.lines.forEach { print($0) }
        }
    }
}

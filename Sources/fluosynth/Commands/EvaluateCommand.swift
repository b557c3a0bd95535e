import ArgumentParser
import Foundation
import Workflows

/// `NAME=FILE`: a baseline restoration to score beside the prediction.
struct NamedPath: ExpressibleByArgument, Sendable {
    var name: String
    var path: String

    init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex,
              argument.index(after: equals) != argument.endIndex else { return nil }
        name = String(argument[..<equals])
        path = String(argument[argument.index(after: equals)...])
    }
}

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Score restorations against ground truth: NRMSE, SSIM, PSNR and MS-SSIM as CARE reports them.",
        discussion: reflowed("""
        Each ground truth is normalised to its 0.1 and 99.9 percentiles and each
        restoration mapped onto it by the least-squares affine fit αx + β (CSBDeep's
        normalize_minmse); then NRMSE, PSNR (data range 1), SSIM (Gaussian window σ
        1.5) and MS-SSIM (5 scales, fewer on small images) are computed. An affine
        change of a restoration changes no score.

        PRED, GT, --input and the baselines are each a TIFF or a folder of TIFFs
        paired by file name (a dataset's <split>/GT/<id>.tif with <dir>/<id>.tif).
        --json prints the summary, {"prediction": {"nrmse": …, "ssim": …, "psnr": …,
        "ms_ssim": …, "sd": {…}, "images": n}, "input": {…}, …}.

        Examples:
          fluosynth evaluate restored.tif gt.tif --input low.tif
          fluosynth evaluate predictions/ data/test/GT --input data/test/low \\
              --baseline rl=rl/ --baseline gauss=smoothed/ \\
              --csv scores.csv --summary summary.json
          fluosynth evaluate predictions/ data/test/GT --json
        """)
    )

    @Argument(help: "Restoration: a TIFF or a folder of TIFFs.")
    var prediction: String

    @Argument(help: "Ground truth: a TIFF or a folder of TIFFs.")
    var groundTruth: String

    @Option(help: "The network's input (the degraded images), scored as 'input'.")
    var input: String?

    @Option(name: .customLong("baseline"), help: "Another restoration to score, NAME=FILE-OR-FOLDER. Repeatable.")
    var baselines: [NamedPath] = []

    @Option(help: "Write per-image scores to this CSV.")
    var csv: String?

    @Option(help: "Write the summary (mean and sd per set) to this JSON file.")
    var summary: String?

    @Flag(help: "Print the summary as JSON on standard output instead of the table.")
    var json = false

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    func run() throws {
        var sets = [EvaluationSet(name: "prediction", path: prediction)]
        if let input { sets.append(EvaluationSet(name: "input", path: input)) }
        sets += baselines.map { EvaluationSet(name: $0.name, path: $0.path) }
        let report = try EvaluateRun.run(groundTruth: groundTruth, sets: sets, threads: threads)
        let note: (String) -> Void = { message in
            if json { FileHandle.standardError.write(Data((message + "\n").utf8)) } else { print(message) }
        }
        if let csv {
            try AtomicFile.write(Data(report.csv.utf8), to: csv)
            note("wrote \(csv): \(report.rows.count) rows")
        }
        if let summary {
            try AtomicFile.write(report.summaryJSON(), to: summary)
            note("wrote \(summary)")
        }
        if json {
            print(String(decoding: try report.summaryJSON(), as: UTF8.self))
        } else {
            print(report.table)
        }
    }
}

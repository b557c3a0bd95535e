import ArgumentParser
import Foundation
import Workflows

struct PhantomCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phantom",
        abstract: "Write one ground-truth phantom (microtubules, granules, spheres or a mixture) to a TIFF.",
        discussion: reflowed("""
        PRESET_OR_FILE is a YAML file or a preset in Phantoms/: microtubules,
        microtubules-aster, microtubules-speckle, granules, vesicles, spheres-rcan,
        mixed-cell. Presets are looked up in --presets, $FLUOSYNTH_PHANTOMS,
        ./Phantoms and the package's Phantoms folder.

        A 2-D shape (y,x) renders the z-projection of a thin sample; a 3-D shape is
        z,y,x. A voxel holds the amount of dye inside it, so the sum of the image is
        the total amount whatever the pixel size. Several channels are written as an
        ImageJ hyperstack.

        Examples:
          fluosynth phantom microtubules --shape 128,128 --pixel-size 0.05 \\
              --seed 1 --preview gt.png -o gt.tif
          fluosynth phantom spheres-rcan --shape 64,128,128 \\
              --pixel-size 0.1 --z-step 0.1 -o spheres.tif
        """)
    )

    @Argument(help: "Phantom parameters: a YAML file or a preset name.")
    var presetOrFile: String

    @Option(name: .customLong("shape"), help: "Grid size y,x (2-D) or z,y,x (3-D).")
    var shape: IntList

    @Option(name: .customLong("pixel-size"), help: "Lateral pixel size in µm.")
    var pixelSizeUm: Double

    @Option(name: .customLong("z-step"), help: "Axial step in µm for a 3-D shape (default: the pixel size).")
    var zStepUm: Double?

    @Option(help: "Random seed; the same seed gives the same phantom for any thread count.")
    var seed: UInt64 = 0

    @Option(help: "Worker threads (this machine's core count unless given).")
    var threads: Int = Parallel.availableCores

    @Option(name: [.short, .customLong("output")], help: "Output TIFF (float32, ImageJ metadata).")
    var output: String

    @Option(help: "Also write a PNG preview (z maximum projection in 3-D; channels in colour).")
    var preview: String?

    @Option(help: "Also write what was drawn (counts, lengths, the cell) as JSON.")
    var summary: String?

    @Option(help: "Folder to look for presets in first.")
    var presets: String?

    func validate() throws {
        try validateImageOutput(output, option: "--output")
        guard shape.values.count == 2 || shape.values.count == 3, shape.values.allSatisfy({ $0 > 0 }) else {
            throw ValidationError("--shape needs 2 (y,x) or 3 (z,y,x) positive values, got \(shape.values.map(String.init).joined(separator: ","))")
        }
        guard pixelSizeUm > 0, pixelSizeUm.isFinite else { throw ValidationError("--pixel-size must be positive") }
        if let zStepUm, !(zStepUm > 0 && zStepUm.isFinite) { throw ValidationError("--z-step must be positive") }
        guard threads > 0 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let dims = shape.values
        let spacing = dims.count == 3 ? [zStepUm ?? pixelSizeUm, pixelSizeUm, pixelSizeUm] : [pixelSizeUm, pixelSizeUm]
        let file = try PhantomFile(presetOrFile, presets: .standard(override: presets), rank: dims.count)
        let sample = try PhantomWorkflow.generate(file, shape: dims, spacingUm: spacing, seed: seed, threads: threads)
        let path = file.document.file
        try PhantomWorkflow.writeTIFF(sample, to: output)
        let channels = sample.channels.count > 1 ? ", \(sample.channels.count) channels" : ""
        print("wrote \(output): \(dims.map(String.init).joined(separator: "×"))\(channels) at \(spacing.map { String(format: "%.4g", $0) }.joined(separator: ", ")) µm from \(path)")
        if let cell = sample.summary.cell {
            let axes = cell.semiAxesUm
            print(String(format: "cell: semi-axes %.3g × %.3g µm (z %.3g µm) at %.0f°", axes[1], axes[2], axes[0], cell.angleRad * 180 / .pi))
        }
        for component in sample.summary.components { print(component.line) }
        if let preview {
            try PhantomWorkflow.writePreview(sample, to: preview)
            print("wrote \(preview)")
        }
        if let summary {
            try PhantomWorkflow.writeSummary(sample, to: summary)
            print("wrote \(summary)")
        }
    }
}

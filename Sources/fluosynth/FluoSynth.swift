import ArgumentParser

@main
struct FluoSynth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fluosynth",
        abstract: "Paired training data for fluorescence-microscopy image restoration.",
        discussion: """
        FluoSynth renders ground truth through a physical model of a fluorescence microscope
        (PSF, background, sampling, camera) to make registered low/high-quality pairs.
        Lengths are in µm and axes are ordered z, y, x.
        """,
        version: FluoSynthVersion.string,
        subcommands: [PSFCommand.self, DegradeCommand.self]
    )
}

enum FluoSynthVersion {
    static let string = "0.1.0"
}

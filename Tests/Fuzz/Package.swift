// swift-tools-version: 6.1
import PackageDescription

/// Coverage-guided fuzzing (libFuzzer) of FluoSynth's readers of untrusted input: the spec
/// decoder, the TIFF reader, the npz reader and the model folder (`FuzzInput`, in the main
/// package's `Tests/FuzzInputs`). Built apart from the main package, with the sanitizers on
/// every module, by `scripts/fuzz`, which runs each target from its seeds in
/// `Corpus/<target>/`. An input that once crashed a reader is kept there, so the unit tests
/// (`FuzzCorpusTests`) replay it on every run.
let package = Package(
    name: "FluoSynthFuzz",
    dependencies: [.package(name: "FluoSynth", path: "../..")],
    targets: [
        // One executable for every target (`$FLUOSYNTH_FUZZ_TARGET` picks one); libFuzzer supplies `main`.
        .executableTarget(name: "fuzz", dependencies: [.product(name: "FuzzInputs", package: "FluoSynth")]),
    ]
)

// swift-tools-version: 6.1
import PackageDescription

/// FluoSynth: paired training data for fluorescence-microscopy image restoration.
///
/// The targets follow the pipeline, data flowing one way (docs/ARCHITECTURE.md draws it):
///
///     FluoCore ─┬─▶ Phantoms ─┐
///               ├─▶ Imaging ──┼─▶ DatasetSpec ─┬─▶ Teaching ─┐
///               ├─▶ DataIO ───┘                │             ├─▶ Workflows ─▶ fluosynth
///               ├─▶ Metrics ───────────────────┴─────────────┤
///               └─▶ Training (with DataIO) ──────────────────┘
///
/// - `FluoCore`: volumes (z, y, x; spacing in µm), random streams, FFT plans, percentiles.
/// - `Phantoms`: ground truth. `Imaging`: PSFs and the stages of a microscope.
/// - `DataIO`: file formats, one folder each (TIFF, PNG, NPZ, ONNX, bioimage.io, the pair layout).
/// - `Metrics`: the CARE evaluation protocol, spectra, FRC, decorrelation.
/// - `DatasetSpec`: the YAML document that composes the stages' parameter types.
/// - `Training`: layers, networks, optimisation, data and model folders on OpenBLAS.
/// - `Teaching`: the explain page (stages, PSF/OTF, spectra, sweeps) and the live page's session;
///   `TeachingServer`: its HTTP server (`explain --serve`).
/// - `Workflows`: what each command does; re-exports the targets whose types commands name.
/// - `fluosynth`, `fluobench`: argument parsing over `Workflows`.
let package = Package(
    name: "FluoSynth",
    products: [
        .executable(name: "fluosynth", targets: ["fluosynth"]),
        .library(name: "FluoCore", targets: ["FluoCore"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "DataIO", targets: ["DataIO"]),
        .library(name: "Phantoms", targets: ["Phantoms"]),
        .library(name: "Training", targets: ["Training"]),
        .library(name: "Metrics", targets: ["Metrics"]),
        .library(name: "DatasetSpec", targets: ["DatasetSpec"]),
        .library(name: "Calibration", targets: ["Calibration"]),
        .library(name: "Adaptation", targets: ["Adaptation"]),
        .library(name: "Teaching", targets: ["Teaching"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        // For the fuzz package (Tests/Fuzz) only.
        .library(name: "FuzzInputs", targets: ["FuzzInputs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        // System libraries (Debian: libfftw3-dev libtiff-dev libopenblas-dev libpng-dev libblosc-dev libzstd-dev
        // libdnnl-dev pkg-config).
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CBlosc", pkgConfig: "blosc", providers: [.apt(["libblosc-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // oneDNN: the direct convolutions TensorFlow-CPU runs (no pkg-config file in Debian).
        .systemLibrary(name: "CDNNL", providers: [.apt(["libdnnl-dev"])]),

        .target(name: "FluoCore", dependencies: ["CFFTW"]),
        .target(name: "Imaging", dependencies: [
            "FluoCore", .product(name: "Numerics", package: "swift-numerics"),
        ]),
        .target(name: "Phantoms", dependencies: ["FluoCore"]),
        .target(name: "DataIO", dependencies: [
            "FluoCore", "CTIFF", "CPNG", "CBlosc", "CZstd", .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"), .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Metrics", dependencies: ["FluoCore"]),
        .target(name: "Training", dependencies: ["FluoCore", "DataIO", "COpenBLAS", "CDNNL"]),
        .target(name: "DatasetSpec", dependencies: [
            "FluoCore", "Phantoms", "Imaging", "DataIO", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Calibration", dependencies: ["FluoCore", "Imaging", "Metrics"]),
        .target(name: "Adaptation", dependencies: ["FluoCore", "Imaging", "Training"]),
        .target(name: "Teaching", dependencies: [
            "FluoCore", "Phantoms", "Imaging", "DataIO", "Metrics", "DatasetSpec", .product(name: "Yams", package: "Yams"),
        ]),
        // The live explain page's HTTP server (FlyingFox: sockets and HTTP/1.1 without SwiftNIO).
        .target(name: "TeachingServer", dependencies: ["Teaching", .product(name: "FlyingFox", package: "FlyingFox")]),
        .target(name: "Workflows", dependencies: [
            "FluoCore", "Phantoms", "Imaging", "DataIO", "Metrics", "Training", "DatasetSpec", "Calibration", "Adaptation", "Teaching",
            "TeachingServer",
        ]),
        // Line-buffered standard output for the CLI (a C function: Swift 6 cannot touch `stdout`).
        .target(name: "CLineBuffer"),
        .executableTarget(name: "fluosynth", dependencies: [
            "Workflows", "CLineBuffer", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (timed with ContinuousClock, never in unit tests): swift run -c release fluobench --help
        .executableTarget(name: "fluobench", dependencies: [
            "Workflows", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/Sources/fluobench"),

        // Helpers shared by the test targets: Python reference checks, paths, subprocesses.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // What each fuzz target does with one input: run by libFuzzer (Tests/Fuzz, scripts/fuzz)
        // and by the unit tests that replay the committed corpus.
        .target(name: "FuzzInputs", dependencies: ["DataIO", "DatasetSpec", "Training"], path: "Tests/FuzzInputs"),
        .testTarget(name: "FluoCoreTests", dependencies: ["FluoCore"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "FluoCore", "Workflows", "DataIO", "TestSupport"]),
        .testTarget(name: "DataIOTests", dependencies: [
            "DataIO", "FluoCore", "CTIFF", "TestSupport", .product(name: "Yams", package: "Yams"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .testTarget(name: "DatasetSpecTests", dependencies: ["DatasetSpec", "FluoCore", "Imaging", "Phantoms", "TestSupport"]),
        .testTarget(name: "PhantomsTests", dependencies: ["Phantoms", "FluoCore", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "FluoCore", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Metrics", "FluoCore", "DataIO", "TestSupport"]),
        .testTarget(name: "CalibrationTests", dependencies: ["Calibration", "Imaging", "Phantoms", "Metrics", "FluoCore", "TestSupport"]),
        .testTarget(name: "AdaptationTests", dependencies: ["Adaptation", "Imaging", "FluoCore", "TestSupport"]),
        .testTarget(name: "TeachingTests", dependencies: ["Teaching", "Workflows", "DatasetSpec", "Metrics", "Imaging", "DataIO", "FluoCore", "TestSupport"]),
        .testTarget(name: "WorkflowsTests", dependencies: [
            "Workflows", "Training", "Metrics", "Imaging", "Phantoms", "DataIO", "FluoCore", "TestSupport", "FuzzInputs",
        ]),
        .testTarget(name: "CLITests", dependencies: ["DataIO", "FluoCore", "Imaging", "TestSupport"]),
    ]
)

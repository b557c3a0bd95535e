// swift-tools-version: 6.1
import PackageDescription

/// FluoSynth: paired training data for fluorescence-microscopy image restoration.
///
/// The targets follow the pipeline, data flowing one way:
/// `FluoCore` (volumes, random streams, FFT) → `Phantoms` (ground truth) → `Imaging`
/// (PSF models and the degradations of a microscope) → `DataIO` (TIFF, PNG, npz, the pair
/// writer); `Training` (the CARE U-Net on OpenBLAS) and `Metrics` beside them; `Workflows`
/// (what each command does) → `fluosynth` (argument parsing only).
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
        .library(name: "Spec", targets: ["Spec"]),
        .library(name: "Workflows", targets: ["Workflows"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        // System libraries (Debian: libfftw3-dev libtiff-dev libopenblas-dev libpng-dev pkg-config).
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3f", providers: [.apt(["libfftw3-dev"])]),
        .systemLibrary(name: "CTIFF", pkgConfig: "libtiff-4", providers: [.apt(["libtiff-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),

        .target(name: "FluoCore", dependencies: ["CFFTW"]),
        .target(name: "Imaging", dependencies: [
            "FluoCore", .product(name: "Numerics", package: "swift-numerics"),
        ]),
        .target(name: "Phantoms", dependencies: ["FluoCore"]),
        .target(name: "DataIO", dependencies: ["FluoCore", "CTIFF", "CPNG", .product(name: "ZIPFoundation", package: "ZIPFoundation")]),
        .target(name: "Metrics", dependencies: ["FluoCore"]),
        .target(name: "Training", dependencies: ["FluoCore", "DataIO", "COpenBLAS"]),
        .target(name: "Spec", dependencies: [
            "FluoCore", "Phantoms", "Imaging", "DataIO", .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "Workflows", dependencies: ["FluoCore", "Phantoms", "Imaging", "DataIO", "Metrics", "Training", "Spec"]),
        .executableTarget(name: "fluosynth", dependencies: [
            "Workflows", "FluoCore", "Phantoms", "Imaging", "DataIO", "Metrics", "Training", "Spec",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (timed with ContinuousClock, never in unit tests): swift run -c release fluobench --help
        .executableTarget(name: "fluobench", dependencies: [
            "Workflows", "FluoCore", "Phantoms", "Imaging", "DataIO", "Metrics", "Training", "Spec",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Benchmarks/Sources/fluobench"),

        // Helpers shared by the test targets: Python reference checks, paths, subprocesses.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "FluoCoreTests", dependencies: ["FluoCore"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "FluoCore", "Workflows", "DataIO", "TestSupport"]),
        .testTarget(name: "DataIOTests", dependencies: ["DataIO", "FluoCore", "CTIFF", "TestSupport"]),
        .testTarget(name: "SpecTests", dependencies: ["Spec", "FluoCore", "Imaging", "Phantoms", "TestSupport"]),
        .testTarget(name: "PhantomsTests", dependencies: ["Phantoms", "FluoCore", "TestSupport"]),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics", "FluoCore", "TestSupport"]),
        .testTarget(name: "TrainingTests", dependencies: ["Training", "Metrics", "FluoCore", "DataIO", "TestSupport"]),
        .testTarget(name: "WorkflowsTests", dependencies: ["Workflows", "Training", "Metrics", "Imaging", "Phantoms", "DataIO", "FluoCore", "TestSupport"]),
        .testTarget(name: "CLITests", dependencies: ["DataIO", "FluoCore", "Imaging", "TestSupport"]),
    ]
)

// swift-tools-version: 6.1
import PackageDescription

/// FluoSynth: paired training data for fluorescence-microscopy image restoration.
///
/// The targets follow the pipeline: `FluoCore` (volumes, random streams, FFT) →
/// `Imaging` (PSF models and the degradations of a microscope) → `DataIO` (TIFF and
/// friends) → `Workflows` (what the commands do) → `fluosynth` (argument parsing only).
let package = Package(
    name: "FluoSynth",
    products: [
        .executable(name: "fluosynth", targets: ["fluosynth"]),
        .library(name: "FluoCore", targets: ["FluoCore"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "DataIO", targets: ["DataIO"]),
        .library(name: "Workflows", targets: ["Workflows"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
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
        .target(name: "DataIO", dependencies: ["FluoCore", "CTIFF", "CPNG"]),
        .target(name: "Workflows", dependencies: ["FluoCore", "Imaging", "DataIO"]),
        .executableTarget(name: "fluosynth", dependencies: [
            "Workflows", "FluoCore", "Imaging", "DataIO",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "FluoCoreTests", dependencies: ["FluoCore"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging", "FluoCore"]),
        .testTarget(name: "DataIOTests", dependencies: ["DataIO", "FluoCore"],
                    resources: [.copy("Python")]),
        .testTarget(name: "CLITests", dependencies: ["DataIO", "FluoCore", "Imaging"]),
    ]
)

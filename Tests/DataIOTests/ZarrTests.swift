import FluoCore
import Foundation
import Testing
import TestSupport
@testable import DataIO

@Suite struct ZarrTests {
    static func ramp(_ shape: [Int], spacing: [Double], offset: Float = 0) -> Volume {
        Volume(shape: shape, spacingUm: spacing, data: (0..<shape.reduce(1, *)).map { Float($0) * 0.5 + offset })
    }

    /// Blocks written chunk by chunk (edge chunks partial) read back exactly, raw and Blosc;
    /// a block that does not cover whole chunks is refused.
    @Test(arguments: [nil, ZarrArray.Compressor.bloscZstd])
    func arrayRoundTrip(_ compressor: ZarrArray.Compressor?) throws {
        let folder = TestPaths.temporaryDirectory("zarr")
        let array = try ZarrArray.create(at: folder + "/a", metadata: .init(shape: [3, 10, 7], chunks: [1, 4, 4], compressor: compressor))
        let values = (0..<210).map { Float($0) - 100.25 }
        for t in 0..<3 { try array.write(block: Array(values[t * 70 ..< (t + 1) * 70]), origin: [t, 0, 0], size: [1, 10, 7]) }
        #expect(try ZarrArray.open(folder + "/a").read() == values)
        #expect(FileManager.default.fileExists(atPath: folder + "/a/2/2/1"))   // "/" separator, 3 × 2 chunks per plane
        #expect(throws: DataIOError.self) { try array.write(block: Array(repeating: 0, count: 4), origin: [0, 2, 0], size: [1, 2, 2]) }
        if let compressor {
            let big = try ZarrArray.create(at: folder + "/b", metadata: .init(shape: [64, 64], chunks: [64, 64], compressor: compressor))
            try big.write(block: (0..<4096).map { Float($0 % 64) }, origin: [0, 0], size: [64, 64])
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/b/0/0")).count
            #expect(bytes < 4096, "Blosc should shrink a repeating 16 KiB chunk at least fourfold (\(bytes) bytes)")
        }
    }

    /// An image written as OME-Zarr reads back with its frames, channels, spacing and names.
    @Test func imageRoundTrip() throws {
        let folder = TestPaths.temporaryDirectory("omezarr")
        let frames = (0..<2).map { t in (0..<2).map { c in Self.ramp([6, 20, 9], spacing: [0.4, 0.1, 0.1], offset: Float(100 * t + 10 * c)) } }
        try OMEZarr.write(hyperstack: frames, to: folder + "/img.zarr", channelNames: ["GT", "low"])
        let image = try ImageFile.read(folder + "/img.zarr/")
        #expect(image.metadata.source == .ngff && image.metadata.channelNames == ["GT", "low"])
        #expect(image.spacingUm == [0.4, 0.1, 0.1])
        let read = try image.hyperstack()
        #expect(read.count == 2 && read[1].map(\.data) == frames[1].map(\.data) && read[0][0].shape == [6, 20, 9])
        let plane = Self.ramp([33, 17], spacing: [0.065, 0.065])
        try ImageFile.write(plane, to: folder + "/plane.ome.zarr")
        #expect(try ImageFile.read(folder + "/plane.ome.zarr").volume() == plane)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: folder).contains { $0.contains("partial") }))
    }

    /// Names other than .tif/.tiff/.ome.tif/.zarr are refused, naming what would work.
    @Test func imageNamesAreChecked() throws {
        #expect(throws: DataIOError.self) { try ImageFile.kind(of: "out.png") }
        do { _ = try ImageFile.kind(of: "out.png") } catch { #expect("\(error)".contains(".tif, .tiff, .ome.tif or .zarr")) }
        #expect(try ImageFile.kind(of: "a/B.TIF") == .tiff && ImageFile.sibling(of: "r.ome.tif", suffix: "-scale") == "r-scale.ome.tif")
        #expect(ImageFile.sibling(of: "r.zarr", suffix: "-scale") == "r-scale.zarr" && ImageFile.sibling(of: "r", suffix: "-s") == "r-s.tif")
    }
}

@Suite("OME-Zarr interoperability", .enabled(if: PythonReference.isAvailable))
struct ZarrInteropTests {
    struct Report: Decodable {
        var shape: [Int]
        var axes: [String]
        var units: [String?]
        var scale: [Double]
        var labels: [String]
        var valid: Bool
        var sum: Double
    }

    /// ome-zarr-py reads our images with their axes and µm scale, and ome-zarr-models finds
    /// them valid NGFF 0.4.
    @Test func omeZarrPyReadsOurImages() throws {
        let folder = TestPaths.temporaryDirectory("zarr-interop")
        let stack = (0..<2).map { ZarrTests.ramp([5, 40, 30], spacing: [0.3, 0.08, 0.08], offset: Float($0)) }
        try OMEZarr.write(hyperstack: [stack], to: folder + "/stack.zarr", channelNames: ["GT", "low"])
        try OMEZarr.write(hyperstack: (0..<3).map { [ZarrTests.ramp([16, 12], spacing: [0.1, 0.1], offset: Float($0))] }, to: folder + "/series.zarr")
        let reports = try PythonReference.run("zarr_check.py", ["describe", folder + "/stack.zarr", folder + "/series.zarr"])
            .split(separator: "\n").map { try JSONDecoder().decode(Report.self, from: Data($0.utf8)) }
        #expect(reports[0].valid && reports[0].shape == [2, 5, 40, 30] && reports[0].axes == ["c", "z", "y", "x"], "\(reports[0])")
        #expect(reports[0].scale == [1, 0.3, 0.08, 0.08] && reports[0].units == [nil, "micrometer", "micrometer", "micrometer"])
        #expect(reports[0].labels == ["GT", "low"] && abs(reports[0].sum - stack.map { $0.sum() }.reduce(0, +)) < 1)
        #expect(reports[1].valid && reports[1].shape == [3, 1, 16, 12] && reports[1].axes == ["t", "c", "y", "x"], "\(reports[1])")
    }

    /// We read what ome-zarr-py writes: zstd (its default) and Blosc with partial edge chunks.
    @Test func weReadOMEZarrPyImages() throws {
        let folder = TestPaths.temporaryDirectory("zarr-variants")
        try PythonReference.run("zarr_check.py", ["write", folder])
        for name in ["czyx", "blosc"] {
            let image = try ImageFile.read(folder + "/\(name).zarr")
            let channels = try image.hyperstack()[0]
            #expect(channels.count == 2 && channels[1].shape == [5, 37, 41], "\(name)")
            #expect(channels[1][4, 36, 40] == Float((1000 + 28 + 108 + 40) % 65521), "\(name)")
            #expect(abs(channels[0].spacingUm[0] - 0.5) < 1e-12 && abs(channels[0].spacingUm[2] - 0.2) < 1e-12, "\(name)")
        }
    }
}

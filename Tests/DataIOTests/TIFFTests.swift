import DataIO
import FluoCore
import Foundation
import Testing
import TestSupport

@Suite("TIFF")
struct TIFFTests {
    static func random(_ shape: [Int], spacing: [Double], seed: UInt64 = 5) -> Volume {
        var rng = RandomStream(seed: seed)
        return Volume(shape: shape, spacingUm: spacing, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) * 1e3 })
    }

    @Test func float32RoundTripIsExact() throws {
        let folder = TestPaths.temporaryDirectory("tiff")
        for volume in [Self.random([7, 33, 20], spacing: [0.35, 0.065, 0.065]), Self.random([45, 31], spacing: [0.1, 0.1])] {
            let path = folder + "/v\(volume.rank).tif"
            try TIFFWriter.write(volume, to: path)
            let image = try TIFFReader.read(path)
            #expect(image.sampleType == "float32")
            let back = try image.volume()
            #expect(back.shape == volume.shape)
            #expect(back.data == volume.data)
            #expect(zip(back.spacingUm, volume.spacingUm).allSatisfy { abs($0 / $1 - 1) < 1e-6 })
        }
    }

    @Test func uint16RoundsAndClips() throws {
        let path = TestPaths.temporaryDirectory("tiff") + "/u16.tif"
        try TIFFWriter.write(Volume(shape: [1, 5], data: [-3, 0.4, 0.6, 70000, 1234.5]), to: path, as: .uint16)
        let image = try TIFFReader.read(path)
        #expect(image.sampleType == "uint16")
        #expect(image.samples == [0, 0, 1, 65535, 1235])   // half away from zero
    }

    @Test func hyperstackKeepsChannelsAndFrames() throws {
        // ImageJ order: channel fastest, then slice, then frame: 2 frames × 3 slices × 2 channels.
        let planes = Volume(shape: [12, 4, 5], spacingUm: [0.3, 0.1, 0.1], data: (0..<240).map(Float.init))
        let path = TestPaths.temporaryDirectory("tiff") + "/hyper.tif"
        try TIFFWriter.write(planes: planes, channels: 2, frames: 2, to: path)
        let stack = try TIFFReader.read(path).hyperstack()
        #expect(stack.count == 2 && stack[0].count == 2)
        #expect(stack[1][1].shape == [3, 4, 5])
        #expect(stack[1][1][2, 0, 0] == Float(((1 * 3 + 2) * 2 + 1) * 20))
        #expect(throws: DataIOError.self) { try TIFFReader.read(path).volume() }
    }

    @Test func damagedFilesGiveErrorsNotCrashes() throws {
        let folder = TestPaths.temporaryDirectory("tiff")
        let good = folder + "/good.tif"
        try TIFFWriter.write(Self.random([4, 64, 64], spacing: [1, 1, 1]), to: good)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: good))
        let cases: [(String, Data)] = [
            ("empty.tif", Data()),
            ("text.tif", Data("this is not an image\n".utf8)),
            ("truncated.tif", bytes.prefix(bytes.count / 2)),
            ("header-only.tif", bytes.prefix(8)),
            ("png.tif", Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 64))),
        ]
        for (name, data) in cases {
            let path = folder + "/" + name
            try data.write(to: URL(fileURLWithPath: path))
            do {
                _ = try TIFFReader.read(path)
                Issue.record("\(name) was read without an error")
            } catch let error as DataIOError {
                #expect(String(describing: error).contains(path))
            }
        }
        #expect(throws: DataIOError.cannotOpen(folder + "/missing.tif", "no such file")) { try TIFFReader.read(folder + "/missing.tif") }
    }

    @Test func writesAreAtomic() throws {
        let folder = TestPaths.temporaryDirectory("tiff")
        // A volume whose pages cannot be split into 3 channels fails before anything appears.
        #expect(throws: DataIOError.self) {
            try TIFFWriter.write(planes: Volume(shape: [4, 2, 2]), channels: 3, frames: 1, to: folder + "/bad.tif")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).isEmpty)
    }

    @Test func imageJAndOMEDescriptionsAreParsed() {
        let ij = ImageMetadata.parse(description: "ImageJ=1.53t\nimages=24\nchannels=2\nslices=12\nunit=nm\nspacing=250\n")
        #expect(ij.channels == 2 && ij.slices == 12 && ij.zStepUm == 0.25)
        let ome = ImageMetadata.parse(description: #"<OME><Image><Pixels SizeC="1" SizeZ="60" SizeT="1" PhysicalSizeX="0.26" PhysicalSizeY="0.26" PhysicalSizeZ="290" PhysicalSizeZUnit="nm"/></Image></OME>"#)
        #expect(ome.slices == 60 && ome.zStepUm == 0.29 && ome.pixelSizeUm?.x == 0.26)
        #expect(ome.pageOrder == "CZT" && ome.channelNames.isEmpty)
        let other = ImageMetadata.parse(description: #"<OME><Image><Pixels DimensionOrder="XYZTC" SizeC="2"><Channel ID="Channel:0:0" Name="DAPI"/><Channel Name="G&amp;FP" ID="c1"/></Pixels></Image></OME>"#)
        #expect(other.pageOrder == "ZTC" && other.channelNames == ["DAPI", "G&FP"])
    }

    /// A `.ome.tif` path gets OME-XML (not ImageJ's text) and reads back with its channels,
    /// slices, frames, spacing and channel names.
    @Test func omeTIFFRoundTrip() throws {
        let folder = TestPaths.temporaryDirectory("ome")
        let frames = (0..<2).map { t in (0..<3).map { c in Self.random([4, 8, 6], spacing: [0.25, 0.05, 0.04], seed: UInt64(10 * t + c)) } }
        let path = folder + "/sample.ome.tif"
        try TIFFWriter.write(hyperstack: frames, to: path, channelNames: ["GT", "low", "high"])
        let image = try TIFFReader.read(path)
        #expect(image.metadata.source == .ome && image.metadata.channelNames == ["GT", "low", "high"])
        #expect(image.metadata.channels == 3 && image.metadata.slices == 4 && image.metadata.frames == 2)
        #expect(image.spacingUm.map { ($0 * 1e6).rounded() / 1e6 } == [0.25, 0.05, 0.04])
        let read = try image.hyperstack()
        #expect(read.count == 2 && read.indices.allSatisfy { t in read[t].map(\.data) == frames[t].map(\.data) })
        #expect(OMEXML.imageName(path) == "sample" && OMEXML.imageName("/a/B.OME.TIFF") == "B" && !OMEXML.isOMETIFF("a.tif"))
    }
}

@Suite("TIFF interoperability with tifffile", .enabled(if: PythonReference.isAvailable))
struct TIFFInteropTests {
    struct Description: Decodable {
        var shape: [Int]
        var dtype: String
        var spacing: Double?
        var unit: String?
        var pixel: Double?
        var contiguous: Bool
        var sum: Double
    }

    @Test func tifffileReadsOurStacks() throws {
        let folder = TestPaths.temporaryDirectory("interop")
        let stack = TIFFTests.random([6, 20, 30], spacing: [0.3, 0.08, 0.08])
        try TIFFWriter.write(stack, to: folder + "/f32.tif")
        try TIFFWriter.write(stack.map { abs($0) }, to: folder + "/u16.tif", as: .uint16)
        try TIFFWriter.write(stack.plane(0), to: folder + "/2d.tif")
        let lines = try PythonReference.run("tiff_check.py", ["describe", folder + "/f32.tif", folder + "/u16.tif", folder + "/2d.tif"])
            .split(separator: "\n").map { try JSONDecoder().decode(Description.self, from: Data($0.utf8)) }
        #expect(lines[0].shape == [6, 20, 30] && lines[0].dtype == "float32" && lines[0].spacing == 0.3)
        #expect(lines[0].unit == "micron" && abs(lines[0].pixel! - 0.08) < 1e-6 && lines[0].contiguous)
        #expect(abs(lines[0].sum / stack.sum() - 1) < 1e-5)
        #expect(lines[1].dtype == "uint16" && lines[1].shape == [6, 20, 30] && lines[1].contiguous)
        #expect(lines[2].shape == [20, 30] && abs(lines[2].pixel! - 0.08) < 1e-6)
    }

    @Test func weReadWhatTifffileWrites() throws {
        let folder = TestPaths.temporaryDirectory("variants")
        try PythonReference.run("tiff_check.py", ["variants", folder])
        func expected(_ z: Int, _ y: Int, _ x: Int) -> Float { Float((z * 7 + y * 3 + x) % 251) }
        for name in ["uint16-big-endian", "uint8-imagej", "int16-tiled-deflate", "float32-lzw", "float64-big-endian", "uint32-strips"] {
            let volume = try TIFFReader.read(folder + "/\(name).tif").volume()
            #expect(volume.shape == [5, 37, 41], "\(name)")
            let wrong = (0..<volume.count).filter { i in
                let index = volume.unravel(i)
                return volume.data[i] != expected(index[0], index[1], index[2])
            }.count
            #expect(wrong == 0, "\(name): \(wrong) samples differ")
        }
        let calibrated = try TIFFReader.read(folder + "/uint8-imagej.tif").volume()
        #expect(abs(calibrated.spacingUm[0] - 0.5) < 1e-9 && abs(calibrated.spacingUm[2] - 0.2) < 1e-6)
        #expect(try TIFFReader.read(folder + "/uint16-2d.tif").volume().shape == [37, 41])
        let hyper = try TIFFReader.read(folder + "/hyperstack-tzcyx.tif").hyperstack()
        #expect(hyper.count == 2 && hyper[0].count == 4 && hyper[0][0].shape == [3, 37, 41])
        // Frame 1, channel 2, slice 1 is plane (1·3 + 1)·4 + 2 = 18 of the TZC-ordered planes.
        #expect(hyper[1][2][1, 0, 0] == expected(18, 0, 0))
        // OME-TIFF with DimensionOrder XYZCT: channel c, slice z is plane c·3 + z.
        let ome = try TIFFReader.read(folder + "/czyx.ome.tif")
        #expect(ome.metadata.pageOrder == "ZCT" && ome.metadata.channelNames == ["DAPI", "GFP"])
        let channels = try ome.hyperstack()[0]
        #expect(channels.count == 2 && channels[1].shape == [3, 37, 41] && channels[1][2, 0, 0] == expected(5, 0, 0))
        #expect(abs(channels[0].spacingUm[0] - 0.4) < 1e-9 && abs(channels[0].spacingUm[2] - 0.1) < 1e-9)
    }

    struct OMEReport: Decodable {
        var is_ome: Bool
        var axes: String
        var shape: [Int]
        var dimension_order: String
        var sizes: [Int]
        var physical: [Double?]
        var units: [String]
        var channels: [String]
        var type: String
    }

    /// tifffile and ome-types (validating against the OME schema) read our OME-TIFFs with
    /// their axes, sizes in µm and channel names.
    @Test func omeTypesAndTifffileReadOurOMETIFFs() throws {
        let folder = TestPaths.temporaryDirectory("ome-interop")
        let channels = (0..<2).map { TIFFTests.random([5, 12, 10], spacing: [0.3, 0.065, 0.065], seed: UInt64($0)) }
        try TIFFWriter.write(hyperstack: [channels], to: folder + "/zc.ome.tif", channelNames: ["GT", "wide & field"])
        try TIFFWriter.write(channels[0].plane(0).map { abs($0) * 100 }, to: folder + "/plane.ome.tif", as: .uint16, channelNames: ["low"])
        let reports = try PythonReference.run("tiff_check.py", ["ome", folder + "/zc.ome.tif", folder + "/plane.ome.tif"])
            .split(separator: "\n").map { try JSONDecoder().decode(OMEReport.self, from: Data($0.utf8)) }
        let stack = reports[0], plane = reports[1]
        #expect(stack.is_ome && stack.axes == "ZCYX" && stack.shape == [5, 2, 12, 10], "\(stack)")
        #expect(stack.dimension_order == "XYCZT" && stack.sizes == [10, 12, 5, 2, 1] && stack.type == "float")
        #expect(zip(stack.physical, [0.065, 0.065, 0.3]).allSatisfy { abs(($0 ?? 0) - $1) < 1e-6 } && stack.units == ["µm", "µm"])
        #expect(stack.channels == ["GT", "wide & field"])
        #expect(plane.is_ome && plane.shape == [12, 10] && plane.type == "uint16" && plane.channels == ["low"] && plane.physical[2] == nil, "\(plane)")
    }

    /// Real data from `../shared/data`, where this checkout has it.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: TestPaths.sharedData + "/cells3d-nuclei/nuclei.tif"),
                   "needs the real data in ../shared/data or $FLUOSYNTH_SHARED_DATA"))
    func realMicroscopeFilesLoad() throws {
        let nuclei = TestPaths.sharedData + "/cells3d-nuclei/nuclei.tif"
        let image = try TIFFReader.read(nuclei)
        #expect(image.sampleType == "uint16")
        #expect(try image.volume().shape == [60, 256, 256])
    }
}

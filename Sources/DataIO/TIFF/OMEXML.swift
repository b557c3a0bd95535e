import Foundation

/// The OME-XML that makes a TIFF an OME-TIFF (OME data model 2016-06): one image whose
/// planes are the file's pages in the order FluoSynth writes them (channel fastest, then z,
/// then time: `DimensionOrder="XYCZT"`), with the physical pixel size in µm (the model's
/// default unit) and a name per channel. Bio-Formats (Fiji), tifffile, ome-types, napari and
/// QuPath read it.
public struct OMEXML: Equatable, Sendable {
    public var name: String
    /// Samples per axis: x, y, z (slices), c (channels), t (frames).
    public var sizeX: Int, sizeY: Int, sizeZ: Int, sizeC: Int, sizeT: Int
    public var pixelSizeUm: (y: Double, x: Double)
    public var zStepUm: Double?
    public var channelNames: [String]
    /// OME's pixel type: `float` or `uint16`.
    public var pixelType: String

    public init(name: String, sizeX: Int, sizeY: Int, sizeZ: Int, sizeC: Int, sizeT: Int, pixelSizeUm: (y: Double, x: Double),
                zStepUm: Double?, channelNames: [String], pixelType: String) {
        (self.name, self.sizeX, self.sizeY, self.sizeZ, self.sizeC, self.sizeT) = (name, sizeX, sizeY, sizeZ, sizeC, sizeT)
        (self.pixelSizeUm, self.zStepUm, self.channelNames, self.pixelType) = (pixelSizeUm, zStepUm, channelNames, pixelType)
    }

    public static func == (a: OMEXML, b: OMEXML) -> Bool { a.text == b.text }

    /// Whether a path names an OME-TIFF (`.ome.tif` or `.ome.tiff`, any case).
    public static func isOMETIFF(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".ome.tif") || lower.hasSuffix(".ome.tiff")
    }

    /// The file name without folder and `.ome.tif(f)`.
    public static func imageName(_ path: String) -> String {
        let file = URL(fileURLWithPath: path).lastPathComponent
        let suffix = file.lowercased().hasSuffix(".ome.tiff") ? 9 : file.lowercased().hasSuffix(".ome.tif") ? 8 : 0
        return String(file.dropLast(suffix))
    }

    /// The document, for the first page's ImageDescription.
    public var text: String {
        func number(_ v: Double) -> String { String(format: "%.9g", v) }
        let physical = [" PhysicalSizeX=\"\(number(pixelSizeUm.x))\" PhysicalSizeY=\"\(number(pixelSizeUm.y))\""]
            + (zStepUm.map { [" PhysicalSizeZ=\"\(number($0))\""] } ?? [])
        let channels = (0..<sizeC).map { c in
            let label = c < channelNames.count ? channelNames[c] : "channel \(c)"
            return "<Channel ID=\"Channel:0:\(c)\" Name=\"\(Self.escaped(label))\" SamplesPerPixel=\"1\"/>"
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06" \
            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
            xsi:schemaLocation="http://www.openmicroscopy.org/Schemas/OME/2016-06 http://www.openmicroscopy.org/Schemas/OME/2016-06/ome.xsd" \
            Creator="FluoSynth">\
            <Image ID="Image:0" Name="\(Self.escaped(name))">\
            <Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="\(pixelType)" BigEndian="false" Interleaved="false" \
            SizeX="\(sizeX)" SizeY="\(sizeY)" SizeZ="\(sizeZ)" SizeC="\(sizeC)" SizeT="\(sizeT)"\(physical.joined())>\
            \(channels.joined())\
            <TiffData IFD="0" PlaneCount="\(sizeZ * sizeC * sizeT)"/>\
            </Pixels></Image></OME>
            """
    }

    /// Text with XML's special characters as entities.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// The inverse of `escaped` (plus `&apos;`).
    static func unescaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

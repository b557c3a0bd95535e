import Foundation

/// One array of a `.npy`/`.npz` file: numeric arrays as `Float` samples, unicode arrays as text.
///
/// NumPy's `.npy` format (NEP 1, versions 1.0–3.0): the magic `\x93NUMPY`, the major and minor
/// version bytes, the header length (uint16 LE in 1.0, uint32 LE in 2.0/3.0), an ASCII (3.0:
/// UTF-8) Python dict literal `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 1, 64, 64), }`
/// padded with spaces and ending in `\n` so the data starts at a multiple of 64 bytes, then the
/// data in C order. Read: float32/64, (u)int8/16/32/64 in either byte order, unicode (`<U…`,
/// UTF-32). Written: float32 and unicode, version 1.0 (2.0 for headers over 65,535 bytes).
public struct NumpyArray: Equatable, Sendable {
    /// NumPy's type string as stored, e.g. `<f4`, `|u1`, `<U4`.
    public var descr: String
    public var shape: [Int]
    /// Numeric samples in C order, converted to `Float` (float64 and 32/64-bit integers lose precision).
    public var values: [Float]
    /// The text of a unicode array (0-d or the elements joined), `nil` for numeric arrays.
    public var text: String?

    /// A float32 array.
    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "NumpyArray: \(values.count) values for shape \(shape)")
        descr = "<f4"
        self.shape = shape
        self.values = values
        text = nil
    }

    /// A 0-d unicode array, as `np.asarray("SCYX")`.
    public init(text: String) {
        descr = "<U\(text.unicodeScalars.count)"
        shape = []
        values = []
        self.text = text
    }

    init(descr: String, shape: [Int], values: [Float], text: String?) {
        (self.descr, self.shape, self.values, self.text) = (descr, shape, values, text)
    }

    /// Number of elements (1 for a 0-d array).
    public var count: Int { shape.reduce(1, *) }

    /// The array as the bytes of a `.npy` file (`np.save`).
    public var npyFile: Data { NPYFormat.header(for: self) + NPYFormat.body(for: self) }
}

/// Encoding and decoding of single `.npy` files.
enum NPYFormat {
    static let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]   // \x93NUMPY

    /// The `.npy` header (magic, version, length, dict) for `array`, padded to 64 bytes.
    static func header(for array: NumpyArray) -> Data {
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var dict = "{'descr': '\(array.descr)', 'fortran_order': False, 'shape': \(shape), }"
        let short = dict.utf8.count + 64 <= 65_535   // version 1.0 stores the length as uint16
        let prefix = short ? 10 : 12
        let total = (prefix + dict.utf8.count + 1 + 63) / 64 * 64
        dict += String(repeating: " ", count: total - prefix - dict.utf8.count - 1) + "\n"
        var data = Data(magic)
        data.append(contentsOf: short ? [1, 0] : [2, 0])
        let length = dict.utf8.count
        if short {
            data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        } else {
            data.append(contentsOf: (0..<4).map { UInt8((length >> (8 * $0)) & 0xFF) })
        }
        data.append(contentsOf: Array(dict.utf8))
        return data
    }

    /// The data bytes of a float32 or unicode array (little-endian).
    static func body(for array: NumpyArray) -> Data {
        if let text = array.text {
            var data = Data(capacity: text.unicodeScalars.count * 4)
            for scalar in text.unicodeScalars {
                withUnsafeBytes(of: scalar.value.littleEndian) { data.append(contentsOf: $0) }
            }
            return data
        }
        precondition(array.descr == "<f4", "NPYFormat: only float32 and unicode arrays are written")
        return array.values.withUnsafeBytes { Data($0) }   // x86-64 and arm64 are little-endian
    }

    /// Decodes a whole `.npy` file; `name` is used in error messages.
    static func decode(_ data: Data, name: String) throws -> NumpyArray {
        func fail(_ reason: String) -> NPZError { NPZError.badArray(name, reason) }
        guard data.count >= 10, Array(data.prefix(6)) == magic else { throw fail("not a .npy array (bad magic)") }
        let bytes = [UInt8](data.prefix(12))
        let major = bytes[6]
        let (headerLength, headerStart): (Int, Int)
        switch major {
        case 1: (headerLength, headerStart) = (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
        case 2, 3:
            guard bytes.count >= 12 else { throw fail("truncated header") }
            (headerLength, headerStart) = ((8..<12).reduce(0) { $0 | Int(bytes[$1]) << (8 * ($1 - 8)) }, 12)
        default: throw fail("unsupported .npy version \(major).\(bytes[7])")
        }
        guard data.count >= headerStart + headerLength else { throw fail("truncated header") }
        let start = data.startIndex
        guard let header = String(data: data[start + headerStart ..< start + headerStart + headerLength], encoding: .utf8) else {
            throw fail("header is not text")
        }
        let (descr, fortran, shape) = try parseHeader(header, fail)
        let count = shape.reduce(1, *)
        let body = data[(start + headerStart + headerLength)...]
        if fortran && shape.filter({ $0 > 1 }).count > 1 { throw fail("Fortran-ordered arrays are not supported (save with C order)") }
        guard let kind = descr.dropFirst().first, let size = Int(descr.dropFirst(2)) else { throw fail("unknown dtype '\(descr)'") }
        let bigEndian = descr.first == ">"
        if kind == "U" {
            guard body.count >= count * size * 4 else { throw fail("\(body.count) data bytes for \(count) strings of \(size) characters") }
            var text = ""
            var scalars = [UInt32](repeating: 0, count: count * size)
            _ = scalars.withUnsafeMutableBytes { body.copyBytes(to: $0, from: body.startIndex ..< body.startIndex + count * size * 4) }
            for value in scalars {
                let code = bigEndian ? value.byteSwapped : value
                if code != 0, let scalar = Unicode.Scalar(code) { text.unicodeScalars.append(scalar) }
            }
            return NumpyArray(descr: descr, shape: shape, values: [], text: text)
        }
        guard body.count >= count * size else { throw fail("\(body.count) data bytes where shape \(shape) of \(descr) needs \(count * size)") }
        let values: [Float]
        switch (kind, size) {
        case ("f", 4): values = convert(body, count: count, as: UInt32.self, bigEndian) { Float(bitPattern: $0) }
        case ("f", 8): values = convert(body, count: count, as: UInt64.self, bigEndian) { Float(Double(bitPattern: $0)) }
        case ("u", 1), ("b", 1): values = convert(body, count: count, as: UInt8.self, false) { Float($0) }
        case ("i", 1): values = convert(body, count: count, as: UInt8.self, false) { Float(Int8(bitPattern: $0)) }
        case ("u", 2): values = convert(body, count: count, as: UInt16.self, bigEndian) { Float($0) }
        case ("i", 2): values = convert(body, count: count, as: UInt16.self, bigEndian) { Float(Int16(bitPattern: $0)) }
        case ("u", 4): values = convert(body, count: count, as: UInt32.self, bigEndian) { Float($0) }
        case ("i", 4): values = convert(body, count: count, as: UInt32.self, bigEndian) { Float(Int32(bitPattern: $0)) }
        case ("u", 8): values = convert(body, count: count, as: UInt64.self, bigEndian) { Float($0) }
        case ("i", 8): values = convert(body, count: count, as: UInt64.self, bigEndian) { Float(Int64(bitPattern: $0)) }
        default: throw fail("unsupported dtype '\(descr)'")
        }
        return NumpyArray(descr: descr, shape: shape, values: values, text: nil)
    }

    private static func convert<Raw: FixedWidthInteger>(_ body: Data, count: Int, as _: Raw.Type, _ bigEndian: Bool,
                                                        _ transform: (Raw) -> Float) -> [Float] {
        body.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { out, initialized in
                for i in 0..<count {
                    let value = raw.loadUnaligned(fromByteOffset: i * MemoryLayout<Raw>.size, as: Raw.self)
                    out[i] = transform(bigEndian ? Raw(bigEndian: value) : Raw(littleEndian: value))
                }
                initialized = count
            }
        }
    }

    /// (descr, fortran_order, shape) from the header dict.
    static func parseHeader(_ header: String, _ fail: (String) -> NPZError) throws -> (String, Bool, [Int]) {
        func value(of key: String) -> Substring? {
            guard let range = header.range(of: "'\(key)':") else { return nil }
            return header[range.upperBound...].drop(while: { $0 == " " })
        }
        guard let descrText = value(of: "descr"), descrText.first == "'",
              let end = descrText.dropFirst().firstIndex(of: "'") else { throw fail("header has no 'descr': \(header)") }
        let descr = String(descrText[descrText.index(after: descrText.startIndex) ..< end])
        guard let fortranText = value(of: "fortran_order") else { throw fail("header has no 'fortran_order'") }
        let fortran = fortranText.hasPrefix("True")
        guard let shapeText = value(of: "shape"), shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw fail("header has no 'shape'")
        }
        let inner = shapeText[shapeText.index(after: shapeText.startIndex) ..< close]
        var shape: [Int] = []
        for part in inner.split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "L", with: "")
            if trimmed.isEmpty { continue }
            guard let dimension = Int(trimmed), dimension >= 0 else { throw fail("bad shape '\(shapeText[...close])'") }
            shape.append(dimension)
        }
        return (descr, fortran, shape)
    }
}

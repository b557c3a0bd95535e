import FluoCore
import Foundation

/// NumPy `.npz` archives: a ZIP file of `.npy` arrays named `<key>.npy` (`np.savez`, stored,
/// and `np.savez_compressed`, deflated; ZIP64 for entries over 4 GiB), through ZIPFoundation.
public enum NPZFile {
    /// Every array in the archive, by key (the entry name without `.npy`).
    public static func read(_ path: String) throws -> [String: NumpyArray] {
        let files: [(name: String, data: Data)]
        do {
            files = try ZipReader.files(path) { $0.hasSuffix(".npy") }
        } catch let error as DataIOError {
            switch error {
            case let .cannotOpen(_, reason), let .corrupt(_, reason): throw NPZError.unreadable(path, reason)
            default: throw error
            }
        }
        var arrays: [String: NumpyArray] = [:]
        for (name, data) in files {
            let key = String(name.dropLast(4))
            do {
                arrays[key] = try NPYFormat.decode(data, name: key)
            } catch let NPZError.badArray(name, reason) {
                throw NPZError.unreadable(path, "array '\(name)': \(reason)")
            }
        }
        return arrays
    }

    /// Writes `arrays` (in order) as an uncompressed archive, atomically (temporary name, then rename).
    public static func write(_ arrays: [(key: String, array: NumpyArray)], to path: String) throws {
        try ZipWriter.write(arrays.map { key, array in
            ZipWriter.Entry(name: key + ".npy", parts: [NPYFormat.header(for: array), NPYFormat.body(for: array)])
        }, to: path)
    }
}

/// Training pairs in CSBDeep's `.npz` layout (`csbdeep.io.save_training_data` /
/// `load_training_data`): `X` and `Y` float32 of shape (S, C, …spatial) and `axes`, a 0-d
/// unicode array such as `SCYX` or `SCZYX`.
public struct TrainingPairsFile: Equatable, Sendable {
    /// (S, C, [Z,] Y, X) inputs.
    public var x: NumpyArray
    /// (S, C, [Z,] Y, X) targets.
    public var y: NumpyArray
    public var axes: String

    public init(x: NumpyArray, y: NumpyArray, axes: String) {
        (self.x, self.y, self.axes) = (x, y, axes)
    }

    /// Reads and checks the layout: `X`, `Y`, `axes` present, axes `S` then `C` then spatial
    /// axes from `ZYX` (the order CSBDeep writes), one letter per dimension, equal shapes.
    public static func read(_ path: String) throws -> TrainingPairsFile {
        let arrays = try NPZFile.read(path)
        guard let x = arrays["X"], let y = arrays["Y"] else {
            throw NPZError.layout(path, "expected arrays X and Y (CSBDeep training data), found \(arrays.keys.sorted().joined(separator: ", "))")
        }
        guard let axes = arrays["axes"]?.text?.uppercased() else {
            throw NPZError.layout(path, "expected a text array 'axes' such as SCYX or SCZYX")
        }
        guard axes == "SCYX" || axes == "SCZYX" else {
            throw NPZError.layout(path, "axes '\(axes)' not supported: expected SCYX or SCZYX (sample, channel, then image axes)")
        }
        guard x.shape.count == axes.count, y.shape.count == axes.count else {
            throw NPZError.layout(path, "axes '\(axes)' do not match the shapes X \(x.shape) and Y \(y.shape)")
        }
        guard x.shape[0] == y.shape[0], Array(x.shape[2...]) == Array(y.shape[2...]) else {
            throw NPZError.layout(path, "X \(x.shape) and Y \(y.shape) differ in sample count or image size")
        }
        return TrainingPairsFile(x: x, y: y, axes: axes)
    }

    /// Writes the file exactly as `csbdeep.io.save_training_data`: uncompressed `X`, `Y`, `axes`.
    public func write(to path: String) throws {
        try NPZFile.write([("X", x), ("Y", y), ("axes", NumpyArray(text: axes))], to: path)
    }
}

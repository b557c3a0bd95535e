import DataIO
import Foundation
import Testing
import TestSupport

@Suite struct NPZTests {
    let folder = TestPaths.temporaryDirectory("npz")

    func sample(_ shape: [Int], seed: Float) -> NumpyArray {
        NumpyArray(shape: shape, values: (0..<shape.reduce(1, *)).map { Float($0) * 0.5 + seed })
    }

    /// Write → read in Swift gives the same arrays; the header is padded to 64 bytes.
    @Test func roundTripInSwift() throws {
        let path = folder + "/pairs.npz"
        let file = TrainingPairsFile(x: sample([2, 1, 8, 6], seed: 1), y: sample([2, 1, 8, 6], seed: -3), axes: "SCYX")
        try file.write(to: path)
        let back = try TrainingPairsFile.read(path)
        #expect(back.x.values == file.x.values && back.y.values == file.y.values)
        #expect(back.x.shape == [2, 1, 8, 6] && back.axes == "SCYX" && back.x.descr == "<f4")
        // No temporary file left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["pairs.npz"])
    }

    /// numpy and `csbdeep.io.load_training_data` read what we write (X, Y float32, axes a
    /// 0-d unicode array), with the values intact.
    @Test(.enabled(if: PythonReference.isAvailable)) func readByNumpyAndCSBDeep() throws {
        let path = folder + "/csbdeep.npz"
        let x = sample([4, 1, 6, 10], seed: 0.125), y = sample([4, 1, 6, 10], seed: 2)
        try TrainingPairsFile(x: x, y: y, axes: "SCYX").write(to: path)
        let output = try PythonReference.run("npz_roundtrip.py", ["check", path])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["keys"] as? [String] == ["X", "Y", "axes"])
        #expect(json["x_dtype"] as? String == "float32" && json["y_dtype"] as? String == "float32")
        #expect(json["axes_dtype"] as? String == "<U4" && json["axes_ndim"] as? Int == 0 && json["axes"] as? String == "SCYX")
        #expect(json["x_shape"] as? [Int] == [4, 1, 6, 10])
        let expectedSum = x.values.reduce(0.0) { $0 + Double($1) }
        let expectedWeighted = x.values.enumerated().reduce(0.0) { $0 + Double($1.element) * Double($1.offset) }
        #expect(abs((json["x_sum"] as? Double ?? 0) - expectedSum) < 1e-6 * expectedSum)
        #expect(abs((json["x_weighted"] as? Double ?? 0) - expectedWeighted) < 1e-6 * expectedWeighted)
        #expect(abs((json["y_sum"] as? Double ?? 0) - y.values.reduce(0.0) { $0 + Double($1) }) < 1e-3)
        // CSBDeep moves channels last and splits off the last quarter for validation.
        #expect(json["csbdeep_axes"] as? String == "SYXC")
        #expect(json["csbdeep_train_shape"] as? [Int] == [3, 6, 10, 1] && json["csbdeep_validation_shape"] as? [Int] == [1, 6, 10, 1])
    }

    /// A `np.savez_compressed` (deflate) file with float32 X, uint16 Y and 3-D axes reads back
    /// with the values numpy wrote.
    @Test(.enabled(if: PythonReference.isAvailable)) func readsCompressedNumpyFiles() throws {
        let path = folder + "/compressed.npz"
        try PythonReference.run("npz_roundtrip.py", ["write", path])
        let file = try TrainingPairsFile.read(path)
        #expect(file.axes == "SCZYX" && file.x.shape == [3, 1, 4, 6, 5] && file.y.descr == "<u2")
        let n = file.x.count
        let expectedX: [Float] = (0..<n).map { Float($0) * 0.25 - 7 }
        let expectedY: [Float] = (0..<n).map { (i: Int) -> Float in Float(i % 65_536 * 3 % 65_536) }
        #expect(file.x.values == expectedX)
        #expect(file.y.values == expectedY)
    }

    /// Damaged or wrong files fail with a message naming the file and the problem.
    @Test func clearErrors() throws {
        let garbage = folder + "/garbage.npz"
        try Data("not a zip".utf8).write(to: URL(fileURLWithPath: garbage))
        #expect { try TrainingPairsFile.read(garbage) } throws: { "\($0)".contains("garbage.npz") && "\($0)".contains("not a ZIP") }
        let missing = folder + "/nothing.npz"
        #expect { try TrainingPairsFile.read(missing) } throws: { "\($0)".contains("nothing.npz: not a readable .npz file: no such file") }
        let noAxes = folder + "/noaxes.npz"
        try NPZFile.write([("X", sample([1, 1, 4, 4], seed: 0)), ("Y", sample([1, 1, 4, 4], seed: 0))], to: noAxes)
        #expect { try TrainingPairsFile.read(noAxes) } throws: { "\($0)".contains("noaxes.npz") && "\($0)".contains("'axes'") }
        let mismatch = folder + "/mismatch.npz"
        try TrainingPairsFile(x: sample([2, 1, 4, 4], seed: 0), y: sample([2, 1, 4, 8], seed: 0), axes: "SCYX").write(to: mismatch)
        #expect { try TrainingPairsFile.read(mismatch) } throws: { "\($0)".contains("differ") }
    }
}

import FluoCore
import Testing

@Suite("Volume")
struct VolumeTests {
    @Test func indexingIsRowMajorZYX() {
        var v = Volume(shape: [2, 3, 4], spacingUm: [0.5, 0.1, 0.1])
        v[1, 2, 3] = 7
        #expect(v.data[(1 * 3 + 2) * 4 + 3] == 7)
        #expect(v.argmax() == [1, 2, 3])
        #expect(v.unravel(v.flatIndex([1, 0, 2])) == [1, 0, 2])
        #expect(v.strides == [12, 4, 1])
    }

    @Test func planesAndStacksRoundTrip() {
        let data = (0..<24).map(Float.init)
        let v = Volume(shape: [2, 3, 4], spacingUm: [0.5, 0.1, 0.2], data: data)
        let planes = [v.plane(0), v.plane(1)]
        #expect(planes[1].shape == [3, 4] && planes[1].spacingUm == [0.1, 0.2])
        #expect(Volume.stack(planes, spacingUm: 0.5) == v)
        #expect(v.sum() == Double(data.reduce(0, +)))
        #expect(v.extrema().max == 23)
    }

    /// The vectorised extrema against a scan with Swift.min and max, for lengths around vector
    /// widths, with the extremes at the start and in the tail, and a NaN that neither takes.
    @Test func extremaMatchAScan() {
        var rng = RandomStream(seed: 4)
        for count in [1, 15, 16, 17, 100, 1031] {
            var data = (0..<count).map { _ in Float(rng.uniform(-5, 5)) }
            if count > 20 { data[count - 2] = 9; data[3] = -9; data[10] = .nan }
            let v = Volume(shape: [count], data: data)
            let (low, high) = v.extrema()
            #expect(low == data.reduce(Float.infinity, Swift.min) && high == data.reduce(-Float.infinity, Swift.max), "\(count) values")
        }
    }
}

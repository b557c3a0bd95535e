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
}

import FluoCore
import Foundation
import Testing

@Suite("FFT plans")
struct RealFFTTests {
    @Test(arguments: [[64], [30, 42], [6, 10, 14]])
    func roundTripScalesByCountAndParsevalHolds(shape: [Int]) {
        let fft = RealFFT.plan(shape: shape)
        let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
        var rng = RandomStream(seed: 11)
        let input = (0..<fft.realCount).map { _ in Float(rng.normal()) }
        _ = real.buffer.update(fromContentsOf: input)
        fft.forward(real.pointer, spectrum.pointer)

        // Parseval over the half spectrum: interior columns of the last axis count twice.
        let n = shape.last!, half = n / 2 + 1
        var energy = 0.0
        for c in 0..<fft.complexCount {
            let column = c % half
            let weight = (column == 0 || (n % 2 == 0 && column == n / 2)) ? 1.0 : 2.0
            energy += weight * Double(spectrum.pointer[2 * c] * spectrum.pointer[2 * c] + spectrum.pointer[2 * c + 1] * spectrum.pointer[2 * c + 1])
        }
        let direct = input.reduce(0.0) { $0 + Double($1 * $1) }
        #expect(abs(energy / Double(fft.realCount) / direct - 1) < 1e-5)

        fft.inverse(spectrum.pointer, real.pointer)
        let worst = zip(input, real.buffer).map { abs(Double($1) / Double(fft.realCount) - Double($0)) }.max()!
        #expect(worst < 1e-5)
    }

    @Test func plansAreCachedAndFastLengthsAreSmooth() {
        #expect(RealFFT.plan(shape: [8, 8]) === RealFFT.plan(shape: [8, 8]))
        #expect(RealFFT.fastLength(atLeast: 127) == 128)
        #expect(RealFFT.fastLength(atLeast: 191) == 192)
        #expect(RealFFT.fastLength(atLeast: 11) == 12)
        #expect(RealFFT.fastLength(atLeast: 63) == 64)
        #expect(RealFFT.fastLength(atLeast: 175) == 180)
    }

    @Test func planningFromManyThreadsIsSafe() {
        Parallel.forEach(32, threads: 8) { i in
            let fft = RealFFT.plan(shape: [16 + i, 9])
            let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
            real.pointer[0] = 1
            fft.forward(real.pointer, spectrum.pointer)
            precondition(abs(spectrum.pointer[0] - 1) < 1e-6)
        }
    }
}

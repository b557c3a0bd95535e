import ArgumentParser
import Foundation
import Workflows

/// PSF convolution against the bare FFTW forward + inverse transform of the same shape
/// (the practical limit of any FFT convolution), measured in the same run.
struct ConvolutionBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convolution",
        abstract: "FFT convolution (3-D 64×256×256, 2-D 1024×1024, batch of 256 128×128) vs bare FFTW."
    )

    @Option(help: "Timed runs per case (the median is reported).")
    var runs: Int = 7

    @Option(help: "Threads (FFTW threads for single images; images in parallel for the batch).")
    var threads: Int = Parallel.availableCores

    @Flag(help: "Plan with FFTW_MEASURE instead of FFTW_ESTIMATE.")
    var measure = false

    func run() throws {
        print("machine: \(Measure.machine); threads \(threads); FFTW \(measure ? "MEASURE" : "ESTIMATE")")
        print("| case | boundary | transform shape | convolution | bare FFTW fwd+inv | ratio |")
        print("|---|---|---|---|---|---|")
        let rigor: RealFFT.Rigor = measure ? .measure : .estimate
        let psf3 = try BornWolfPSF(na: 1.2, wavelengthUm: 0.52, immersionIndex: 1.333)
            .render(on: PSFGrid(shape: [33, 65, 65], spacingUm: [0.2, 0.1, 0.1]), threads: threads)
        let psf2 = psf3.plane(16)
        for boundary in FFTConvolver.Boundary.allCases {
            try single(name: "3-D 64×256×256, PSF 33×65×65", shape: [64, 256, 256], psf: psf3, boundary: boundary, rigor: rigor)
            try single(name: "2-D 1024×1024, PSF 65×65", shape: [1024, 1024], psf: psf2, boundary: boundary, rigor: rigor)
            try batch(count: 256, shape: [128, 128], psf: psf2, boundary: boundary, rigor: rigor)
        }
    }

    private func random(_ shape: [Int], spacing: [Double], seed: UInt64) -> Volume {
        var rng = RandomStream(seed: seed)
        return Volume(shape: shape, spacingUm: spacing, data: (0..<shape.reduce(1, *)).map { _ in Float(rng.uniform()) })
    }

    private func single(name: String, shape: [Int], psf: Volume, boundary: FFTConvolver.Boundary, rigor: RealFFT.Rigor) throws {
        let image = random(shape, spacing: psf.spacingUm, seed: 1)
        let convolver = try FFTConvolver(kernel: psf, imageShape: shape, boundary: boundary, threads: threads, rigor: rigor)
        let convolution = Measure.median(runs: runs) { _ = convolver.apply(image) }
        let fft = RealFFT.plan(shape: convolver.transformShape, threads: threads, rigor: rigor)
        let real = FFTBuffer(floats: fft.realCount), spectrum = fft.makeBuffer()
        let bare = Measure.median(runs: runs) {
            fft.forward(real.pointer, spectrum.pointer)
            fft.inverse(spectrum.pointer, real.pointer)
        }
        report(name, boundary, convolver.transformShape, convolution, bare)
    }

    private func batch(count: Int, shape: [Int], psf: Volume, boundary: FFTConvolver.Boundary, rigor: RealFFT.Rigor) throws {
        let images = (0..<count).map { random(shape, spacing: psf.spacingUm, seed: UInt64($0)) }
        let convolver = try FFTConvolver(kernel: psf, imageShape: shape, boundary: boundary, threads: 1, rigor: rigor)
        let workspaces = (0..<threads).map { _ in convolver.makeWorkspace() }
        var outputs = [[Float]](repeating: [Float](repeating: 0, count: shape.reduce(1, *)), count: count)
        let convolution = Measure.median(runs: runs) {
            outputs.withUnsafeMutableBufferPointer { outs in
                nonisolated(unsafe) let outs = outs
                Parallel.forEach(threads, threads: threads) { worker in
                    for i in stride(from: worker, to: count, by: threads) {
                        images[i].data.withUnsafeBufferPointer { input in
                            outs[i].withUnsafeMutableBufferPointer { output in
                                convolver.apply(input, into: output, workspace: workspaces[worker])
                            }
                        }
                    }
                }
            }
        }
        let fft = RealFFT.plan(shape: convolver.transformShape, threads: 1, rigor: rigor)
        let buffers = (0..<threads).map { _ in (FFTBuffer(floats: fft.realCount), fft.makeBuffer()) }
        let bare = Measure.median(runs: runs) {
            Parallel.forEach(threads, threads: threads) { worker in
                for _ in stride(from: worker, to: count, by: threads) {
                    fft.forward(buffers[worker].0.pointer, buffers[worker].1.pointer)
                    fft.inverse(buffers[worker].1.pointer, buffers[worker].0.pointer)
                }
            }
        }
        report("batch of \(count) 2-D 128×128, PSF 65×65", boundary, convolver.transformShape, convolution, bare)
    }

    private func report(_ name: String, _ boundary: FFTConvolver.Boundary, _ shape: [Int], _ convolution: Double, _ bare: Double) {
        print("| \(name) | \(boundary.rawValue) | \(shape.map(String.init).joined(separator: "×")) | \(Measure.format(convolution)) | \(Measure.format(bare)) | \(String(format: "%.2f", convolution / bare)) |")
    }
}

import FluoCore
import Foundation

/// Convolution of images of one shape with one kernel by FFT (FFTW real-to-complex).
///
///     out[i] = Σₖ image[i − (k − c)] · kernel[k],    c = kernel.shape / 2 (per axis),
///
/// i.e. the kernel's sample at index n/2 is its origin, the convention of every PSF here,
/// so a centred PSF blurs without shifting. The kernel's spectrum (scaled by 1/N, the
/// inverse transform's missing factor) is computed once; each `apply` costs one forward and
/// one inverse transform plus a pointwise product.
///
/// - `.zero`: the image is zero outside its field of view; the transform is padded so that
///   nothing wraps around into the field (`zeroBoundaryLength`). Light blurred out of the
///   field is lost, as on a camera.
/// - `.periodic`: the image repeats; the kernel is folded onto the image grid (periodic
///   summation) and no padding is used. Total intensity is conserved exactly.
public final class FFTConvolver: @unchecked Sendable {
    /// What lies outside the image.
    public enum Boundary: String, Sendable, Codable, CaseIterable {
        case zero
        case periodic
    }

    /// Shape of the images this convolver accepts.
    public let imageShape: [Int]
    /// Shape of the transforms (padded for `.zero`).
    public let transformShape: [Int]
    public let boundary: Boundary
    /// Threads for the pointwise work (copies and the spectral product).
    public let threads: Int
    private let fft: RealFFT
    private let kernelSpectrum: FFTBuffer
    private let rows: RowLayout
    private let pool = WorkspacePool()

    /// Prepares the convolution of `imageShape` images with `kernel` (same rank).
    /// `threads` is FFTW's thread count per transform; `rigor` its planning effort.
    public init(kernel: Volume, imageShape: [Int], boundary: Boundary = .zero, threads: Int = 1,
                rigor: RealFFT.Rigor = .estimate) throws {
        guard kernel.rank == imageShape.count else {
            throw ImagingError.mismatch("a \(kernel.rank)-D kernel \(kernel.shape) cannot convolve a \(imageShape.count)-D image \(imageShape)")
        }
        self.imageShape = imageShape
        self.boundary = boundary
        self.threads = Swift.max(1, threads)
        switch boundary {
        case .zero:
            transformShape = zip(imageShape, kernel.shape).map { FFTConvolver.zeroBoundaryLength(image: $0, kernel: $1) }
        case .periodic:
            transformShape = imageShape
        }
        fft = RealFFT.plan(shape: transformShape, threads: threads, rigor: rigor)
        rows = RowLayout(imageShape: imageShape, transformShape: transformShape)

        // Place the kernel with its origin (n/2) at index 0, wrapping (and, when the kernel
        // is larger than a periodic grid, summing) onto the transform grid.
        let work = fft.makeBuffer()
        let kernelStrides = kernel.strides, gridStrides = Volume.strides(of: transformShape)
        let rank = kernel.rank
        for flat in 0..<kernel.count {
            var target = 0
            for axis in 0..<rank {
                let index = (flat / kernelStrides[axis]) % kernel.shape[axis]
                let shifted = index - kernel.shape[axis] / 2
                let n = transformShape[axis]
                target += (((shifted % n) + n) % n) * gridStrides[axis]
            }
            work.pointer[target] += kernel.data[flat]
        }
        kernelSpectrum = fft.makeBuffer()
        fft.forward(work.pointer, kernelSpectrum.pointer)
        let norm = 1 / Float(fft.realCount)
        for i in 0..<(2 * fft.complexCount) { kernelSpectrum.pointer[i] *= norm }
    }

    /// The transform length along an axis of `image` samples for a kernel of `kernel` samples
    /// with its origin at c = kernel/2: the 2·3·5-smooth length ≥ max(kernel, image + max(c,
    /// kernel − 1 − c)).
    ///
    /// Only the field's outputs are kept, so the padding need not hold the whole linear
    /// convolution (image + kernel − 1): one guard band as wide as the kernel's longer arm
    /// keeps the light spreading off either edge from wrapping into the field, and a grid at
    /// least as long as the kernel keeps the kernel from folding onto itself. For a PSF as
    /// long as a 3-D stack's double depth this is 2·image − 1 samples instead of 3·image − 2.
    static func zeroBoundaryLength(image: Int, kernel: Int) -> Int {
        let origin = kernel / 2
        return RealFFT.fastLength(atLeast: Swift.max(kernel, image + Swift.max(origin, kernel - 1 - origin)))
    }

    /// Convenience: the convolution of one volume (kept at its spacing).
    public func apply(_ image: Volume) -> Volume {
        precondition(image.shape == imageShape, "FFTConvolver made for \(imageShape), given \(image.shape)")
        var output = Volume(shape: image.shape, spacingUm: image.spacingUm)
        let workspace = pool.take() ?? makeWorkspace()
        image.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                apply(input, into: out, workspace: workspace)
            }
        }
        pool.give(workspace)
        return output
    }

    /// Scratch memory for one convolution at a time: the padded image and its spectrum.
    public final class Workspace: @unchecked Sendable {
        let real: FFTBuffer
        let spectrum: FFTBuffer
        init(_ fft: RealFFT) {
            real = FFTBuffer(floats: fft.realCount)
            spectrum = fft.makeBuffer()
        }
    }

    /// A workspace for `apply(_:into:workspace:)`; one per thread.
    public func makeWorkspace() -> Workspace { Workspace(fft) }

    /// Convolves `input` (row-major, `imageShape`) into `output`, using `workspace` (from
    /// `makeWorkspace()`) for the transform. Safe to call from several threads at once, each
    /// with its own workspace. The pointwise work runs on the convolver's `threads`.
    public func apply(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                      workspace: Workspace) {
        let real = workspace.real.pointer, spectrum = workspace.spectrum.pointer
        rows.copyIn(input.baseAddress!, to: real, threads: threads)
        fft.forward(real, spectrum)
        multiplySpectrum(spectrum)
        fft.inverse(spectrum, real)
        rows.copyOut(real, to: output.baseAddress!, threads: threads)
    }

    /// spectrum ← spectrum · kernel spectrum (complex, elementwise).
    private func multiplySpectrum(_ spectrum: UnsafeMutablePointer<Float>) {
        let count = fft.complexCount
        guard threads > 1 && count > 8192 else {
            return FFTConvolver.multiply(spectrum, by: kernelSpectrum.pointer, entries: 0..<count)
        }
        nonisolated(unsafe) let s = spectrum
        nonisolated(unsafe) let k = kernelSpectrum.pointer
        let chunks = Parallel.chunks(count, size: count / threads + 1)
        Parallel.forEach(chunks.count, threads: threads) { FFTConvolver.multiply(s, by: k, entries: chunks[$0]) }
    }

    /// s ← s · k for the complex entries `entries` of interleaved (re, im) arrays, four at a time.
    static func multiply(_ s: UnsafeMutablePointer<Float>, by k: UnsafePointer<Float>, entries: Range<Int>) {
        let a = UnsafeMutableRawPointer(s), b = UnsafeRawPointer(k)
        var c = entries.lowerBound
        while c + 4 <= entries.upperBound {
            let x = a.loadUnaligned(fromByteOffset: 8 * c, as: SIMD8<Float>.self)
            let y = b.loadUnaligned(fromByteOffset: 8 * c, as: SIMD8<Float>.self)
            var product = SIMD8<Float>()
            product.evenHalf = x.evenHalf * y.evenHalf - x.oddHalf * y.oddHalf
            product.oddHalf = x.evenHalf * y.oddHalf + x.oddHalf * y.evenHalf
            a.storeBytes(of: product, toByteOffset: 8 * c, as: SIMD8<Float>.self)
            c += 4
        }
        while c < entries.upperBound {
            let re = s[2 * c], im = s[2 * c + 1], kr = k[2 * c], ki = k[2 * c + 1]
            s[2 * c] = re * kr - im * ki
            s[2 * c + 1] = re * ki + im * kr
            c += 1
        }
    }
}

/// The row correspondence between an image and its (padded) transform grid: image rows are
/// copied to the start of the matching transform rows, everything else is zero.
struct RowLayout: Sendable {
    let imageShape: [Int]
    let transformShape: [Int]

    private var rowLength: Int { imageShape[imageShape.count - 1] }
    private var transformRowLength: Int { transformShape[transformShape.count - 1] }
    private var transformRows: Int { transformShape.dropLast().reduce(1, *) }

    /// The image row stored in transform row `row`, or `nil` for a padding row.
    private func imageRow(_ row: Int) -> Int? {
        var rest = row, imageIndex = 0, step = 1
        for axis in stride(from: transformShape.count - 2, through: 0, by: -1) {
            let index = rest % transformShape[axis]
            rest /= transformShape[axis]
            if index >= imageShape[axis] { return nil }
            imageIndex += index * step
            step *= imageShape[axis]
        }
        return imageIndex
    }

    private func forRowBlocks(threads: Int, _ body: @Sendable (Range<Int>) -> Void) {
        guard threads > 1 && transformRows > 256 else { return body(0..<transformRows) }
        let blocks = Parallel.chunks(transformRows, size: Swift.max(64, transformRows / Swift.max(1, threads) + 1))
        Parallel.forEach(blocks.count, threads: threads) { body(blocks[$0]) }
    }

    /// Writes every transform sample: image rows (zero-padded at their end) or zeros.
    func copyIn(_ image: UnsafePointer<Float>, to transform: UnsafeMutablePointer<Float>, threads: Int) {
        nonisolated(unsafe) let image = image, transform = transform
        forRowBlocks(threads: threads) { block in
            for row in block {
                let target = transform + row * transformRowLength
                if let source = imageRow(row) {
                    target.update(from: image + source * rowLength, count: rowLength)
                    (target + rowLength).update(repeating: 0, count: transformRowLength - rowLength)
                } else {
                    target.update(repeating: 0, count: transformRowLength)
                }
            }
        }
    }

    /// Copies the image's rows back out of the transform grid.
    func copyOut(_ transform: UnsafePointer<Float>, to image: UnsafeMutablePointer<Float>, threads: Int) {
        nonisolated(unsafe) let image = image, transform = transform
        forRowBlocks(threads: threads) { block in
            for row in block {
                if let target = imageRow(row) {
                    (image + target * rowLength).update(from: transform + row * transformRowLength, count: rowLength)
                }
            }
        }
    }
}

/// Idle workspaces kept for reuse by `FFTConvolver.apply(_:)`.
final class WorkspacePool: @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [FFTConvolver.Workspace] = []

    func take() -> FFTConvolver.Workspace? {
        lock.lock()
        defer { lock.unlock() }
        return idle.popLast()
    }

    func give(_ workspace: FFTConvolver.Workspace) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(workspace)
    }
}

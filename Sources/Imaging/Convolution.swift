import FluoCore

/// Convolution of images of one shape with one kernel by FFT (FFTW real-to-complex).
///
///     out[i] = Σₖ image[i − (k − c)] · kernel[k],    c = kernel.shape / 2 (per axis),
///
/// i.e. the kernel's sample at index n/2 is its origin, the convention of every PSF here,
/// so a centred PSF blurs without shifting. The kernel's spectrum (scaled by 1/N, the
/// inverse transform's missing factor) is computed once; each `apply` costs one forward and
/// one inverse transform plus a pointwise product.
///
/// - `.zero`: the image is zero outside its field of view; the transform is padded to at
///   least image + kernel − 1 samples per axis (rounded up to a 2·3·5·7-smooth length) so
///   nothing wraps around. Light blurred out of the field is lost, as on a camera.
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
    private let fft: RealFFT
    private let kernelSpectrum: FFTBuffer

    /// Prepares the convolution of `imageShape` images with `kernel` (same rank).
    /// `threads` is FFTW's thread count per transform.
    public init(kernel: Volume, imageShape: [Int], boundary: Boundary = .zero, threads: Int = 1) throws {
        guard kernel.rank == imageShape.count else {
            throw ImagingError.mismatch("a \(kernel.rank)-D kernel \(kernel.shape) cannot convolve a \(imageShape.count)-D image \(imageShape)")
        }
        self.imageShape = imageShape
        self.boundary = boundary
        switch boundary {
        case .zero:
            transformShape = zip(imageShape, kernel.shape).map { RealFFT.fastLength(atLeast: $0 + $1 - 1) }
        case .periodic:
            transformShape = imageShape
        }
        fft = RealFFT.plan(shape: transformShape, threads: threads)

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

    /// Convenience: the convolution of one volume (kept at its spacing).
    public func apply(_ image: Volume) -> Volume {
        precondition(image.shape == imageShape, "FFTConvolver made for \(imageShape), given \(image.shape)")
        var output = Volume(shape: image.shape, spacingUm: image.spacingUm)
        let workspace = makeWorkspace()
        image.data.withUnsafeBufferPointer { input in
            output.data.withUnsafeMutableBufferPointer { out in
                apply(input, into: out, workspace: workspace)
            }
        }
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
    /// with its own workspace.
    public func apply(_ input: UnsafeBufferPointer<Float>, into output: UnsafeMutableBufferPointer<Float>,
                      workspace: Workspace) {
        let real = workspace.real.pointer
        let padded = transformShape != imageShape
        if padded { real.update(repeating: 0, count: fft.realCount) }
        copyRows(from: input.baseAddress!, shape: imageShape, to: real, shape: transformShape)

        let s = workspace.spectrum.pointer, k = kernelSpectrum.pointer
        fft.forward(real, s)
        for c in 0..<fft.complexCount {
            let re = s[2 * c], im = s[2 * c + 1]
            let kr = k[2 * c], ki = k[2 * c + 1]
            s[2 * c] = re * kr - im * ki
            s[2 * c + 1] = re * ki + im * kr
        }
        fft.inverse(s, real)
        copyRows(from: real, shape: transformShape, to: output.baseAddress!, shape: imageShape)
    }
}

/// Copies the overlapping corner (from index 0) of two row-major arrays of equal rank, row by row.
func copyRows(from source: UnsafePointer<Float>, shape sourceShape: [Int],
              to destination: UnsafeMutablePointer<Float>, shape destinationShape: [Int]) {
    let rank = sourceShape.count
    let common = zip(sourceShape, destinationShape).map { Swift.min($0, $1) }
    let rowLength = common[rank - 1]
    let rows = common.dropLast().reduce(1, *)
    let sourceStrides = Volume.strides(of: sourceShape), destinationStrides = Volume.strides(of: destinationShape)
    for row in 0..<rows {
        var rest = row, sourceOffset = 0, destinationOffset = 0
        for axis in stride(from: rank - 2, through: 0, by: -1) {
            let index = rest % common[axis]
            rest /= common[axis]
            sourceOffset += index * sourceStrides[axis]
            destinationOffset += index * destinationStrides[axis]
        }
        (destination + destinationOffset).update(from: source + sourceOffset, count: rowLength)
    }
}

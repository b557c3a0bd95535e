import DataIO
import FluoCore
import Foundation
import Imaging

/// PSFs, convolvers and cameras shared between samples: they depend only on parameters,
/// and rendering a PSF or transforming it costs far more than using it. Keys are the
/// parameters' canonical JSON, so samples with the same (drawn) optics share one stage.
final class ImagingCache: @unchecked Sendable {
    private let lock = NSLock()
    private var convolutions: [String: ConvolutionStage] = [:]
    private var cameras: [String: Camera] = [:]
    private var defocused: [String: [ConvolutionStage]] = [:]
    private let folder: String
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// `folder` resolves relative paths (PSF files, sCMOS maps).
    init(folder: String) { self.folder = folder }

    private func key<T: Encodable>(_ value: T, _ extra: String) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self) + extra
    }

    /// The convolution with `optics` for images of `shape` and `spacingUm`.
    func convolution(_ optics: PSFModel, shape: [Int], spacingUm: [Double], boundary: FFTConvolver.Boundary) throws -> ConvolutionStage {
        let key = try key(optics, "\(shape)\(spacingUm)\(boundary)")
        lock.lock()
        if let stage = convolutions[key] {
            lock.unlock()
            return stage
        }
        lock.unlock()
        // Rendered outside the lock (it is slow); a rare duplicate render is harmless.
        let psf = try PSFFactory.render(optics, forImageShape: shape, spacingUm: spacingUm, relativeTo: folder, threads: 1)
        let stage = ConvolutionStage(psf: psf, boundary: boundary)
        lock.lock()
        defer { lock.unlock() }
        if let existing = convolutions[key] { return existing }
        if convolutions.count >= 64 { convolutions.removeAll() }
        convolutions[key] = stage
        return stage
    }

    /// One convolution per out-of-focus layer of `outOfFocus` (`OutOfFocus.defocusedSlices`)
    /// for 2-D images of `spacingUm`.
    func defocusedConvolutions(_ optics: PSFModel, _ outOfFocus: OutOfFocus, spacingUm: [Double],
                               boundary: FFTConvolver.Boundary) throws -> [ConvolutionStage] {
        let key = try key(optics, "\(try self.key(outOfFocus, ""))\(spacingUm)\(boundary)")
        lock.lock()
        if let stages = defocused[key] {
            lock.unlock()
            return stages
        }
        lock.unlock()
        let stages = try OutOfFocusLayers.convolutions(optics, outOfFocus, spacingUm: spacingUm, boundary: boundary, relativeTo: folder)
        lock.lock()
        defer { lock.unlock() }
        if let existing = defocused[key] { return existing }
        if defocused.count >= 16 { defocused.removeAll() }
        defocused[key] = stages
        return stages
    }

    /// The camera of `acquisition` for ground truth of `shape`.
    func camera(_ acquisition: Acquisition, groundTruthShape shape: [Int]) throws -> Camera? {
        guard let parameters = acquisition.camera else { return nil }
        let key = try key(parameters, "\(acquisition.outputShape(for: shape))")
        lock.lock()
        if let camera = cameras[key] {
            lock.unlock()
            return camera
        }
        lock.unlock()
        guard let camera = try acquisition.makeCamera(groundTruthShape: shape, loadMap: { path in
            try TIFFReader.read(PSFFactory.resolve(path, relativeTo: folder)).volume()
        }) else { return nil }
        lock.lock()
        defer { lock.unlock() }
        if let existing = cameras[key] { return existing }
        if cameras.count >= 64 { cameras.removeAll() }
        cameras[key] = camera
        return camera
    }
}

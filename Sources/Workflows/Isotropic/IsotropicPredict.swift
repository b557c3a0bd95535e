import DataIO
import FluoCore
import Foundation
import Imaging
import Training

/// How the two restored views are combined.
public enum ViewCombination: String, Codable, CaseIterable, Sendable {
    /// √(max(a, 0)·max(b, 0)), CSBDeep's choice (`IsotropicCARE.predict`): a structure must be
    /// present in both views, so an artefact of one view is suppressed.
    case geometric
    /// (a + b)/2: keeps faint structures either view restores, and averages noise.
    case arithmetic

    func combine(_ a: Float, _ b: Float) -> Float {
        switch self {
        case .geometric: return (Swift.max(a, 0) * Swift.max(b, 0)).squareRoot()
        case .arithmetic: return (a + b) / 2
        }
    }
}

/// What `fluosynth isotropic predict` was asked to do.
public struct IsotropicPredictRequest: Sendable {
    public var modelDirectory: String
    public var stack: String
    public var output: String
    public var pixelSizeUm: Double?
    public var zStepUm: Double?
    public var combination: ViewCombination = .geometric
    public var tiles: [Int]?
    public var threads: Int = Parallel.availableCores

    public init(modelDirectory: String, stack: String, output: String) {
        self.modelDirectory = modelDirectory
        self.stack = stack
        self.output = output
    }
}

/// `fluosynth isotropic predict`: an anisotropic stack restored to isotropic resolution.
///
/// As CSBDeep's `IsotropicCARE.predict`: the stack (normalised once, per channel, with the
/// model's percentiles) is interpolated along z by σ = z step / pixel size (linear, the same
/// resampling the training inputs went through); every XZ slice and every YZ slice (z along
/// the slice's rows) is restored with the 2-D network; the two views are combined
/// (`ViewCombination`), mapped back to the stack's intensities and written with isotropic
/// spacing.
public enum IsotropicPredict {
    @discardableResult
    public static func run(_ request: IsotropicPredictRequest, log: (String) -> Void) throws -> [Volume] {
        _ = try ImageFile.kind(of: request.output)
        let stack = try AnisotropicStack.read(request.stack, pixelSizeUm: request.pixelSizeUm, zStepUm: request.zStepUm)
        let model = try ModelStore(directory: request.modelDirectory).load()
        guard model.configuration.architecture.dimensions == 2 else {
            throw TrainingError.mismatch(request.modelDirectory, "is a 3-D model; isotropic restoration uses a 2-D model of lateral slices")
        }
        let restored = try restore(stack, model: model, combination: request.combination, tiles: request.tiles, threads: request.threads)
        try ImageFile.write(hyperstack: [restored], to: request.output)
        log(String(format: "wrote %@: %@ at %.4g µm isotropic (σ = %.4g, %@ mean of the XZ and YZ views)",
                   request.output, restored[0].shape.map(String.init).joined(separator: "×"), stack.pixelSizeUm,
                   stack.zStepUm / stack.pixelSizeUm, request.combination.rawValue))
        return restored
    }

    /// The restored stack, one volume per channel, spacing (p, p, p).
    public static func restore(_ stack: AnisotropicStack, model: RestorationModel, combination: ViewCombination,
                               tiles: [Int]? = nil, threads: Int) throws -> [Volume] {
        let factor = stack.zStepUm / stack.pixelSizeUm
        let normalization = model.configuration.normalization
        let ranges = stack.channels.map { normalization.range(of: $0.data) }
        let upsampling = AxisResampling(axis: .z, factor: factor, mode: .point)
        let planes = Int((Double(stack.channels[0].shape[0] - 1) * factor).rounded()) + 1
        let fine = try stack.channels.map { try upsampling.upsample($0, count: planes) }
        let (ny, nx) = (fine[0].shape[1], fine[0].shape[2])
        let predictor = Predictor(model: model, threads: threads)
        let display = ProgressDisplay(total: ny + nx, label: "restore", unit: "slices")
        let spacing = [stack.pixelSizeUm, stack.pixelSizeUm]

        // View 1: XZ slices (rows z, columns x) for every y; view 2: YZ slices for every x.
        var views = [[Volume]](repeating: fine.map { Volume(shape: $0.shape, spacingUm: [stack.pixelSizeUm, stack.pixelSizeUm, stack.pixelSizeUm]) }, count: 2)
        for (view, count) in [(0, ny), (1, nx)] {
            for index in 0..<count {
                let slices = fine.map { volume in
                    Volume(shape: [planes, view == 0 ? nx : ny], spacingUm: spacing, data: (0..<planes).flatMap { z in
                        (0..<(view == 0 ? nx : ny)).map { i in view == 0 ? volume[z, index, i] : volume[z, i, index] }
                    })
                }
                let restored = try predictor.predict(slices, ranges: ranges, tiles: tiles).mean
                for c in restored.indices {
                    for z in 0..<planes {
                        for i in 0..<(view == 0 ? nx : ny) {
                            if view == 0 { views[0][c][z, index, i] = restored[c][z, i] } else { views[1][c][z, i, index] = restored[c][z, i] }
                        }
                    }
                }
                display.advance()
            }
        }
        display.finish()
        return zip(views[0], views[1]).map { xz, yz in
            var combined = xz
            for i in combined.data.indices { combined.data[i] = combination.combine(xz.data[i], yz.data[i]) }
            return combined
        }
    }
}

import FluoCore
import Imaging

/// Where the samples of an image lie in the specimen: along each axis the centre of sample i
/// is at originUm + i·spacingUm (µm). The ground truth's sample i covers [i·d, (i + 1)·d), so
/// its origin is d/2; each subsampling moves the centres as `AxisResampling` places them
/// (slab centres for `.integrate`, the points j·f for `.point`), which lets the page put
/// images of every stage on one physical scale and profiles on one axis.
public struct SampleGrid: Equatable, Sendable {
    public var shape: [Int]
    public var originUm: [Double]
    public var spacingUm: [Double]

    /// The ground truth's grid.
    public init(shape: [Int], spacingUm: [Double]) {
        self.shape = shape
        self.spacingUm = spacingUm
        originUm = spacingUm.map { $0 / 2 }
    }

    /// The grid after `step`: spacing f·d; centres at j·f (`.point`) or at the slab centres
    /// j·f + (f − 1)/2 (`.integrate`) in units of the input's samples.
    public func resampled(by step: AxisResampling) -> SampleGrid {
        guard let axis = step.axis.index(inRank: shape.count) else { return self }
        var grid = self
        grid.shape[axis] = step.outputCount(shape[axis])
        if step.mode == .integrate { grid.originUm[axis] += (step.factor - 1) / 2 * spacingUm[axis] }
        grid.spacingUm[axis] *= step.factor
        return grid
    }

    /// The grid of every image in `model.trace`, the ground truth's first.
    public static func trace(of model: ImagingModel, groundTruth: SampleGrid) -> [SampleGrid] {
        model.stages.reduce(into: [groundTruth]) { grids, stage in
            let last = grids.last!
            grids.append((stage as? SubsamplingStage).map { last.resampled(by: $0.resampling) } ?? last)
        }
    }

    /// Centre of sample `index` along `axis` in µm.
    public func positionUm(_ index: Int, axis: Int) -> Double { originUm[axis] + Double(index) * spacingUm[axis] }

    /// The sample nearest to `positionUm` along `axis` (clamped to the grid).
    public func nearestIndex(_ positionUm: Double, axis: Int) -> Int {
        Swift.min(Swift.max(Int(((positionUm - originUm[axis]) / spacingUm[axis]).rounded()), 0), shape[axis] - 1)
    }

    /// The span the samples cover along `axis`: from the first sample's lower edge, n·d long.
    public func extentUm(axis: Int) -> (start: Double, length: Double) {
        (originUm[axis] - spacingUm[axis] / 2, Double(shape[axis]) * spacingUm[axis])
    }
}

import DatasetSpec
import FluoCore
import Imaging

/// Where the loop's inputs lie against its targets, which every score compares pixel by pixel.
///
/// Either on the targets' grid (`scale` 1), or, for a super-resolution spec (2-D, targets on
/// the ground truth's grid, inputs subsampled by the same whole factor on each axis), on a grid
/// `scale` times coarser. Then only DFCAN restores onto the targets' grid; the raw input and
/// Richardson–Lucy are scored on the input interpolated onto it (each subsampling undone by
/// linear interpolation, as `output.input_on_ground_truth_grid` writes inputs), which is what
/// Richardson–Lucy restores.
struct LoopGrid {
    let acquisition: Acquisition
    /// How many target pixels span one input pixel along each axis.
    let scale: Int
    /// The input grid's pixel size (z, y, x or y, x).
    let inputPixelSizeUm: [Double]

    /// The grid of `spec`'s first condition, checked against the network `arch` before any work.
    init(spec: DatasetSpec, arch: String) throws {
        acquisition = spec.conditions[0].acquisition
        let input = spec.output.inputOnGroundTruthGrid ? spec.shape : acquisition.outputShape(for: spec.shape)
        let target = spec.target.grid == .input ? acquisition.outputShape(for: spec.shape) : spec.shape
        let ratios = Set(zip(target, input).map { $0.0 % $0.1 == 0 ? $0.0 / $0.1 : 0 })
        scale = ratios.count == 1 ? ratios.first! : 0
        inputPixelSizeUm = zip(spec.pixelSizeUm, zip(spec.shape, input)).map { $0.0 * Double($0.1.0) / Double($0.1.1) }
        guard scale != 1 else { return }
        let shapes = "inputs \(input), targets \(target)"
        guard [2, 3].contains(scale), spec.shape.count == 2 else {
            throw WorkflowError.mismatch("the loop needs inputs on the targets' grid, or 2-D targets 2× or 3× finer on both axes (\(shapes)): set target.grid: input or output.input_on_ground_truth_grid: true")
        }
        guard arch == "dfcan" else {
            throw WorkflowError.mismatch("the targets lie on a \(scale)× finer grid than the inputs (\(shapes)): loop.arch \(arch) restores at the input's size; set loop.arch: dfcan, which upsamples, or output.input_on_ground_truth_grid: true")
        }
    }

    /// `input` (on the input grid) on the targets' grid: itself, or interpolated.
    func onTargetGrid(_ input: Volume) throws -> Volume {
        scale == 1 ? input : try acquisition.onGroundTruthGrid(input, groundTruthShape: input.shape.map { $0 * scale })
    }
}

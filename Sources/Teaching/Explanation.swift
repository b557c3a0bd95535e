import DatasetSpec
import FluoCore
import Foundation
import Imaging

/// Everything `fluosynth explain` shows, computed: one sample of a spec through its first
/// condition's imaging model, the optics and camera numbers, the line for profiles, and an
/// optional parameter sweep of the same sample.
public struct Explanation: Sendable {
    /// One value of a sweep: the condition it made and what it recorded.
    public struct SweepPoint: Sendable {
        public var value: Double
        public var trace: AcquisitionTrace
        public var optics: OpticsSummary?
        public var budget: PhotonBudget?
    }

    public let specPath: String
    public let specimen: Specimen
    public let trace: AcquisitionTrace
    public let optics: OpticsSummary?
    /// The camera's budget at the brightest pixel of the image reaching it.
    public let budget: PhotonBudget?
    public let line: ProfileLine
    public let sweep: ParameterSweep?
    public let sweepPoints: [SweepPoint]

    /// Loads the spec at `specPath` and explains sample `sample`, with `sweep` (a
    /// `KEY=V1,V2,…` text) if given.
    public init(specPath: String, sample: Int, sweep: String?, threads: Int = Parallel.availableCores,
                presets: PresetLibrary = .standard()) throws {
        let parsed = try sweep.map(ParameterSweep.init)
        try self.init(spec: SpecLoader.load(specPath, presets: presets), specPath: specPath, sample: sample, sweep: parsed, threads: threads)
    }

    public init(spec: LoadedSpec, specPath: String, sample: Int, sweep: ParameterSweep?, threads: Int) throws {
        self.specPath = specPath
        specimen = try Specimen(spec: spec, index: sample, threads: threads)
        let condition = specimen.dataset.conditions[0]
        trace = try AcquisitionTrace(specimen, condition: condition, threads: threads)
        optics = try Explanation.optics(of: trace, threads: threads)
        budget = Explanation.budget(of: trace)
        line = ProfileLine.choose(groundTruth: specimen.groundTruth, grid: specimen.grid,
                                  widthUm: optics?.report.lateralFWHMUm ?? 2 * specimen.groundTruth.spacingUm.last!)
        self.sweep = sweep
        sweepPoints = try (sweep?.values ?? []).map { [specimen] value in
            let changed = try sweep!.applying(value, to: condition, groundTruthPixelUm: specimen.groundTruth.spacingUm)
            let trace = try AcquisitionTrace(specimen, condition: changed, threads: threads)
            return SweepPoint(value: value, trace: trace, optics: try Explanation.optics(of: trace, threads: threads),
                              budget: Explanation.budget(of: trace))
        }
    }

    static func optics(of trace: AcquisitionTrace, threads: Int) throws -> OpticsSummary? {
        guard let model = trace.condition.optics, let psf = trace.psf else { return nil }
        return try OpticsSummary(model: model, psf: psf, threads: threads)
    }

    static func budget(of trace: AcquisitionTrace) -> PhotonBudget? {
        guard let camera = trace.camera, let input = trace.cameraInput else { return nil }
        let brightest = input.image.flatIndex(input.image.argmax())
        return PhotonBudget(camera: camera, image: input.image, background: trace.backgroundAtCamera, at: brightest)
    }

    /// The mean expected background photons per pixel at the camera (0 without a background).
    public var meanBackgroundPhotons: Double? {
        guard let budget else { return nil }
        return budget.photonsPerUnit * (trace.backgroundAtCamera?.mean() ?? 0)
    }
}

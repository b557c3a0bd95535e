import FluoCore

/// What `fluosynth loop` does after generating a spec's dataset (`loop:` in a spec): the
/// network it trains and the Richardson–Lucy baseline it compares with. Defaults give a
/// run of minutes on a laptop, not a converged model.
public struct LoopSettings: Codable, Equatable, Sendable {
    /// Training steps, and steps between validations.
    public var steps: Int
    public var stepsPerEpoch: Int
    public var batch: Int
    /// Patch size along every image axis.
    public var patch: Int
    /// The network: `care` (CARE's U-Net), `rcan` or `dfcan` (as `fluosynth train --arch`).
    public var arch: String
    /// U-Net depth, first-level filters (RCAN's and DFCAN's channels), kernel size.
    public var depth: Int
    public var filters: Int
    public var kernel: Int
    /// `mae`, `mse`, `laplace` or `mse-ssim`.
    public var loss: String
    public var learningRate: Double
    /// Richardson–Lucy iterations and total-variation weight of the baseline.
    public var richardsonLucyIterations: Int
    public var richardsonLucyTV: Double
    /// Train on pairs rendered while training (`fluosynth train SPEC.yaml`) instead of a
    /// dataset on disk; only the val and test splits are written.
    public var streaming: Bool

    public init(steps: Int = 2000, stepsPerEpoch: Int = 200, batch: Int = 16, patch: Int = 64, arch: String = "care", depth: Int = 2,
                filters: Int = 32, kernel: Int = 3, loss: String = "mae", learningRate: Double = 4e-4,
                richardsonLucyIterations: Int = 20, richardsonLucyTV: Double = 0, streaming: Bool = false) {
        self.steps = steps
        self.stepsPerEpoch = stepsPerEpoch
        self.batch = batch
        self.patch = patch
        self.arch = arch
        self.depth = depth
        self.filters = filters
        self.kernel = kernel
        self.loss = loss
        self.learningRate = learningRate
        self.richardsonLucyIterations = richardsonLucyIterations
        self.richardsonLucyTV = richardsonLucyTV
        self.streaming = streaming
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case steps, batch, patch, arch, depth, filters, kernel, loss, streaming
        case stepsPerEpoch = "steps_per_epoch"
        case learningRate = "learning_rate"
        case richardsonLucyIterations = "rl_iterations"
        case richardsonLucyTV = "rl_tv"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LoopSettings()
        steps = try c.decodeIfPresent(Int.self, forKey: .steps) ?? defaults.steps
        stepsPerEpoch = try c.decodeIfPresent(Int.self, forKey: .stepsPerEpoch) ?? defaults.stepsPerEpoch
        batch = try c.decodeIfPresent(Int.self, forKey: .batch) ?? defaults.batch
        patch = try c.decodeIfPresent(Int.self, forKey: .patch) ?? defaults.patch
        arch = try c.decodeIfPresent(String.self, forKey: .arch) ?? defaults.arch
        depth = try c.decodeIfPresent(Int.self, forKey: .depth) ?? defaults.depth
        filters = try c.decodeIfPresent(Int.self, forKey: .filters) ?? defaults.filters
        kernel = try c.decodeIfPresent(Int.self, forKey: .kernel) ?? defaults.kernel
        loss = try c.decodeIfPresent(String.self, forKey: .loss) ?? defaults.loss
        learningRate = try c.decodeIfPresent(Double.self, forKey: .learningRate) ?? defaults.learningRate
        richardsonLucyIterations = try c.decodeIfPresent(Int.self, forKey: .richardsonLucyIterations) ?? defaults.richardsonLucyIterations
        richardsonLucyTV = try c.decodeIfPresent(Double.self, forKey: .richardsonLucyTV) ?? defaults.richardsonLucyTV
        streaming = try c.decodeIfPresent(Bool.self, forKey: .streaming) ?? defaults.streaming
    }

    func validate() throws {
        for (key, value) in [("steps", steps), ("steps_per_epoch", stepsPerEpoch), ("batch", batch), ("patch", patch),
                             ("depth", depth), ("filters", filters), ("kernel", kernel), ("rl_iterations", richardsonLucyIterations)] {
            try check(value >= 1, key, "must be at least 1, got \(value)")
        }
        try check(["mae", "mse", "laplace", "mse-ssim"].contains(loss), "loss", "must be mae, mse, laplace or mse-ssim, got '\(loss)'")
        try check(["care", "rcan", "dfcan"].contains(arch), "arch", "must be care, rcan or dfcan, got '\(arch)'")
        try check(learningRate > 0 && learningRate < 1, "learning_rate", "must be in (0, 1), got \(learningRate)")
        try check(richardsonLucyTV >= 0 && richardsonLucyTV < 0.25, "rl_tv", "must be in [0, 0.25), got \(richardsonLucyTV)")
    }
}

import Calibration
import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Yams

/// What `fluosynth calibrate` is given.
public struct CalibrateOptions: Sendable {
    public var imagePath: String
    /// A stack of repeated frames of a still scene (photon-transfer curve) and dark frames.
    public var framesPath: String?, darkPath: String?
    /// What a user knows: NA, emission wavelength (µm), pixel size of the image (µm).
    public var na: Double, wavelengthUm: Double, pixelSizeUm: Double
    /// The camera offset (ADU), if known; else from dark frames or the base spec's camera.
    public var offsetADU: Double?
    /// A spec whose optics, acquisition and phantom density are replaced by the estimates.
    public var basePath: String?
    public var outputPath: String
    public var reportDirectory: String?
    /// A dataset (`generate` output) to measure against the image: statistics and domain gap.
    public var compareDataset: String?
    /// Synthetic samples per round and rounds of matching.
    public var samples = 8, rounds = 8
    /// Half-width of the ranges written around each estimate, as a fraction.
    public var spread = 0.25

    public init(imagePath: String, na: Double, wavelengthUm: Double, pixelSizeUm: Double, outputPath: String) {
        self.imagePath = imagePath
        self.na = na
        self.wavelengthUm = wavelengthUm
        self.pixelSizeUm = pixelSizeUm
        self.outputPath = outputPath
    }
}

/// Everything `calibrate` estimated, for the spec and the report.
public struct CalibrationResult: Sendable {
    public var options: CalibrateOptions
    /// The real image on the camera grid, and how it was found.
    public var cameraImage: Volume
    public var grid: CameraGrid
    public var noise: CameraNoiseModel
    /// The noise-level function's points and line (single image) or the photon-transfer curve.
    public var levelSets: [LevelSet]
    public var noiseSource: String
    public var cutoff: OpticalCutoff
    public var real: TwinMeasurement
    /// Settings and synthetic measurements of each round of matching (empty without a base spec).
    public var rounds: [(settings: SimulationSettings, synthetic: TwinMeasurement)]
    public var syntheticImages: [Volume]
    /// The domain gap of the last round's synthetic images, and the `--compare` dataset's.
    public var gap: DomainGap?
    public var comparison: (dataset: String, measurement: TwinMeasurement, gap: DomainGap)?
    /// The spec written.
    public var specYAML: String
}

/// `fluosynth calibrate`: the imaging model's unknowns estimated from a user's own image, and a
/// spec that makes synthetic images measuring like it.
///
/// 1. The camera grid: a resampled image is binned back until its noise is pixel-independent.
/// 2. The camera: gain and read noise from the frames' photon-transfer curve, or from the
///    image's own noise-level function; the offset from dark frames, the option or the base spec.
/// 3. The optics: the power spectrum's cut-off against 2·NA/λ.
/// 4. The content: diffuse floor and haze, filament density, brightness and profile width.
/// 5. With a base spec, rounds of matching: synthetic images of the spec with the current
///    settings are measured the same way, and the settings move so that their statistics
///    meet the real ones (`SimulationSettings.updated`).
public enum CalibrateRun {
    public static func run(_ options: CalibrateOptions, presets: PresetLibrary = .standard(),
                           progress: (String) -> Void = { _ in }) throws -> CalibrationResult {
        let image = try readImage(options.imagePath, pixelSizeUm: options.pixelSizeUm)
        let base = try options.basePath.map { try SpecDocument(contentsOf: $0) }
        let grid = try options.basePath.flatMap { try cameraGrid(of: SpecLoader.load($0, presets: presets)) } ?? CameraGrid.detect(image)
        let cameraImage = grid.apply(image)
        progress("camera grid: \(grid.binning == 1 ? "the image's own pixels" : "binned \(grid.binning)×\(grid.binning) (the image is resampled onto a finer grid)")")

        let offset = try options.offsetADU ?? options.darkPath.map { try readImage($0, pixelSizeUm: options.pixelSizeUm).mean() }
            ?? baseOffset(base)
        let noise: CameraNoiseModel, levelSets: [LevelSet], noiseSource: String
        let imageNoise = try SingleImageNoise(cameraImage)
        if let framesPath = options.framesPath {
            let dark = try options.darkPath.map { try grid.apply(readImage($0, pixelSizeUm: options.pixelSizeUm)) }
            let frames = try grid.apply(readImage(framesPath, pixelSizeUm: options.pixelSizeUm))
            let transfer = try PhotonTransfer(frames: frames, dark: dark, offsetADU: offset)
            (noise, levelSets, noiseSource) = (transfer.model, transfer.levelSets, "photon-transfer curve of \(framesPath)")
        } else {
            guard let offset else {
                throw CalibrationError.insufficientData("one image cannot tell the camera offset from the read noise: give --offset, --dark frames, or a --base spec with acquisition.camera.offset_adu")
            }
            (noise, levelSets, noiseSource) = (imageNoise.model(offsetADU: offset), imageNoise.levelSets, "noise-level function of \(options.imagePath)")
        }
        progress(String(format: "camera: gain %.4g ADU/e⁻, offset %.1f ADU, read noise %.3g e⁻ (%@)",
                        noise.gainADUPerE, noise.offsetADU, noise.readNoiseE, noiseSource))

        let cutoff = try OpticalCutoff(cameraImage, nominalCutoffPerUm: 2 * options.na / options.wavelengthUm)
        progress("optics: " + cutoff.diagnosis)
        let content = try ContentStatistics(cameraImage, noise: noise)
        let real = TwinMeasurement(statistics: content, noiseSlope: imageNoise.gainADUPerE, cutoffPerUm: cutoff.isDetermined ? cutoff.cutoffPerUm : nil)
        progress(String(format: "content: floor %.1f e⁻, haze %.1f e⁻ (diffuse/in-focus %.2f), filaments %.2f µm/µm², peak %.0f e⁻, σ %.3f µm",
                        content.floorE, content.hazeE, content.diffuseRatio, content.filamentDensityPerUm, content.filamentPeakE, content.profileSigmaUm))

        var rounds: [(SimulationSettings, TwinMeasurement)] = []
        var syntheticImages: [Volume] = []
        var settings = SimulationSettings(camera: noise, na: options.na, wavelengthUm: options.wavelengthUm)
        if let base, let basePath = options.basePath {
            let twin = SyntheticTwin(base: base, folder: URL(fileURLWithPath: basePath).deletingLastPathComponent().path,
                                     presets: presets, grid: grid, samples: options.samples)
            for round in 0...options.rounds {
                let (measured, images) = try twin.measure(&settings, noise: noise, nominalCutoffPerUm: 2 * options.na / options.wavelengthUm)
                rounds.append((settings, measured))
                syntheticImages = images
                let s = measured.statistics
                progress(String(format: "round %d: diffuse/in-focus %.2f, %.2f µm/µm², peak %.0f e⁻, cut-off %@, noise slope %.3g",
                                round, s.diffuseRatio, s.filamentDensityPerUm, s.filamentPeakE,
                                measured.cutoffPerUm.map { String(format: "%.2f /µm", $0) } ?? "unseen", measured.noiseSlope))
                guard round < options.rounds else { break }
                settings = settings.updated(real: real, synthetic: measured)
            }
        }
        let gap = syntheticImages.isEmpty ? nil : DomainGap(real: cameraImage, synthetic: syntheticImages, offset: noise.offsetADU)
        if let gap { progress(String(format: "domain gap after matching: spectrum %.3f decades, histogram W1 %.3f", gap.spectrumDecades, gap.histogramW1)) }
        var comparison: (String, TwinMeasurement, DomainGap)?
        if let dataset = options.compareDataset {
            let compared = try DatasetComparison(dataset: dataset, real: cameraImage, grid: grid, noise: noise,
                                                 nominalCutoffPerUm: 2 * options.na / options.wavelengthUm, limit: options.samples)
            let s = compared.measurement.statistics
            progress(String(format: "%@ (%d inputs): diffuse/in-focus %.2f, %.2f µm/µm², peak %.0f e⁻, noise slope %.3g; domain gap: spectrum %.3f decades, histogram W1 %.3f",
                            dataset, compared.images, s.diffuseRatio, s.filamentDensityPerUm, s.filamentPeakE, compared.measurement.noiseSlope,
                            compared.gap.spectrumDecades, compared.gap.histogramW1))
            comparison = (dataset, compared.measurement, compared.gap)
        }
        let spec = try specText(options: options, base: base, settings: settings, noise: noise, cutoff: cutoff, real: content)
        try AtomicFile.write(Data(spec.utf8), to: options.outputPath)
        return CalibrationResult(options: options, cameraImage: cameraImage, grid: grid, noise: noise, levelSets: levelSets,
                                 noiseSource: noiseSource, cutoff: cutoff, real: real, rounds: rounds,
                                 syntheticImages: syntheticImages, gap: gap, comparison: comparison, specYAML: spec)
    }

    /// A 2-D image (or a stack of frames) with the lateral pixel size set.
    static func readImage(_ path: String, pixelSizeUm: Double) throws -> Volume {
        var volume = try TIFFReader.read(path).volume().singlePlaneAsImage
        volume.spacingUm[volume.rank - 1] = pixelSizeUm
        volume.spacingUm[volume.rank - 2] = pixelSizeUm
        guard volume.data.allSatisfy({ $0.isFinite }) else {
            throw CalibrationError.insufficientData("\(path) holds NaN or infinite pixels")
        }
        return volume
    }

    /// The camera grid a spec describes: with inputs put back on the ground truth's grid,
    /// the lateral integrating subsampling factor (2 or 4); nil where the spec's inputs are the
    /// camera's or the factor is one the 2×2 binning cannot undo.
    static func cameraGrid(of spec: LoadedSpec) -> CameraGrid? {
        guard spec.template.output.inputOnGroundTruthGrid else { return nil }
        let steps = spec.template.conditions[0].acquisition.subsample.filter { $0.axis == .x && $0.mode == .integrate }
        let factor = steps.reduce(1.0) { $0 * $1.factor }
        return factor == 2 || factor == 4 ? CameraGrid(binning: Int(factor)) : nil
    }

    static func baseOffset(_ base: SpecDocument?) -> Double? {
        base?.root.mapping?["acquisition"]?.mapping?["camera"]?.mapping?["offset_adu"]?.scalar.flatMap { Double($0.string) }
    }

    /// The spec: the base with the settings laid over it (ranges of ±spread), or without a
    /// base the fragment a user merges into theirs; a header says where each number came from.
    static func specText(options: CalibrateOptions, base: SpecDocument?, settings: SimulationSettings, noise: CameraNoiseModel,
                         cutoff: OpticalCutoff, real: ContentStatistics) throws -> String {
        var header = """
        # Written by fluosynth calibrate from \(options.imagePath) (NA \(options.na), λ \(options.wavelengthUm) µm, \
        pixel \(options.pixelSizeUm) µm).
        # measured on the camera grid: gain \(format(noise.gainADUPerE)) ADU/e⁻, offset \(format(noise.offsetADU)) ADU, read noise \(format(noise.readNoiseE)) e⁻
        # optics: \(cutoff.diagnosis)
        # real image: floor \(format(real.floorE)) e⁻, haze \(format(real.hazeE)) e⁻ (diffuse/in-focus \(format(real.diffuseRatio))), \
        filaments \(format(real.filamentDensityPerUm)) µm/µm², peak \(format(real.filamentPeakE)) e⁻, profile σ \(format(real.profileSigmaUm)) µm

        """
        let document: SpecDocument
        if let base {
            header += "# matched: effective NA \(format(settings.effectiveNA)), \(format(settings.photonsPerUnit)) photons per unit, "
                + "haze weight \(format(settings.hazeWeight)), count ×\(format(settings.countScale)), camera gain \(format(settings.camera.gainADUPerE)) ADU/e⁻ "
                + "and read noise \(format(settings.readNoiseE)) e⁻ (through the resampling); "
                + "ranges ±\(Int(options.spread * 100)) %\n"
            let (overrides, removing) = settings.overrides(base: base, spread: options.spread)
            document = base.merging(overrides, removing: removing)
        } else {
            header += "# a fragment: merge its optics and camera into a spec (photon level and content need --base)\n"
            document = try SpecDocument(yaml: """
            optics: {model: born-wolf, na: \(options.na), wavelength_um: \(options.wavelengthUm), immersion_index: 1.518}
            acquisition:
              camera: {gain_adu_per_e: \(format(noise.gainADUPerE)), offset_adu: \(format(noise.offsetADU)), read_noise_e: \(format(noise.readNoiseE))}
            """, file: options.outputPath)
        }
        return header + (try document.yaml())
    }

    static func format(_ value: Double) -> String { String(format: "%.4g", value) }
}

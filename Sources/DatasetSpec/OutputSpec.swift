import DataIO
import FluoCore

/// Where and how a dataset is written (`output:` in a spec).
public struct OutputSpec: Codable, Equatable, Sendable {
    /// What to write.
    public enum Format: String, Codable, CaseIterable, Sendable {
        /// `<dir>/<split>/GT/<id>.tif` and `<dir>/<split>/<condition>/<id>.tif` (CSBDeep's
        /// `RawData.from_folder` layout) with ImageJ metadata.
        case tiff
        /// The same layout as `<id>.ome.tif` with OME-XML (pixel sizes in µm, channel names),
        /// for Bio-Formats, QuPath and napari; instead of `tiff`.
        case omeTiff = "ome-tiff"
        /// `<dir>/<split>/<condition>.npz` with `X`, `Y`, `axes` (csbdeep.io.load_training_data).
        case npz
        /// PNG previews: input | ground truth per sample, and a contact sheet.
        case previews
        /// `<dir>/<split>/<role>.zarr`: one OME-Zarr image per split and role (GT, each
        /// condition), the samples along `t` (their ids in `.zattrs` under `fluosynth.samples`),
        /// one chunk per sample and channel of at most 32 × 128 × 128 voxels.
        case omeZarr = "ome-zarr"
    }

    /// Output folder (relative to the working directory); `--out` overrides it; empty
    /// (the default) means `out/<spec name>`.
    public var directory: String
    /// Default: tiff, npz and previews (`defaultFormats`).
    public var formats: [Format]
    public static let defaultFormats: [Format] = [.tiff, .npz, .previews]
    /// Sample type of the TIFFs (npz arrays are always float32).
    public var dtype: TIFFSampleType
    /// Fractions of samples for training, validation and test (summing to 1).
    public var split: Split
    /// Number of samples shown in PNG previews (default 8).
    public var previews: Int
    /// Percentile normalisation of each npz image, as CSBDeep's `create_patches` does
    /// before saving (default 1 and 99.8); `none` keeps raw values.
    public var npzNormalization: PercentileNormalization?
    /// Resample each input back onto the ground truth's grid (linear, the resampling's
    /// inverse), so pairs have equal shapes as CSBDeep's upsampling and isotropic models
    /// expect (default false: inputs keep the camera's grid).
    public var inputOnGroundTruthGrid: Bool

    public init(directory: String = "", formats: [Format] = OutputSpec.defaultFormats, dtype: TIFFSampleType = .float32,
                split: Split = Split(), previews: Int = 8, npzNormalization: PercentileNormalization? = PercentileNormalization(),
                inputOnGroundTruthGrid: Bool = false) {
        self.directory = directory
        self.formats = formats
        self.dtype = dtype
        self.split = split
        self.previews = previews
        self.npzNormalization = npzNormalization
        self.inputOnGroundTruthGrid = inputOnGroundTruthGrid
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case directory, formats, dtype, split, previews
        case npzNormalization = "npz_normalization"
        case inputOnGroundTruthGrid = "input_on_ground_truth_grid"
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        directory = try c.decodeIfPresent(String.self, forKey: .directory) ?? ""
        formats = try c.decodeIfPresent([Format].self, forKey: .formats) ?? OutputSpec.defaultFormats
        dtype = try c.decodeIfPresent(TIFFSampleType.self, forKey: .dtype) ?? .float32
        split = try c.decodeIfPresent(Split.self, forKey: .split) ?? Split()
        previews = try c.decodeIfPresent(Int.self, forKey: .previews) ?? 8
        if (try? c.decodeIfPresent(String.self, forKey: .npzNormalization)) == "none" {
            npzNormalization = nil
        } else {
            npzNormalization = try c.decodeIfPresent(PercentileNormalization.self, forKey: .npzNormalization) ?? PercentileNormalization()
        }
        inputOnGroundTruthGrid = try c.decodeIfPresent(Bool.self, forKey: .inputOnGroundTruthGrid) ?? false
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(directory, forKey: .directory)
        try c.encode(formats, forKey: .formats)
        try c.encode(dtype, forKey: .dtype)
        try c.encode(split, forKey: .split)
        try c.encode(previews, forKey: .previews)
        if let npzNormalization { try c.encode(npzNormalization, forKey: .npzNormalization) } else {
            try c.encode("none", forKey: .npzNormalization)
        }
        try c.encode(inputOnGroundTruthGrid, forKey: .inputOnGroundTruthGrid)
    }

    /// Whether the pair images stay in the dataset (TIFF or OME-TIFF).
    public var keepsImages: Bool { formats.contains(.tiff) || formats.contains(.omeTiff) }

    /// The pair images' extension: `ome.tif` for OME-TIFF, else `tif`.
    public var imageExtension: String { formats.contains(.omeTiff) ? "ome.tif" : "tif" }

    public func validate() throws {
        try check(!formats.isEmpty, "formats", "needs at least one of \(Format.allCases.map(\.rawValue).joined(separator: ", "))")
        try check(!(formats.contains(.tiff) && formats.contains(.omeTiff)), "formats",
                  "has both tiff and ome-tiff: they are the same images with ImageJ or OME metadata; choose one")
        try check(previews >= 0, "previews", "must be ≥ 0, got \(previews)")
        try nested("split.") { try split.validate() }
        if let npzNormalization {
            try check(npzNormalization.isValid, "npz_normalization.low",
                      "needs 0 ≤ low < high ≤ 100, got \(npzNormalization.low) and \(npzNormalization.high)")
        }
    }
}

/// Fractions of the samples in each split.
public struct Split: Codable, Equatable, Sendable {
    public var train: Double
    public var val: Double
    public var test: Double

    public init(train: Double = 0.8, val: Double = 0.1, test: Double = 0.1) {
        self.train = train
        self.val = val
        self.test = test
    }

    public enum CodingKeys: String, CodingKey, CaseIterable { case train, val, test }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        train = try c.decodeIfPresent(Double.self, forKey: .train) ?? 0
        val = try c.decodeIfPresent(Double.self, forKey: .val) ?? 0
        test = try c.decodeIfPresent(Double.self, forKey: .test) ?? 0
    }

    func validate() throws {
        for (key, value) in [("train", train), ("val", val), ("test", test)] {
            try check(value >= 0 && value <= 1, key, "must be a fraction in [0, 1], got \(value)")
        }
        try check(abs(train + val + test - 1) < 1e-6, "train", "train + val + test must be 1, got \(train + val + test)")
    }

    /// The split names in order.
    public static let names = ["train", "val", "test"]

    /// Sample counts per split for `samples` samples: val and test rounded, the rest train,
    /// so sample i's split depends only on i and the total.
    public func counts(samples: Int) -> [Int] {
        let val = Int((self.val * Double(samples)).rounded()), test = Int((self.test * Double(samples)).rounded())
        let train = Swift.max(0, samples - val - test)
        return [train, Swift.min(val, samples - train), samples - train - Swift.min(val, samples - train)]
    }

    /// The split of sample `index` of `samples`: the first `train` samples, then val, then test.
    public func name(of index: Int, samples: Int) -> String {
        let c = counts(samples: samples)
        return index < c[0] ? "train" : index < c[0] + c[1] ? "val" : "test"
    }
}

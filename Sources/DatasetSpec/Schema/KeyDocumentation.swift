/// What the JSON Schema says about a spec key besides its type: a description, the unit, the
/// default and the bounds. The decoder's own checks (`validate()`) enforce the same bounds;
/// the schema lets an editor show them while typing.
struct KeyDocumentation: Equatable, Sendable {
    var description: String
    var unit: String?
    var defaultValue: Double?
    /// A default that is not a number, as a JSON literal (`"point"`, `true`, `["tiff"]`).
    var defaultText: String?
    var minimum: Double?
    var exclusiveMinimum: Double?
    var maximum: Double?

    init(_ description: String, unit: String? = nil, default defaultValue: Double? = nil, defaultText: String? = nil,
         minimum: Double? = nil, above exclusiveMinimum: Double? = nil, maximum: Double? = nil) {
        (self.description, self.unit, self.defaultValue, self.defaultText) = (description, unit, defaultValue, defaultText)
        (self.minimum, self.exclusiveMinimum, self.maximum) = (minimum, exclusiveMinimum, maximum)
    }

    var hasBounds: Bool { minimum != nil || exclusiveMinimum != nil || maximum != nil }

    /// The documentation of key `name` whose parent key is `parent` (the most specific entry:
    /// `parent.name`, then `name`).
    static func of(_ name: String, parent: String?) -> KeyDocumentation? {
        parent.flatMap { table["\($0).\(name)"] } ?? table[name]
    }

    /// Every key of the spec, by name or `parent.name` where a name means different things.
    static let table: [String: KeyDocumentation] = [
        // Top level
        "name": .init("Name of the dataset (output folder out/<name> unless output.directory says otherwise)"),
        "seed": .init("Seed of every random draw: the same seed gives the same bytes", minimum: 0),
        "samples": .init("Number of samples (ground truth with its inputs) to make", minimum: 1, maximum: 100_000_000),
        "shape": .init("Ground-truth grid in samples, (y, x) or (z, y, x)", minimum: 1, maximum: 65536),
        "pixel_size_um": .init("Ground-truth voxel size per axis, same order as shape", unit: "µm", above: 0),
        "phantom": .init("The ground truth: a preset name from Phantoms/ or inline parameters"),
        "optics": .init("The PSF of the microscope (model and its parameters)"),
        "acquisition": .init("Background, resampling to the camera grid and camera noise"),
        "conditions": .init("Several acquisitions of the same ground truth, each overriding parts of optics and acquisition"),
        "conditions.name": .init("Name of the condition (the folder of its inputs)"),
        "target": .init("What the network should output: the ground truth on the input's grid or its own, optionally blurred by target.psf"),
        "output": .init("Where and in which formats the dataset is written"),
        "loop": .init("Training and evaluation settings of fluosynth loop"),

        // Optics (every PSF model; each model accepts its own keys)
        "model": .init("PSF model: gaussian, born-wolf, gibson-lanni, vectorial (Richards–Wolf, for NA ≥ 1.3), confocal or file"),
        "na": .init("Numerical aperture of the objective (must stay below the immersion index)", above: 0, maximum: 1.7),
        "wavelength_um": .init("Emission wavelength", unit: "µm", minimum: 0.2, maximum: 2),
        "excitation_wavelength_um": .init("Excitation wavelength (confocal)", unit: "µm", minimum: 0.2, maximum: 2),
        "immersion_index": .init("Refractive index of the immersion medium", default: 1.518, minimum: 1, maximum: 2),
        "sample_index": .init("Refractive index of the sample (default: the immersion index)", minimum: 1, maximum: 2),
        "immersion_design_index": .init("Immersion index the objective was designed for (default: the immersion index)", minimum: 1, maximum: 2),
        "coverslip_index": .init("Refractive index of the coverslip", default: 1.515, minimum: 1, maximum: 2),
        "coverslip_design_index": .init("Coverslip index the objective was designed for (default: the coverslip index)", minimum: 1, maximum: 2),
        "coverslip_thickness_um": .init("Coverslip thickness", unit: "µm", default: 170, above: 0),
        "coverslip_design_thickness_um": .init("Coverslip thickness the objective was designed for (default: the thickness)", unit: "µm", above: 0),
        "working_distance_um": .init("Working distance of the objective", unit: "µm", above: 0),
        "depth_um": .init("Depth of the source below the coverslip", unit: "µm", default: 0, minimum: 0),
        "pinhole_au": .init("Confocal pinhole diameter in Airy units (0: an ideal point pinhole)", unit: "AU", default: 1, minimum: 0),
        "fwhm_um": .init("Gaussian PSF: full width at half maximum per axis, (y, x) or (z, y, x)", unit: "µm", above: 0),
        "path": .init("Measured PSF: a TIFF stack (relative to the spec's folder)"),
        "optics.name": .init("Measured PSF: a PSF bundled in PSFs/ (fluosynth psf --list)"),
        "psf.name": .init("Measured PSF: a PSF bundled in PSFs/ (fluosynth psf --list)"),
        "spacing_um": .init("Voxel size of the measured PSF, (z, y, x) (default: from the file)", unit: "µm", above: 0),
        "background": .init("Background: Perlin noise added to the ground truth (acquisition), or the level to subtract from a measured PSF (optics)"),
        "optics.background": .init("Background level to subtract from the measured PSF (default: median of its border)", minimum: 0),
        "psf.background": .init("Background level to subtract from the measured PSF (default: median of its border)", minimum: 0),

        // Acquisition
        "amplitude": .init("Peak of the Perlin background relative to the ground truth's maximum", minimum: 0),
        "feature_size_um": .init("Size of the background's largest features", unit: "µm", above: 0),
        "octaves": .init("Octaves of Perlin noise summed", default: 3, minimum: 1, maximum: 12),
        "persistence": .init("Amplitude factor from one octave to the next", default: 0.5, above: 0, maximum: 1),
        "lacunarity": .init("Frequency factor from one octave to the next", default: 2, above: 1),
        "offset": .init("Constant added to the background, relative to the ground truth's maximum", default: 0),
        "boundary": .init("How the PSF convolution treats the image border (zero padding by default)", defaultText: "\"zero\""),
        "out_of_focus": .init("Light from above and below the imaged slab: layers of the same phantom, defocused by the PSF"),
        "layers_per_side": .init("Out-of-focus layers above and below", default: 2, minimum: 0),
        "thickness_um": .init("Thickness of each out-of-focus layer", unit: "µm", above: 0),
        "out_of_focus.weight": .init("Brightness of the out-of-focus layers relative to the imaged slab", default: 1, minimum: 0),
        "subsample": .init("Resampling of axes from the ground-truth grid to the camera's"),
        "axis": .init("Axis to resample: z, y or x"),
        "factor": .init("Ground-truth samples per camera sample along the axis (may be fractional)", above: 0),
        "mode": .init("point: sample (a z stage); integrate: average over the new sample (a camera pixel)", defaultText: "\"point\""),
        "camera": .init("The camera: photons, shot noise, EM gain, read noise, gain, offset, bit depth"),
        "peak_photons": .init("Photons at each image's brightest pixel (scales the image; instead of photons_per_unit)", above: 0),
        "photons_per_unit": .init("Photons per unit of dye (instead of peak_photons)", above: 0),
        "quantum_efficiency": .init("Fraction of photons detected", default: 1, above: 0, maximum: 1),
        "read_noise_e": .init("Gaussian read noise", unit: "e⁻ rms", default: 0, minimum: 0),
        "gain_adu_per_e": .init("Camera gain", unit: "ADU/e⁻", default: 1, above: 0),
        "offset_adu": .init("Camera offset", unit: "ADU", default: 0, minimum: 0),
        "em_gain": .init("EM gain (EMCCD; adds the excess noise factor √2)", minimum: 1),
        "bit_depth": .init("Bits per pixel (clipping at 2^bits − 1)", minimum: 1, maximum: 32),
        "scmos": .init("sCMOS per-pixel maps of gain, offset and read noise"),
        "scmos.seed": .init("Seed of the per-pixel maps (one camera for all samples)", default: 0, minimum: 0),
        "file": .init("A TIFF map with one value per camera pixel"),
        "distribution": .init("How values are drawn: constant, uniform, loguniform (equally likely in each decade), normal, lognormal or poisson"),
        "value": .init("The value of a constant distribution"),
        "min": .init("Lower end of a uniform or loguniform distribution"),
        "max": .init("Upper end of a uniform or loguniform distribution"),
        "mean": .init("Mean of a normal, lognormal or poisson distribution"),
        "sd": .init("Standard deviation of a normal or lognormal distribution", minimum: 0),

        // Target
        "grid": .init("The target's grid: input (the camera's) or ground_truth (finer, for super-resolution)"),
        "psf": .init("Optional PSF applied to the target (e.g. a better microscope's)"),

        // Output
        "directory": .init("Output folder (default out/<name>; --out overrides it)"),
        "formats": .init("What to write: tiff or ome-tiff, npz, ome-zarr, previews", defaultText: "[\"tiff\", \"npz\", \"previews\"]"),
        "dtype": .init("Sample type of the TIFFs: float32 or uint16", defaultText: "\"float32\""),
        "split": .init("Fractions of the samples for training, validation and test (summing to 1)"),
        "train": .init("Fraction of samples for training", default: 0.8, minimum: 0, maximum: 1),
        "val": .init("Fraction of samples for validation", default: 0.1, minimum: 0, maximum: 1),
        "test": .init("Fraction of samples for testing", default: 0.1, minimum: 0, maximum: 1),
        "previews": .init("Number of samples shown in the PNG previews", default: 8, minimum: 0),
        "npz_normalization": .init("Percentile normalisation of each npz image (none keeps raw values)"),
        "low": .init("Lower percentile", default: 1, minimum: 0, maximum: 100),
        "high": .init("Upper percentile", default: 99.8, minimum: 0, maximum: 100),
        "input_on_ground_truth_grid": .init("Resample inputs back onto the ground truth's grid so pairs have equal shapes", defaultText: "false"),

        // Loop
        "steps": .init("Training steps", minimum: 1),
        "steps_per_epoch": .init("Steps between validations", minimum: 1),
        "batch": .init("Patches per training step", minimum: 1),
        "patch": .init("Training patch size per axis", minimum: 1),
        "learning_rate": .init("Adam's learning rate", above: 0),
        "loss": .init("Training loss: mae, mse, laplace (probabilistic) or mse-ssim (MSE + 0.1·(1 − SSIM))"),
        "arch": .init("The network: care (CARE's U-Net), rcan or dfcan (the one that upsamples, for super-resolution specs), as fluosynth train --arch", defaultText: "care"),
        "depth": .init("U-Net depth (poolings)", minimum: 0, maximum: 6),
        "filters": .init("Filters of the U-Net's first level; RCAN's and DFCAN's channels", minimum: 1),
        "kernel": .init("Convolution kernel size (odd)", minimum: 1),
        "rl_iterations": .init("Richardson–Lucy iterations of the baseline", minimum: 1),
        "rl_tv": .init("Total-variation weight of the Richardson–Lucy baseline (0: none)", minimum: 0),
        "streaming": .init("Train on pairs made while training (as fluosynth train SPEC.yaml) and write only the val and test splits",
                           defaultText: "false"),

        // Phantoms
        "kind": .init("Phantom kind: microtubules, granules, spheres or mixture"),
        "components": .init("Phantoms overlaid in a mixture, each with its channel and weight"),
        "channel": .init("Output channel of the component", default: 0, minimum: 0),
        "components.weight": .init("Brightness of the component in the mixture", default: 1, minimum: 0),
        "cell": .init("A cell outline the structures stay inside"),
        "major_semi_axis_um": .init("Cell outline: major semi-axis", unit: "µm", above: 0),
        "minor_semi_axis_um": .init("Cell outline: minor semi-axis", unit: "µm", above: 0),
        "z_semi_axis_um": .init("Cell outline: semi-axis along z (3-D)", unit: "µm", default: 2, above: 0),
        "orientation_deg": .init("Cell outline: angle of the major axis", unit: "°"),
        "mask": .init("Cell outline: remove everything outside it (voxels on it keep their inside fraction)", defaultText: "true"),
        "count": .init("Number of objects (instead of a density)", minimum: 0),
        "density_per_um2": .init("Objects per µm² of the field (2-D)", unit: "1/µm²", minimum: 0),
        "density_per_um3": .init("Objects per µm³ of the volume (3-D)", unit: "1/µm³", minimum: 0),
        "contour_length_um": .init("Microtubules: length of each filament", unit: "µm", above: 0),
        "persistence_length_um": .init("Microtubules: persistence length of the worm-like chain (stiffness)", unit: "µm", above: 0),
        "tube_diameter_um": .init("Microtubules: diameter of the tube", unit: "µm", default: 0.025, above: 0),
        "intensity_per_um": .init("Microtubules: dye per µm of filament", above: 0),
        "speckle_density_per_um": .init("Microtubules: labelled sites per µm (0: continuous labelling)", unit: "1/µm", minimum: 0),
        "nucleation": .init("Microtubules: where filaments start: uniform or asters", defaultText: "\"uniform\""),
        "aster_count": .init("Microtubules: number of asters filaments grow from", minimum: 1),
        "aster_radius_um": .init("Microtubules: radius of each aster's seeding region", unit: "µm", default: 0.5, minimum: 0),
        "at_boundary": .init("Microtubules: what a filament does at a cell outline: bend along it or stop", defaultText: "\"bend\""),
        "radius_um": .init("Granules and spheres: radius", unit: "µm", above: 0),
        "shell_thickness_um": .init("Hollow spheres: thickness of the shell", unit: "µm", above: 0),
        "hollow_fraction": .init("Fraction of spheres that are hollow", minimum: 0, maximum: 1),
        "intensity_per_um3": .init("Granules and spheres: dye per µm³", above: 0),
        "min_gap_um": .init("Smallest gap between objects that must not overlap", unit: "µm", minimum: 0),
        "non_overlap": .init("Whether objects may overlap"),
        "clustering": .init("Granules: place them in clusters"),
        "cluster_sd_um": .init("Granules: spread of each cluster", unit: "µm", above: 0),
        "mean_per_cluster": .init("Granules: mean number per cluster", above: 0),
    ]
}

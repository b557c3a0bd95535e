/// One control of the live explain page: a spec key (or a derived setting such as the camera
/// pixel) the page lets a student move, with its current value.
public struct LiveControl: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A slider from `min` to `max` in steps of `step`.
        case number(min: Double, max: Double, step: Double)
        /// One of the names.
        case choice([String])
        /// Integers separated by commas (a grid's shape).
        case integers
    }

    /// The request parameter: a spec key path (`optics.na`) or a derived setting (`camera_pixel_um`).
    public var key: String
    public var label: String
    public var kind: Kind
    /// The spec's value as text (a range shows its lower end).
    public var value: String
}

extension LiveControl {
    /// The camera pixel in µm: `acquisition.subsample` gets y and x steps integrating
    /// `value / ground-truth pixel` samples.
    static let cameraPixelKey = "camera_pixel_um"
    /// The z step in µm (3-D specs): the z entry of `acquisition.subsample` samples every
    /// `value / ground-truth z spacing`-th plane.
    static let zStepKey = "z_step_um"

    /// The spec keys the page offers where the spec has them, in display order (the phantom's
    /// only where the phantom has them as plain numbers).
    static let catalogue: [(key: String, label: String, kind: Kind)] = [
        ("optics.model", "PSF model", .choice(["born-wolf", "gibson-lanni", "vectorial", "gaussian"])),
        ("optics.na", "numerical aperture NA", .number(min: 0.1, max: 1.7, step: 0.01)),
        ("optics.wavelength_um", "emission wavelength λ (µm)", .number(min: 0.35, max: 0.85, step: 0.005)),
        ("optics.immersion_index", "immersion refractive index", .number(min: 1.0, max: 1.8, step: 0.001)),
        ("optics.sample_index", "sample refractive index", .number(min: 1.0, max: 1.8, step: 0.001)),
        (cameraPixelKey, "camera pixel (µm)", .number(min: 0.01, max: 0.5, step: 0.005)),
        (zStepKey, "z step (µm)", .number(min: 0.05, max: 2, step: 0.05)),
        ("acquisition.camera.peak_photons", "peak photons", .number(min: 1, max: 10000, step: 1)),
        ("acquisition.camera.photons_per_unit", "photons per unit of dye", .number(min: 0.01, max: 100, step: 0.01)),
        ("acquisition.camera.read_noise_e", "read noise (e⁻)", .number(min: 0, max: 20, step: 0.1)),
        ("acquisition.background.amplitude", "background amplitude", .number(min: 0, max: 5, step: 0.01)),
        ("acquisition.background.feature_size_um", "background feature size (µm)", .number(min: 0.2, max: 20, step: 0.1)),
        ("phantom.count", "filament or object count", .number(min: 0, max: 500, step: 1)),
        ("phantom.density_per_um2", "objects per µm²", .number(min: 0, max: 5, step: 0.01)),
        ("phantom.density_per_um3", "objects per µm³", .number(min: 0, max: 1, step: 0.005)),
        ("phantom.tube_diameter_um", "filament width (µm)", .number(min: 0.005, max: 0.5, step: 0.005)),
        ("phantom.radius_um", "object radius (µm)", .number(min: 0.02, max: 3, step: 0.01)),
        ("shape", "grid shape (z, y, x)", .integers),
    ]
}

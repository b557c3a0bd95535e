/// Spherical phantoms in the style of 3D-RCAN's "phantom spheres": solid and hollow spheres
/// with a range of radii and intensities, placed without overlap, rendered with exact partial
/// volumes. They are granules with other defaults (`kind: spheres` in a spec).
///
/// 3D-RCAN's own generator is not public; the defaults follow the same lab's public RLN
/// phantom generator (Richardson-Lucy-Net, `Phantom_generate.m`; see the field reference §3.2),
/// converted at 0.1 µm voxels:
/// - radii 4–7 voxels → `radius_um` uniform [0.4, 0.7];
/// - intensities U(50, 850) per voxel → `intensity_per_um3` uniform [5e4, 8.5e5]
///   (per 0.001 µm³ voxel);
/// - 100 solid + 100 hollow objects in 128³ voxels (12.8 µm)³ → `density_per_um3` 0.095,
///   `hollow_fraction` 0.5;
/// - shells Σ(Δ/r)² ∈ [0.8, 1.3], about a quarter of the radius thick → `shell_thickness_um`
///   uniform [0.1, 0.2];
/// - 2-D: `density_per_um2` 0.3 (about a third of the area covered: a guess, RLN is 3-D only).
extension GranuleParameters {
    public static let sphericalPhantomDefaults = GranuleParameters(
        number: ObjectCount(densityPerUm2: 0.3, densityPerUm3: 0.095),
        radiusUm: .uniform(min: 0.4, max: 0.7),
        intensityPerUm3: .uniform(min: 5e4, max: 8.5e5),
        shellThicknessUm: .uniform(min: 0.1, max: 0.2),
        hollowFraction: 0.5,
        nonOverlap: true)
}

import ArgumentParser
import Workflows

extension PSFModel.Kind: ExpressibleByArgument {}

/// The PSF options every command that needs a PSF takes.
struct PSFOptions: ParsableArguments {
    @Option(name: .customLong("model"), help: "PSF model: \(PSFModel.Kind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: PSFModel.Kind = .bornWolf

    @Option(help: "Numerical aperture of the objective.")
    var na: Double?

    @Option(name: .customLong("wavelength"), help: "Emission wavelength in µm.")
    var wavelengthUm: Double?

    @Option(name: .customLong("immersion-index"), help: "Refractive index of the immersion medium.")
    var immersionIndex: Double = 1.518

    @Option(name: .customLong("sample-index"), help: "gibson-lanni, vectorial, confocal: refractive index of the sample (default: the immersion index).")
    var sampleIndex: Double?

    @Option(name: .customLong("immersion-design-index"), help: "gibson-lanni, vectorial, confocal: immersion index the objective was designed for (default: the immersion index).")
    var immersionDesignIndex: Double?

    @Option(name: .customLong("coverslip-index"), help: "gibson-lanni, vectorial, confocal: coverslip refractive index (default 1.515).")
    var coverslipIndex: Double?

    @Option(name: .customLong("coverslip-thickness"), help: "gibson-lanni, vectorial, confocal: coverslip thickness in µm (default 170).")
    var coverslipThicknessUm: Double?

    @Option(name: .customLong("depth"), help: "gibson-lanni, vectorial, confocal: depth of the source below the coverslip in µm (default 0).")
    var depthUm: Double?

    @Option(name: .customLong("excitation-wavelength"), help: "confocal: excitation wavelength in µm.")
    var excitationWavelengthUm: Double?

    @Option(name: .customLong("pinhole"), help: "confocal: pinhole diameter in Airy units (0 = ideal small pinhole).")
    var pinholeAU: Double = 1

    @Option(name: .customLong("fwhm"), help: "gaussian: FWHM in µm per axis, z,y,x (or y,x).")
    var fwhmUm: DoubleList?

    @Option(name: .customLong("psf-file"), help: "A measured PSF (TIFF stack); implies --model file.")
    var psfFile: String?

    @Option(name: .customLong("psf-name"), help: "A PSF bundled in PSFs/ (fluosynth psf --list); implies --model file.")
    var psfName: String?

    @Option(name: .customLong("psf-spacing"), help: "Voxel size of --psf-file in µm, z,y,x (default: from its metadata).")
    var psfSpacingUm: DoubleList?

    @Option(name: .customLong("psf-background"), help: "Background level of --psf-file (default: median of its border).")
    var psfBackground: Double?

    /// The model these options describe.
    func psfModel() throws -> PSFModel {
        if psfFile != nil && psfName != nil { throw ValidationError("give --psf-file or --psf-name, not both") }
        if let psfFile {
            return .file(PSFFile(path: psfFile, spacingUm: psfSpacingUm?.values, background: psfBackground))
        }
        if let psfName {
            return .file(PSFFile(name: psfName, spacingUm: psfSpacingUm?.values, background: psfBackground))
        }
        func required<T>(_ value: T?, _ flag: String) throws -> T {
            guard let value else { throw ValidationError("--model \(model.rawValue) needs \(flag)") }
            return value
        }
        switch model {
        case .gaussian:
            return .gaussian(GaussianPSF(fwhmUm: try required(fwhmUm, "--fwhm").values))
        case .bornWolf:
            return .bornWolf(BornWolfPSF(na: try required(na, "--na"), wavelengthUm: try required(wavelengthUm, "--wavelength"),
                                         immersionIndex: immersionIndex))
        case .gibsonLanni:
            return .gibsonLanni(try gibsonLanni(required))
        case .vectorial:
            return .vectorial(VectorialPSF(try gibsonLanni(required)))
        case .confocal:
            return .confocal(ConfocalPSF(emission: try gibsonLanni(required),
                                         excitationWavelengthUm: try required(excitationWavelengthUm, "--excitation-wavelength"),
                                         pinholeAU: pinholeAU))
        case .file:
            throw ValidationError("--model file needs --psf-file")
        }
    }

    private func gibsonLanni(_ required: (Double?, String) throws -> Double) throws -> GibsonLanniPSF {
        GibsonLanniPSF(na: try required(na, "--na"), wavelengthUm: try required(wavelengthUm, "--wavelength"),
                       immersionIndex: immersionIndex, immersionDesignIndex: immersionDesignIndex, sampleIndex: sampleIndex,
                       coverslipIndex: coverslipIndex, coverslipThicknessUm: coverslipThicknessUm, depthUm: depthUm)
    }
}

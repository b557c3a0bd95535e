import DataIO
import DatasetSpec
import FluoCore
import Foundation
import Imaging
import Testing
import TestSupport

/// The PSFs in `PSFs/`: each description agrees with its stack, rendered ones are what their
/// model renders, measured ones are a centred spot above a flat background.
@Suite struct BundledPSFTests {
    static let library = PresetLibrary(folders: [TestPaths.packageRoot + "/PSFs"], noun: "PSF")

    @Test func descriptionsMatchTheirStacks() throws {
        let entries = try BundledPSF.all(library: Self.library)
        #expect(Set(entries.map(\.name)) == ["confocal-63x-1.2-water", "llsm-bead", "widefield-40x-0.8-air", "widefield-63x-1.4-oil"])
        for (name, psf) in entries {
            let (_, path) = try BundledPSF.load(name, library: Self.library)
            let stack = try TIFFReader.read(path).volume()
            #expect(stack.shape == psf.shape, "\(name): shape \(stack.shape) vs \(psf.shape)")
            #expect(zip(stack.spacingUm, psf.voxelSizeUm).allSatisfy { abs($0 / $1 - 1) < 1e-5 }, "\(name): \(stack.spacingUm) vs \(psf.voxelSizeUm)")
            if psf.licence.contains(".txt") {
                let notice = TestPaths.packageRoot + "/PSFs/" + psf.licence.split(separator: "(").last!.dropLast()
                #expect(FileManager.default.fileExists(atPath: notice), "\(name): licence notice \(notice) missing")
            }
            switch psf.kind {
            case .model:
                // Unit sum, and the stack is what its optics render on its grid.
                let optics = try #require(psf.optics, "\(name) has no optics")
                #expect(abs(stack.sum() - 1) < 1e-4, "\(name): sum \(stack.sum())")
                let rendered = try PSFFactory.render(optics, on: PSFGrid(shape: psf.shape, spacingUm: psf.voxelSizeUm), threads: 2)
                let peak = stack.extrema().max
                let worst = zip(rendered.data, stack.data).map { abs($0 - $1) }.max()!
                #expect(worst < 1e-4 * peak, "\(name): stack and optics differ by \(worst / peak) of the peak")
                #expect(optics.optics?.na == psf.na && optics.optics?.wavelengthUm == psf.wavelengthUm, "\(name)")
            case .measurement:
                // After the border background: a single spot within 8 samples of the centre
                // laterally, holding most of the light near it.
                let measured = try PSFFactory.loadMeasured(PSFFile(name: name))
                let (cleaned, centre) = measured.cleanedAndCentre()
                let background = MeasuredPSF.borderMedian(measured.stack)
                #expect(background > 0 && Double(measured.stack.extrema().max) > 20 * background, "\(name): background \(background)")
                #expect(abs(centre[1] - Double(psf.shape[1] / 2)) < 8 && abs(centre[2] - Double(psf.shape[2] / 2)) < 8, "\(name): centre \(centre)")
                #expect(cleaned.sum() > 0)
            }
        }
    }

    /// A spec names a bundled PSF; a wrong name is an error that suggests the right one.
    @Test func specsNameBundledPSFs() throws {
        let measured = try PSFFactory.loadMeasured(PSFFile(name: "llsm-bead"))
        #expect(measured.stack.shape == [61, 64, 64] && abs(measured.stack.spacingUm[0] - 0.098) < 1e-9)
        do {
            _ = try PSFFactory.loadMeasured(PSFFile(name: "llsm-baed"))
            Issue.record("a misspelt PSF name loaded")
        } catch {
            #expect("\(error)".contains("did you mean 'llsm-bead'"), "\(error)")
        }
    }
}

import FluoCore
import Foundation
import Imaging

/// Checks a decoded spec beyond what decoding checks: physical ranges of every stage and
/// the consistency of grid, PSF, resampling and output. The first problem is reported at
/// its key in the document.
enum SpecValidation {
    static func validate(_ spec: DatasetSpec, document: SpecDocument) throws {
        func section(_ prefix: String, _ body: () throws -> Void) throws {
            do {
                try nested(prefix, body)
            } catch let problem as SpecProblem {
                throw document.error(at: KeyPath.parse(problem.key), problem.problem)
            }
        }
        let rank = spec.shape.count
        try section("") {
            try check(!spec.name.isEmpty, "name", "must not be empty")
            try check(spec.samples >= 1, "samples", "must be at least 1, got \(spec.samples)")
            try check(spec.samples <= DatasetSpec.maximumSamples, "samples",
                      "must be at most \(DatasetSpec.maximumSamples) (a run lists every sample), got \(spec.samples)")
            try check(rank == 2 || rank == 3, "shape", "needs 2 (y, x) or 3 (z, y, x) values, got \(spec.shape.count)")
            try check(spec.shape.allSatisfy { $0 >= 1 && $0 <= 65_536 }, "shape", "sizes must be 1–65536, got \(spec.shape)")
            try check(spec.pixelSizeUm.count == rank, "pixel_size_um", "needs one value per axis of shape \(spec.shape) (\(rank)), got \(spec.pixelSizeUm.count)")
            try check(spec.pixelSizeUm.allSatisfy { $0 > 0 && $0 < 1000 }, "pixel_size_um", "must be positive µm, got \(spec.pixelSizeUm)")
        }
        let explicitConditions = document.node(at: [AnyCodingKey("conditions")]) != nil
        try section("optics.") { try validate(spec.optics, rank: rank) }
        if !explicitConditions {
            try section("acquisition.") { try validate(spec.acquisition, shape: spec.shape, optics: spec.optics) }
        }
        var names = Set<String>()
        for (index, condition) in spec.conditions.enumerated() where explicitConditions {
            try section("conditions[\(index)].") {
                try check(!condition.name.isEmpty && !condition.name.contains("/") && condition.name != "GT" && !condition.name.hasPrefix("."),
                          "name", "must be a folder name other than GT, got '\(condition.name)'")
                try check(names.insert(condition.name).inserted, "name", "'\(condition.name)' is used by two conditions")
            }
            try section("conditions[\(index)].optics.") { try validate(condition.optics, rank: rank) }
            try section("conditions[\(index)].acquisition.") { try validate(condition.acquisition, shape: spec.shape, optics: condition.optics) }
        }
        try section("target.psf.") { try validate(spec.target.psf, rank: rank) }
        try section("output.") { try spec.output.validate() }
        try section("loop.") { try spec.loop?.validate() }
    }

    static func validate(_ optics: PSFModel?, rank: Int) throws {
        guard let optics else { return }
        try optics.validate()
        if case let .gaussian(g) = optics {
            try check(g.fwhmUm.count >= rank, "fwhm_um", "needs \(rank) values for a \(rank)-D shape, got \(g.fwhmUm.count)")
        }
    }

    static func validate(_ acquisition: Acquisition, shape: [Int], optics: PSFModel?) throws {
        if let background = acquisition.background { try nested("background.") { try background.validate() } }
        if let outOfFocus = acquisition.outOfFocus {
            try check(shape.count == 2, "out_of_focus", "is for 2-D specs; a 3-D spec's PSF convolution already blurs every plane into the others")
            try check(optics?.optics != nil, "out_of_focus", "needs optics with an NA (born-wolf, gibson-lanni or confocal) to defocus the PSF")
            try nested("out_of_focus.") { try outOfFocus.validate() }
        }
        var current = shape
        for (index, step) in acquisition.subsample.enumerated() {
            try nested("subsample[\(index)].") {
                try step.validate(rank: shape.count)
                let axis = step.axis.index(inRank: shape.count)!
                try check(step.factor <= Double(current[axis]), "factor",
                          "\(step.factor) is larger than the \(step.axis.rawValue) axis (\(current[axis]) samples)")
                current[axis] = step.outputCount(current[axis])
            }
        }
        if let camera = acquisition.camera { try nested("camera.") { try camera.validate() } }
    }
}

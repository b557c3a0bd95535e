import FluoCore
import Foundation
import Spec

/// `fluosynth explain`: the teaching page for one sample of a spec.
public enum ExplainRun {
    /// Loads the spec and computes the explanation of sample `sample`, with `sweep` (a
    /// `KEY=V1,V2,…` text) if given.
    public static func explanation(specPath: String, sample: Int, sweep: String?, threads: Int = Parallel.availableCores,
                                   presets: PresetLibrary = .standard()) throws -> Explanation {
        let parsed = try sweep.map(ParameterSweep.init)
        let spec = try SpecLoader.load(specPath, presets: presets)
        return try Explanation(spec: spec, specPath: specPath, sample: sample, sweep: parsed, threads: threads)
    }

    /// The explanation's page, written as `directory/index.html` with its pictures.
    public static func run(specPath: String, directory: String, sample: Int, sweep: String?,
                           threads: Int = Parallel.availableCores) throws -> ExplainPage {
        let page = ExplainPage(try explanation(specPath: specPath, sample: sample, sweep: sweep, threads: threads))
        try page.write(to: directory)
        return page
    }
}

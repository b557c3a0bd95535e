import FluoCore
import Foundation
import Teaching

/// `fluosynth explain`: the teaching page for one sample of a spec.
public enum ExplainRun {
    /// The explanation's page, written as `directory/index.html` with its pictures.
    public static func run(specPath: String, directory: String, sample: Int, sweep: String?,
                           threads: Int = Parallel.availableCores) throws -> ExplainPage {
        let page = ExplainPage(try Explanation(specPath: specPath, sample: sample, sweep: sweep, threads: threads))
        try page.write(to: directory)
        return page
    }
}

import DataIO
import Foundation
import Imaging
@testable import Teaching
import Testing
import TestSupport
@testable import Workflows  // the cross-check that the page shows what generate makes

/// A spec with out-of-focus layers: the explain page traces the haze stage and still shows
/// the very pixels `generate` writes.
@Suite("Explain page with out-of-focus light")
struct OutOfFocusPageTests {
    @Test func hazeStageIsTracedAsGenerateMakesIt() throws {
        let folder = TestPaths.temporaryDirectory("explain-haze")
        let example = try String(contentsOfFile: TestPaths.packageRoot + "/Examples/loop-microtubules.yaml", encoding: .utf8)
        let spec = example.replacingOccurrences(of: "  background: {amplitude: [0.05, 0.3], feature_size_um: 3}",
                                                with: "  background: {amplitude: [0.05, 0.3], feature_size_um: 3}\n  out_of_focus: {thickness_um: 3, weight: 0.5}")
        #expect(spec != example)
        let path = folder + "/haze.yaml"
        try spec.write(toFile: path, atomically: true, encoding: .utf8)
        let explanation = try Explanation(specPath: path, sample: 2, sweep: nil, threads: 2)
        #expect(explanation.trace.stages.map(\.name).contains("out-of-focus"))
        let plan = try Generator.plan(GenerateOptions(specPath: path))
        let rendered = try SampleRenderer(spec: plan.spec, cache: ImagingCache(folder: plan.spec.folder), samples: 3).render(2)
        #expect(rendered.inputs[0].channels[0].shape == [128, 128] && explanation.trace.recorded.image.shape == [64, 64])
        let camera = try plan.spec.template.conditions[0].acquisition.onGroundTruthGrid(explanation.trace.recorded.image, groundTruthShape: [128, 128])
        #expect(rendered.inputs[0].channels[0] == camera)
        let page = ExplainPage(explanation)
        try page.write(to: folder + "/page")
        let html = try String(contentsOfFile: folder + "/page/index.html", encoding: .utf8)
        #expect(html.contains("Out-of-focus light") && html.contains("defocused"))
    }
}

import Foundation
import Testing
import TestSupport
@testable import Teaching
@testable import TeachingServer

/// The live page's renders: the latest request wins, one overtaken while it waited is dropped
/// without rendering, and recent pages are kept for their pictures.
@Suite("Live explain renders")
struct RenderStateTests {
    static let session = try! LiveSession(specPath: TestPaths.packageRoot + "/Examples/snr-ladder.yaml", sample: 0, threads: 2,
                                          presets: .init(folders: [TestPaths.packageRoot + "/Phantoms"]))

    @Test func anOvertakenRequestIsDroppedAndTheLatestRendered() async throws {
        let state = RenderState()
        let stale = state.ticket(), latest = state.ticket()
        let rendered = Counter()
        let dropped = try await state.render(ticket: stale) { rendered.add(); return try Self.session.render([:]) }
        #expect(dropped == nil && rendered.value == 0, "a request overtaken before its turn is not rendered")
        let page = try #require(try await state.render(ticket: latest) { rendered.add(); return try Self.session.render(["optics.na": "1.1"]) })
        #expect(rendered.value == 1 && page.id == 1 && page.milliseconds >= 0)
        #expect(state.page(1)?.explanation.optics?.report.lateralFWHMUm == page.page.explanation.optics?.report.lateralFWHMUm)
        #expect(state.page(2) == nil)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var value: Int { lock.withLock { count } }
        func add() { lock.withLock { count += 1 } }
    }
}

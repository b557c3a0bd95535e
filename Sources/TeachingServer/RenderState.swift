import Foundation
import Teaching

/// The server's renders: tickets in request order, one render at a time on a queue of its own
/// (off the server's threads), a request overtaken while it waited dropped, and the recent
/// pages kept for their pictures.
final class RenderState: @unchecked Sendable {
    private let lock = NSLock()
    private let queue = DispatchQueue(label: "fluosynth.explain.render")
    private var issued = 0
    private var rendered = 0
    private var pages: [(id: Int, page: ExplainPage)] = []

    /// The next request's ticket.
    func ticket() -> Int { lock.withLock { issued += 1; return issued } }

    /// The page `body` explains, its render id and the milliseconds it took; `nil` when a newer
    /// ticket was issued before this one's turn came.
    func render(ticket: Int, _ body: @escaping @Sendable () throws -> Explanation) async throws -> (id: Int, page: ExplainPage, milliseconds: Int)? {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                guard ticket == lock.withLock({ issued }) else { return continuation.resume(returning: nil) }
                let start = ContinuousClock.now
                do {
                    let page = ExplainPage(try body())
                    let elapsed = ContinuousClock.now - start
                    let milliseconds = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
                    continuation.resume(returning: (keep(page), page, milliseconds))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// A recent render's page.
    func page(_ id: Int) -> ExplainPage? { lock.withLock { pages.first { $0.id == id }?.page } }

    private func keep(_ page: ExplainPage) -> Int {
        lock.withLock {
            rendered += 1
            pages.append((rendered, page))
            if pages.count > ExplainServer.keptRenders { pages.removeFirst() }
            return rendered
        }
    }
}

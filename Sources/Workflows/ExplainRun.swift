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

    /// Serves the live page for sample `sample` of the spec until the process is stopped;
    /// `ready` gets the page's address once the server listens.
    public static func serve(specPath: String, sample: Int, host: String, port: UInt16, threads: Int,
                             ready: @Sendable @escaping (String) -> Void) throws {
        let session = try LiveSession(specPath: specPath, sample: sample, threads: threads)
        let name = session.document.node(atKeyPath: "name")?.string ?? URL(fileURLWithPath: specPath).lastPathComponent
        let server = try ExplainServer(session: session, title: "How a microscope records sample \(sample) of \(name)", host: host, port: port)
        // Ctrl-C and SIGTERM stop the server even where the parent started it with them blocked
        // (a child inherits its parent's signal mask; a test runner's threads block them).
        var stopping = sigset_t()
        sigemptyset(&stopping)
        sigaddset(&stopping, SIGINT)
        sigaddset(&stopping, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
        let failure = FailureBox()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await server.run(ready: ready) } catch { failure.error = error }
            done.signal()
        }
        done.wait()
        if let error = failure.error { throw error }
    }
}

/// The error a server task ended with, read once it has ended.
private final class FailureBox: @unchecked Sendable {
    var error: Error?
}

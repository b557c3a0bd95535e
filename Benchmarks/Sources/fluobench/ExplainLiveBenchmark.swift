import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Workflows

/// Latency of the live explain page: `fluosynth explain --serve`'s server in this process,
/// asked over HTTP for renders with NA changing each time, as a student's slider asks.
struct ExplainLiveBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain-live",
        abstract: "Render latency of explain --serve: a 256×256 2-D spec and a 32×128×128 3-D one, median and 95th percentile."
    )

    @Option(help: "Requests per case.")
    var requests: Int = 20

    @Option(help: "Threads for rendering (default: all cores).")
    var threads: Int = Parallel.availableCores

    func run() throws {
        print("machine: \(Measure.machine); threads \(threads)")
        print("| case | requests | median | 95th percentile | server's render (median) |")
        print("|---|---|---|---|---|")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../..").standardized.path
        let cases = [("2-D 256×256, snr-ladder", "Examples/snr-ladder.yaml", ""),
                     ("3-D 32×128×128, spheres-3d-rcan", "Examples/spheres-3d-rcan.yaml", "&shape=32,128,128")]
        for (name, spec, extra) in cases {
            let session = try LiveSession(specPath: root + "/" + spec, sample: 0, threads: threads)
            let server = try ExplainServer(session: session, title: name)
            let address = Address()
            let ready = DispatchSemaphore(value: 0)
            let task = Task { try await server.run { address.value = $0; ready.signal() } }
            ready.wait()
            var latencies: [Double] = [], renders: [Double] = []
            for index in 0..<(requests + 1) {
                let na = 1.0 + 0.01 * Double(index % 20)
                let clock = ContinuousClock()
                var answer: [String: Any] = [:]
                let elapsed = try clock.measure { answer = try get(address.value + "render?optics.na=\(na)" + extra) }
                guard index > 0 else { continue }   // the first warms the PSF cache and allocator
                latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                renders.append((answer["render_ms"] as? Double ?? Double(answer["render_ms"] as? Int ?? -1)) / 1000)
            }
            task.cancel()
            latencies.sort()
            renders.sort()
            let p95 = latencies[Swift.min(latencies.count - 1, Int((0.95 * Double(latencies.count)).rounded(.up)) - 1)]
            print("| \(name) | \(requests) | \(Measure.format(latencies[latencies.count / 2])) | \(Measure.format(p95)) | \(Measure.format(renders[renders.count / 2])) |")
        }
    }

    /// GET `url` as JSON.
    private func get(_ url: String) throws -> [String: Any] {
        let semaphore = DispatchSemaphore(value: 0)
        let box = Address()
        URLSession.shared.dataTask(with: URL(string: url)!) { data, _, _ in
            box.data = data ?? Data()
            semaphore.signal()
        }.resume()
        semaphore.wait()
        guard let object = try JSONSerialization.jsonObject(with: box.data) as? [String: Any], object["error"] == nil else {
            throw ValidationError("\(url): \(String(decoding: box.data, as: UTF8.self).prefix(300))")
        }
        return object
    }
}

/// Values handed between the server's task or URLSession's queue and the benchmark's thread.
private final class Address: @unchecked Sendable {
    var value = ""
    var data = Data()
}

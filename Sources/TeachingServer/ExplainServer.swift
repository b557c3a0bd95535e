import FlyingFox
import Foundation
import Teaching

/// `fluosynth explain --serve`: a local web server for one `LiveSession`.
///
/// Routes (GET only): `/` the page; `/render?KEY=VALUE…` a render as JSON (the explain page's
/// sections, its numbers and summary, the time it took), or HTTP 400 with the message and the
/// parameter for a bad setting; `/r/<render>/images/<name>` the pictures of a recent render;
/// `/spec.yaml?KEY=VALUE…` the settings as a spec. No path or file name comes from the client:
/// settings are the session's controls, validated as spec values; a request line is at most
/// `maximumTarget` bytes. One render runs at a time; a request overtaken by a newer one while
/// it waits is answered `{"superseded": true}` without rendering.
public final class ExplainServer: Sendable {
    public let session: LiveSession
    let title: String
    let server: HTTPServer
    /// host:port as asked, for messages.
    let address: String
    let state = RenderState()

    /// The longest request target (path and query) answered.
    static let maximumTarget = 4096
    /// Renders kept for their pictures.
    static let keptRenders = 12

    /// A server for `session` on `host` (an IPv4 address; loopback unless told otherwise) and
    /// `port` (0: a free one).
    public init(session: LiveSession, title: String, host: String = "127.0.0.1", port: UInt16 = 0) throws {
        self.session = session
        self.title = title
        address = "\(host):\(port)"
        server = HTTPServer(address: try .inet(ip4: host, port: port), logger: .disabled)
    }

    /// Serves until the task is cancelled; `ready` gets the address once it listens.
    public func run(ready: @Sendable @escaping (String) -> Void) async throws {
        await server.appendRoute("GET /") { [self] _ in
            ExplainServer.response(.ok, "text/html; charset=utf-8", Data(LivePage.html(session, title: title).utf8))
        }
        await server.appendRoute("GET /render") { [self] request in await render(request) }
        await server.appendRoute("GET /spec.yaml") { [self] request in
            await ExplainServer.answering {
                let yaml = try session.document(applying: try ExplainServer.settings(request)).yaml()
                var response = ExplainServer.response(.ok, "application/yaml; charset=utf-8", Data(yaml.utf8))
                response.headers[HTTPHeader("Content-Disposition")] = #"attachment; filename="spec.yaml""#
                return response
            }
        }
        await server.appendRoute("GET /r/*") { [self] request in picture(request) }
        let task = Task { try await server.run() }
        do {
            try await server.waitUntilListening()
        } catch {
            task.cancel()
            // The server's own error (e.g. the port is taken) says more than the wait's timeout.
            if case let .failure(reason) = await task.result { throw TeachingError.invalidRequest("cannot listen on \(address): \(reason)") }
            throw TeachingError.invalidRequest("cannot listen on \(address): \(error)")
        }
        if case let .ip4(address, port)? = await server.listeningAddress { ready("http://\(address):\(port)/") }
        try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    func render(_ request: HTTPRequest) async -> HTTPResponse {
        await ExplainServer.answering {
            let settings = try ExplainServer.settings(request)
            let ticket = state.ticket()
            guard let (id, page, milliseconds) = try await state.render(ticket: ticket, { [session] in try session.render(settings) }) else {
                return ExplainServer.json(.ok, ["superseded": true])
            }
            return ExplainServer.json(.ok, LiveAnswer(page, render: id, milliseconds: milliseconds).json)
        }
    }

    func picture(_ request: HTTPRequest) -> HTTPResponse {
        // /r/<render>/images/<name>.png
        let parts = request.path.split(separator: "/", maxSplits: 2).map(String.init)
        guard parts.count == 3, let id = Int(parts[1]), let page = state.page(id), let png = try? page.png(at: parts[2]) else {
            return ExplainServer.response(.notFound, "text/plain", Data("no such picture (renders are kept for a while only)".utf8))
        }
        var response = ExplainServer.response(.ok, "image/png", png)
        response.headers[HTTPHeader("Cache-Control")] = "max-age=3600"
        return response
    }

    /// The request's settings (its query), refused when the target is too long.
    static func settings(_ request: HTTPRequest) throws -> [String: String] {
        guard request.path.utf8.count + request.query.reduce(0, { $0 + $1.name.utf8.count + $1.value.utf8.count + 2 }) <= maximumTarget else {
            throw LiveRequestError(parameter: "request", message: "the request is longer than \(maximumTarget) bytes")
        }
        return Dictionary(request.query.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// `body`'s response; HTTP 400 with the message and parameter of a bad setting, 500 with
    /// the message of anything else.
    static func answering(_ body: () async throws -> HTTPResponse) async -> HTTPResponse {
        do {
            return try await body()
        } catch let error as LiveRequestError {
            return json(.badRequest, ["error": error.description, "parameter": error.parameter])
        } catch {
            return json(.internalServerError, ["error": "\(error)", "parameter": ""])
        }
    }

    static func json(_ status: HTTPStatusCode, _ object: [String: Any]) -> HTTPResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return response(status, "application/json", data)
    }

    static func response(_ status: HTTPStatusCode, _ type: String, _ body: Data) -> HTTPResponse {
        HTTPResponse(statusCode: status, headers: [.contentType: type], body: body)
    }
}

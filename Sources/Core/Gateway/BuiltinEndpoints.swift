import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The gateway's own endpoints: `/__health`, `/__debug/…` and `/__echo/…`.
struct BuiltinEndpoints: Sendable {
    let healthPath: String?
    let debug: Bool
    let echo: Bool
    let logger: Logger
    let responder: EndpointResponder

    /// The handler for a path, if it is one of the built-ins.
    func match(method: HTTPMethod, path: Substring) -> (@Sendable (IncomingRequest, ResponseWriter) async -> Void)? {
        // Health answers GET (and HEAD), as gin registers it; debug and echo any method.
        if let healthPath, path == healthPath, method == .GET || method == .HEAD { return { _, w in health(w) } }
        if debug, path == "/__debug" || path.hasPrefix("/__debug/") { return debugHandler }
        if echo, path == "/__echo" || path.hasPrefix("/__echo/") { return echoHandler }
        return nil
    }

    func health(_ writer: ResponseWriter) {
        let now = Self.goTimeFormatter.string(from: Date())
        let body = Value.object(["agents": .object([:]), "now": .string(now), "status": .string("ok")])
        writer.respond(status: .ok, headers: jsonHeaders(), body: ByteBuffer(bytes: body.jsonBytes))
    }

    @Sendable func debugHandler(_ request: IncomingRequest, _ writer: ResponseWriter) async {
        let body = try? await request.body.collect(upTo: 1 << 20)
        logger.debug("debug endpoint", metadata: [
            "method": "\(request.head.method.rawValue)", "uri": "\(request.head.uri)",
            "headers": "\(request.head.headers.map { "\($0.name): \($0.value)" })",
            "body": "\(body.map { String(buffer: $0) } ?? "")",
        ])
        writer.respond(status: .ok, headers: jsonHeaders(), body: ByteBuffer(string: #"{"message":"pong"}"#))
    }

    @Sendable func echoHandler(_ request: IncomingRequest, _ writer: ResponseWriter) async {
        let body = try? await request.body.collect(upTo: 1 << 20)
        let uri = request.head.uri
        let (path, rawQuery) = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).map(String.init).splitPair()
        var query: [String: Value] = [:]
        for (k, v) in QueryString(parsing: rawQuery[...]).pairs {
            query[k, default: .array([])] = .array((query[k]?.arrayValue ?? []) + [.string(v)])
        }
        var headers: [String: Value] = [:]
        for (name, value) in request.head.headers {
            let key = CanonicalHeader.name(name)
            headers[key] = .array((headers[key]?.arrayValue ?? []) + [.string(value)])
        }
        let host = request.head.headers.first(name: "host") ?? ""
        let echo = Value.object([
            "req_uri": .string(uri),
            "req_uri_details": .object([
                "user": .string(""), "host": .string(host), "path": .string(path),
                "query": .string(rawQuery.isEmpty ? "" : "?" + rawQuery), "fragment": .string(""),
            ]),
            "req_method": .string(request.head.method.rawValue),
            "req_querystring": .object(query),
            "req_body": .string(body.map { String(buffer: $0) } ?? ""),
            "req_headers": .object(headers),
        ])
        writer.respond(status: .ok, headers: jsonHeaders(), body: ByteBuffer(bytes: echo.jsonBytes))
    }

    func jsonHeaders() -> HTTPHeaders {
        var headers = responder.baseHeaders(completed: true)
        headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        return headers
    }

    /// Go's default `time.Time` rendering, as KrakenD's health answer shows it.
    static let goTimeFormatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSSSSSSSS Z zzz"
        return f
    }()
}

extension Array where Element == String {
    fileprivate func splitPair() -> (String, String) { (self.first ?? "", self.count > 1 ? self[1] : "") }
}

import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import NIOPosix

/// A backend for tests, served by the gateway's own listener on an ephemeral
/// loopback port. Paths:
/// - `/echo/...`: JSON of what it received (method, path, query, headers,
///   header_names as sent, body)
/// - `/status/{code}`: that status with a small text body
/// - `/slow/{ms}`: answers after a delay
/// - `/redirect/{code}`: redirects to `/echo/redirected`
/// - `/array`: a JSON array; `/gzip`: a gzip-compressed JSON object
/// - `/cookies`: sets two cookies; `/big/{kb}`: a streamed body of that size
/// - `/reset`: closes the connection without answering
/// - `/count`: reads the body as it streams and answers only its size,
///   `{"bytes":N}`, so that large uploads stay light
/// - `/json?body=<urlencoded>&status=<code>&type=<content-type>`: answers that
///   body as written (default status 200, type `application/json`; `type=none`
///   sends no Content-Type)
/// - any path given to `serve(_:json:)` (Support/BackendFixtures.swift): that
///   canned answer, before every route above
final class EchoBackend: @unchecked Sendable {
    let server: GatewayServer
    var port: Int { server.port }
    var url: String { "http://127.0.0.1:\(port)" }
    private let counter = Counter()

    static func start() async throws -> EchoBackend {
        let app = EchoApp()
        var settings = ServerSettings()
        settings.host = "127.0.0.1"
        settings.port = 0
        let server = try await GatewayServer.start(settings: settings, app: app, group: MultiThreadedEventLoopGroup.singleton)
        return EchoBackend(server: server, app: app)
    }

    let app: EchoApp
    private init(server: GatewayServer, app: EchoApp) {
        self.server = server
        self.app = app
    }

    var requestCount: Int { app.counter.value }

    func stop() async { await server.shutdown(deadline: .seconds(2)) }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func increment() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

final class EchoApp: HTTPApplication {
    let counter = Counter()
    let fixtures = FixtureStore()

    func prepare(_ head: HTTPRequestHead, connection: ConnectionInfo) -> PreparedRequest {
        counter.increment()
        return PreparedRequest(bodyMode: .streamed) { request, writer in
            await self.handle(request, writer)
        }
    }

    func handle(_ request: IncomingRequest, _ writer: ResponseWriter) async {
        let uri = request.head.uri
        let path = String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
        let rawQuery = uri.contains("?") ? String(uri.split(separator: "?", maxSplits: 1)[1]) : ""
        let segments = path.split(separator: "/").map(String.init)
        if segments.first == "count" {
            await countBody(request, writer)
            return
        }
        let body = (try? await request.body.collect()) ?? nil
        if let fixture = fixtures.take(path) {
            await FixtureStore.answer(fixture, writer)
            return
        }
        var json = HTTPHeaders()
        json.add(name: "Content-Type", value: "application/json")

        switch segments.first {
        case "json":
            let query = QueryString(parsing: rawQuery[...])
            let type = query.values("type").first ?? "application/json"
            var h = HTTPHeaders()
            if type != "none" { h.add(name: "Content-Type", value: type) }
            let status = query.values("status").first.flatMap { Int($0) } ?? 200
            writer.respond(status: HTTPResponseStatus(statusCode: status), headers: h, body: ByteBuffer(string: query.values("body").first ?? ""))
        case "status":
            let code = Int(segments.dropFirst().first ?? "500") ?? 500
            var h = HTTPHeaders()
            h.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            writer.respond(status: HTTPResponseStatus(statusCode: code), headers: h, body: ByteBuffer(string: "status \(code)\n"))
        case "slow":
            let ms = Int(segments.dropFirst().first ?? "100") ?? 100
            try? await Task.sleep(for: .milliseconds(ms))
            writer.respond(status: .ok, headers: json, body: ByteBuffer(string: #"{"slow":true}"#))
        case "redirect":
            var h = HTTPHeaders()
            h.add(name: "Location", value: "/echo/redirected")
            let code = Int(segments.dropFirst().first ?? "302") ?? 302
            writer.respond(status: HTTPResponseStatus(statusCode: code), headers: h, body: nil)
        case "array":
            writer.respond(status: .ok, headers: json, body: ByteBuffer(string: #"[1,2,3]"#))
        case "gzip":
            var h = json
            h.add(name: "Content-Encoding", value: "gzip")
            writer.respond(status: .ok, headers: h, body: ByteBuffer(bytes: Self.gzippedHello))
        case "cookies":
            var h = json
            h.add(name: "Set-Cookie", value: "a=1")
            h.add(name: "Set-Cookie", value: "b=2")
            writer.respond(status: .ok, headers: h, body: ByteBuffer(string: #"{"cookies":2}"#))
        case "big":
            let kb = Int(segments.dropFirst().first ?? "1024") ?? 1024
            do {
                try await writer.writeHead(status: .ok, headers: HTTPHeaders([("Content-Type", "application/octet-stream")]))
                let chunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 1024)
                for _ in 0..<kb { try await writer.writeBody(chunk) }
                try await writer.end()
            } catch { writer.abort() }
        case "cacheable":
            // `/cacheable/{cache-control}`: the answer counts how often it was asked for.
            var h = json
            h.add(name: "Cache-Control", value: segments.dropFirst().first?.removingPercentEncoding ?? "max-age=60")
            writer.respond(status: .ok, headers: h, body: ByteBuffer(string: #"{"served":\#(counter.value)}"#))
        case "reset":
            writer.abort()
        default:
            var headers: [String: Value] = [:]
            for (name, value) in request.head.headers {
                let key = CanonicalHeader.name(name)
                if key == "Host" { continue }
                headers[key] = .array((headers[key]?.arrayValue ?? []) + [.string(value)])
            }
            var query: [String: Value] = [:]
            for (k, v) in QueryString(parsing: rawQuery[...]).pairs {
                query[k] = .array((query[k]?.arrayValue ?? []) + [.string(v)])
            }
            let echo = Value.object([
                "method": .string(request.head.method.rawValue),
                "path": .string(path),
                "query": .object(query),
                "headers": .object(headers),
                // The names as they came on the wire (`headers` is keyed canonically).
                "header_names": .array(request.head.headers.map { .string($0.name) }),
                "body": .string(body.map { String(buffer: $0) } ?? ""),
            ])
            writer.respond(status: .ok, headers: json, body: ByteBuffer(bytes: echo.jsonBytes))
        }
    }

    /// Counts the body's bytes without keeping them.
    func countBody(_ request: IncomingRequest, _ writer: ResponseWriter) async {
        var total = 0
        do {
            switch request.body {
            case .buffered(let buffer): total = buffer?.readableBytes ?? 0
            case .streamed(let stream): for try await chunk in stream { total += chunk.readableBytes }
            }
        } catch {
            writer.abort()
            return
        }
        let headers = HTTPHeaders([("Content-Type", "application/json")])
        writer.respond(status: .ok, headers: headers, body: ByteBuffer(string: #"{"bytes":\#(total)}"#))
    }

    /// gzip of `{"hello":"world"}`.
    static let gzippedHello: [UInt8] = [
        0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0xab, 0x56, 0xca, 0x48, 0xcd, 0xc9,
        0xc9, 0x57, 0xb2, 0x52, 0x2a, 0xcf, 0x2f, 0xca, 0x49, 0x51, 0xaa, 0x05, 0x00, 0xd1, 0x41, 0x09,
        0xd8, 0x11, 0x00, 0x00, 0x00,
    ]
}

import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import NIOSSL
import Testing

/// The listener: one port for HTTP/1.1, h2c and TLS (ALPN), the root
/// timeouts, header limits, malformed input and graceful shutdown.
@Suite("Server", .serialized)
struct ServerTests {
    static func config(_ extra: String = "", backend: String = "http://127.0.0.1:1") -> String {
        """
        {"version": 3, "debug_endpoint": true \(extra),
         "endpoints": [
           {"endpoint": "/echo", "backend": [{"host": ["\(backend)"], "url_pattern": "/echo/x"}]},
           {"endpoint": "/slow", "backend": [{"host": ["\(backend)"], "url_pattern": "/slow/600"}]}
         ]}
        """
    }

    @Test func servesHTTP1AndH2CPriorKnowledgeOnTheSamePort() async throws {
        let backend = try await EchoBackend.start()
        let gateway = try await GatewayHarness.start(Self.config(backend: backend.url))
        do {
            let h1 = try await TestHTTP.request(gateway.url + "/echo")
            #expect(h1.status == 200)
            #expect(h1.json?["path"] == .string("/echo/x"))
            let h2 = try await HTTP2PriorKnowledgeClient.get(port: gateway.port, path: "/echo")
            #expect(h2.status == 200)
            #expect(h2.headers.first(name: "x-krakend-completed") == "true")
            #expect((try? Value(json: h2.body))?["path"] == .string("/echo/x"))
        }
        await gateway.stop()
        await backend.stop()
    }

    @Test func servesHTTP2AndHTTP1OverTLSWithALPN() async throws {
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        let tls = #", "tls": {"keys": [{"public_key": "\#(fixtures.path)/test-cert.pem", "private_key": "\#(fixtures.path)/test-key.pem"}]}"#
        let gateway = try await GatewayHarness.start(Self.config(tls))
        for version in [HTTPClient.Configuration.HTTPVersion.automatic, .http1Only] {
            var configuration = HTTPClient.Configuration()
            configuration.tlsConfiguration = .makeClientConfiguration()
            configuration.tlsConfiguration?.certificateVerification = .none
            configuration.httpVersion = version
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                let response = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(gateway.port)/__debug/tls"), timeout: .seconds(10))
                #expect(response.status == .ok)
                #expect(response.version == (version == .http1Only ? .http1_1 : .http2))
                let body = try await response.body.collect(upTo: 1024)
                #expect(String(buffer: body) == #"{"message":"pong"}"#)
            } catch {
                Issue.record("TLS request failed: \(error)")
            }
            try await client.shutdown()
        }
        await gateway.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let gateway = try await GatewayHarness.start(Self.config())
        let raw = try await RawSocket.exchange(port: gateway.port,
            "GET /__debug/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /nope HTTP/1.1\r\nHost: a\r\n\r\nGET /__health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        // Responses follow each other with nothing in between: split on the status lines.
        let statuses = raw.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.components(separatedBy: "\r\n")[0] }
        #expect(statuses == ["200 OK", "404 Not Found", "200 OK"])
        #expect(raw.contains(#"{"message":"pong"}"#))
        #expect(raw.contains("404 page not found"))
        await gateway.stop()
    }

    /// A body too large to share a write with its head, on a connection the
    /// client asked to close: all of it leaves before the close (also after
    /// a HEAD request, which gets the head alone).
    @Test func aLargeAnswerArrivesWholeBeforeTheConnectionCloses() async throws {
        let backend = try await EchoBackend.start()
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 100_000)
        backend.serve("/large", bytes: body, headers: [("Content-Type", "text/plain")])
        let raw = try await RawSocket.exchangeBytes(port: backend.port, Array("GET /large HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n".utf8))
        let text = String(decoding: raw, as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK"))
        #expect(text.components(separatedBy: "\r\n\r\n").last?.utf8.count == 100_000)
        backend.serve("/large", bytes: body, headers: [("Content-Type", "text/plain")])
        let head = try await RawSocket.exchange(port: backend.port, "HEAD /large HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK"))
        #expect(head.hasSuffix("\r\n\r\n"))
        await backend.stop()
    }

    @Test func oversizeHeadersAre431() async throws {
        let gateway = try await GatewayHarness.start(Self.config(#", "max_header_bytes": 1000"#))
        let big = String(repeating: "a", count: 8000)
        let raw = try await RawSocket.exchange(port: gateway.port, "GET /__debug/ HTTP/1.1\r\nHost: a\r\nX-Big: \(big)\r\n\r\n")
        #expect(raw.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large"))
        // Within the limit, the same request is served.
        let small = try await RawSocket.exchange(port: gateway.port, "GET /__debug/ HTTP/1.1\r\nHost: a\r\nX-Small: abc\r\nConnection: close\r\n\r\n")
        #expect(small.hasPrefix("HTTP/1.1 200 OK"))
        await gateway.stop()
    }

    @Test(arguments: [
        ("conflicting Content-Length and Transfer-Encoding", "POST /__debug/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("two different Content-Length", "POST /__debug/ HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello1"),
        ("a malformed request line", "GARBAGE\r\n\r\n"),
        ("a header without colon", "GET /__debug/ HTTP/1.1\r\nHost a\r\n\r\n"),
        ("a bad chunk size", "POST /__debug/ HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
    ])
    func badRequestsAre400AndTheServerKeepsServing(name: String, request: String) async throws {
        let gateway = try await GatewayHarness.start(Self.config())
        let raw = try await RawSocket.exchange(port: gateway.port, request)
        #expect(raw.hasPrefix("HTTP/1.1 400"), "\(name): \(raw)")
        let after = try await TestHTTP.request(gateway.url + "/__health")
        #expect(after.status == 200)
        await gateway.stop()
    }

    @Test func readHeaderTimeoutClosesASlowClient() async throws {
        let gateway = try await GatewayHarness.start(Self.config(#", "read_header_timeout": "200ms""#))
        // The head never ends: the server must hang up rather than wait forever.
        let raw = try await RawSocket.exchange(port: gateway.port, "GET /__debug/ HTTP/1.1\r\nHost: a\r\n", timeout: 5)
        #expect(raw.isEmpty)
        await gateway.stop()
    }

    @Test func idleTimeoutClosesAKeptAliveConnection() async throws {
        let gateway = try await GatewayHarness.start(Self.config(#", "idle_timeout": "200ms""#))
        let raw = try await RawSocket.exchange(port: gateway.port, "GET /__debug/ HTTP/1.1\r\nHost: a\r\n\r\n", timeout: 5)
        // Answered, then closed by the server (RawSocket reads until the peer closes).
        #expect(raw.hasPrefix("HTTP/1.1 200 OK"))
        await gateway.stop()
    }

    @Test func shutdownDrainsInFlightRequests() async throws {
        let backend = try await EchoBackend.start()
        let gateway = try await GatewayHarness.start(Self.config(backend: backend.url))
        async let slow = TestHTTP.request(gateway.url + "/slow")
        try await Task.sleep(for: .milliseconds(200))
        await gateway.server.shutdown(deadline: .seconds(5))
        let response = try await slow
        #expect(response.status == 200)
        #expect(response.json?["slow"] == .bool(true))
        // Nothing listens any more.
        await #expect(throws: (any Error).self) { try await RawSocket.exchange(port: gateway.port, "GET /__health HTTP/1.1\r\n\r\n") }
        await gateway.client.shutdown()
        await backend.stop()
    }

    @Test func shutdownClosesIdleHTTP2ConnectionsWithGoaway() async throws {
        let gateway = try await GatewayHarness.start(Self.config())
        // An h2c connection that made one request and now sits idle.
        let (channel, _) = try await HTTP2PriorKnowledgeClient.connect(port: gateway.port)
        let closed = channel.eventLoop.makePromise(of: Bool.self)
        channel.closeFuture.whenComplete { _ in closed.succeed(true) }
        // Bounded: a connection the server leaves open fails the test instead of hanging it.
        let giveUp = channel.eventLoop.scheduleTask(in: .seconds(10)) { closed.succeed(false) }
        await gateway.server.shutdown(deadline: .seconds(10))
        #expect(try await closed.futureResult.get(), "the idle HTTP/2 connection was not closed by the shutdown")
        giveUp.cancel()
        channel.close(promise: nil)
        await gateway.client.shutdown()
    }

    @Test func anH2CRequestInTheSamePacketAsThePrefaceIsAnswered() async throws {
        try await withGateway(Self.config()) { gateway in
            // GET /__health in the first packet, right after the preface: the
            // sniffer hands these bytes on outside the socket's read.
            let path = Array("/__health".utf8), authority = Array("localhost".utf8)
            let block = [0x82, 0x86, 0x04, UInt8(path.count)] + path + [0x01, UInt8(authority.count)] + authority
            let headers = GRPCServerTests.frame(1, flags: 0x05, stream: 1, block)
            let reply = try await RawSocket.exchangeBytes(port: gateway.port, GRPCServerTests.preface + headers, timeout: 3)
            let frames = GRPCServerTests.frames(in: reply)
            #expect(frames.contains { $0.type == 1 && $0.stream == 1 }, "no answer on stream 1: \(frames)")
            // HTTP/2 allows a request without :authority: it is answered too, not reset.
            let bare = GRPCServerTests.frame(1, flags: 0x05, stream: 1, [0x82, 0x86, 0x04, UInt8(path.count)] + path)
            let bareFrames = GRPCServerTests.frames(in: try await RawSocket.exchangeBytes(port: gateway.port, GRPCServerTests.preface + bare, timeout: 3))
            #expect(bareFrames.contains { $0.type == 1 && $0.stream == 1 }, "no answer without :authority: \(bareFrames)")
        }
    }
}

import Foundation
import GatewayCore
import GatewayGRPC
import NIOCore
import NIOPosix
import Testing

/// The gRPC server on the REST port (`extra_config.grpc.server`): methods
/// served from HTTP backends, the status mapping, the protocol's limits and
/// bad calls, health. Calls go through the project's gRPC client or frame by
/// frame (`RawGRPCCall`); Tests/interop/grpc/gateway_suite.py does the same
/// with grpcio, against gRPC backends, over TLS and through reflection.
@Suite struct GRPCServerTests {
    static let catalogPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/grpc/inspect.pb").path
    static let catalog = try! GRPCCatalog.load([catalogPath])
    static let client = try! GRPCClient(group: MultiThreadedEventLoopGroup.singleton)
    static let echo = "/gateway.test.Inspect/Echo"

    /// A gateway whose `gateway.test.Inspect` service has the methods given,
    /// and a REST endpoint `/rest` on the same backend.
    static func config(_ backend: EchoBackend, methods: String) -> String {
        """
        {"version": 3, "timeout": "10s", "host": ["\(backend.url)"],
         "extra_config": {"grpc": {"catalog": ["\(catalogPath)"],
           "server": {"services": [{"name": "gateway.test.Inspect", "methods": [\(methods)]}]}}},
         "endpoints": [{"endpoint": "/rest", "backend": [{"url_pattern": "/json?body=%7B%22rest%22%3Atrue%7D"}]}]}
        """
    }

    struct Answer {
        var status: GRPCStatusCode
        var message: String
        var headers: GRPCMetadata
        var reply: Value?
    }

    /// A unary call with a request given as data.
    static func call(_ port: Int, _ request: Value, path: String = echo, metadata: [(String, String)] = [],
                     timeout: Duration = .seconds(10)) async throws -> Answer {
        let method = try #require(catalog.method(path: path))
        let bytes = try MessageEncoder(catalog: catalog).encode(request, as: method.input)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let response = try await client.unary(host: "127.0.0.1:\(port)", path: path, message: bytes, metadata: metadata,
                                              deadline: .now() + TimeAmount(timeout), on: loop).get()
        var reply: Value?
        if response.status == .ok, let body = response.body {
            reply = try MessageDecoder(catalog: catalog).decode(Array(body.readableBytesView), as: method.output)
        }
        return Answer(status: response.status, message: response.message, headers: response.headers, reply: reply)
    }

    static func withServer(methods: String, _ body: (EchoBackend, GatewayHarness) async throws -> Void) async throws {
        try await withBackendAndGateway({ config($0, methods: methods) }, body)
    }

    @Test func aMethodIsAnEndpointOfHTTPBackendsOnTheRESTPort() async throws {
        try await Self.withServer(methods: """
            {"name": "Echo", "input_headers": ["X-Tenant"], "payload_params": {"id": "id", "page.cursor": "cursor"},
             "backend": [{"url_pattern": "/echo/items/{id}?cursor={cursor}", "group": "received"}]}
            """) { _, gateway in
            let request = try Value(json: #"{"id": "a/b c&d", "page": {"cursor": "p1"}, "count": 3, "tags": ["x"]}"#)
            async let grpc = Self.call(gateway.port, request, metadata: [("x-tenant", "acme"), ("x-secret", "nope")])
            // REST keeps working on the same port, over HTTP/1.1 and h2c, at the same time.
            async let rest = TestHTTP.request(gateway.url + "/rest")
            async let h2c = HTTP2PriorKnowledgeClient.get(port: gateway.port, path: "/rest")
            let (answer, restAnswer, h2cAnswer) = try await (grpc, rest, h2c)
            #expect(restAnswer.body == #"{"rest":true}"#)
            #expect(h2cAnswer.body == #"{"rest":true}"#)
            #expect(answer.status == .ok, "\(answer.message)")
            #expect(answer.headers["x-krakend-completed"] == "true")
            let received = try #require(answer.reply?["received"])
            #expect(received["method"] == .string("POST"))
            // A message value stays one path segment and cannot add a query string.
            #expect(received["path"] == .string("/echo/items/a%2Fb%20c%26d"))
            #expect(received["query"]?["cursor"] == .array([.string("p1")]))
            #expect(received["headers"]?["X-Tenant"] == .array([.string("acme")]))
            #expect(received["headers"]?["X-Secret"] == nil)
            // The backend gets the request message as JSON, unset fields left out.
            let sent = try Value(json: try #require(received["body"]?.stringValue))
            #expect(sent == (try Value(json: #"{"id": "a/b c&d", "page": {"cursor": "p1"}, "count": 3, "tags": ["x"]}"#)))
        }
    }

    @Test func theMergedDataIsEncodedIntoTheResponseMessage() async throws {
        try await Self.withServer(methods: """
            {"name": "Echo", "backend": [
              {"url_pattern": "/json?body=%7B%22text%22%3A%22hi%22%2C%22undeclared%22%3A1%7D"},
              {"url_pattern": "/json?body=%7B%22number%22%3A42%2C%22list%22%3A%5B%22a%22%2C%22b%22%5D%7D", "mapping": {"list": "items"}}]}
            """) { _, gateway in
            let answer = try await Self.call(gateway.port, .object([:]))
            #expect(answer.status == .ok, "\(answer.message)")
            #expect(answer.reply == (try Value(json: #"{"received": null, "text": "hi", "number": 42, "items": ["a", "b"]}"#)))
        }
    }

    @Test func dataThatDoesNotFitTheMessageIsInternal() async throws {
        try await Self.withServer(methods: """
            {"name": "Echo", "backend": [{"url_pattern": "/json?body=%7B%22number%22%3A%22many%22%7D"}]}
            """) { _, gateway in
            let answer = try await Self.call(gateway.port, .object([:]))
            #expect(answer.status == .internal)
            #expect(answer.message.contains("gateway.test.EchoReply"), "\(answer.message)")
            #expect(answer.message.contains("number"), "\(answer.message)")
        }
    }

    @Test(arguments: [(400, GRPCStatusCode.internal), (401, .unauthenticated), (403, .permissionDenied), (404, .unimplemented),
                      (429, .unavailable), (500, .unknown), (502, .unavailable), (503, .unavailable), (504, .unavailable)])
    func httpStatusesBecomeGRPCCodes(_ status: Int, _ code: GRPCStatusCode) async throws {
        try await Self.withServer(methods: """
            {"name": "Echo", "payload_params": {"id": "code"}, "backend": [{"url_pattern": "/status/{code}"}]}
            """) { _, gateway in
            let answer = try await Self.call(gateway.port, .object(["id": .string(String(status))]))
            #expect(answer.status == code, "\(status): \(answer.message)")
        }
    }

    @Test func anUnreachableBackendIsUnavailableAndASlowOneDeadlineExceeded() async throws {
        try await withClosedLoopbackPort { closed in
            try await Self.withServer(methods: """
                {"name": "Echo", "payload_params": {"id": "ms"},
                 "backend": [{"url_pattern": "/slow/{ms}", "host": ["http://127.0.0.1:\(closed)"]}]}
                """) { _, gateway in
                let answer = try await Self.call(gateway.port, .object(["id": .string("1")]))
                #expect(answer.status == .unavailable, "\(answer.message)")
            }
        }
        try await Self.withServer(methods: """
            {"name": "Echo", "payload_params": {"id": "ms"}, "backend": [{"url_pattern": "/slow/{ms}"}]}
            """) { _, gateway in
            // The client's grpc-timeout is the deadline: the server answers DEADLINE_EXCEEDED itself.
            let request = try #require(Self.catalog.method(path: Self.echo))
            let bytes = try MessageEncoder(catalog: Self.catalog).encode(.object(["id": .string("5000")]), as: request.input)
            let answer = try await RawGRPCCall.send(port: gateway.port, path: Self.echo, extra: [("grpc-timeout", "300m")],
                                                    body: RawGRPCCall.frame(bytes))
            #expect(answer.grpcStatus == GRPCStatusCode.deadlineExceeded.rawValue, "\(answer.headerBlocks)")
        }
    }

    @Test func unknownServicesAndMethodsAreUnimplemented() async throws {
        try await Self.withServer(methods: #"{"name": "Echo", "backend": [{"url_pattern": "/echo"}]}"#) { _, gateway in
            let service = try await RawGRPCCall.send(port: gateway.port, path: "/nope.Service/Echo", body: RawGRPCCall.frame([]))
            #expect(service.grpcStatus == GRPCStatusCode.unimplemented.rawValue)
            #expect(service.grpcMessage == "unknown service nope.Service")
            // Trailers-only: one HEADERS block with the HTTP status and the gRPC one.
            #expect(service.headerBlocks.count == 1)
            #expect(service.status == "200")
            let method = try await RawGRPCCall.send(port: gateway.port, path: "/gateway.test.Inspect/Other", body: RawGRPCCall.frame([]))
            #expect(method.grpcMessage == "unknown method Other for service gateway.test.Inspect")
        }
    }

    @Test func badCallsGetTheRightStatusAndTheServerGoesOn() async throws {
        try await Self.withServer(methods: #"{"name": "Echo", "backend": [{"url_pattern": "/json?body=%7B%22text%22%3A%22ok%22%7D"}]}"#) { _, gateway in
            let port = gateway.port
            let malformed = try await RawGRPCCall.send(port: port, path: Self.echo, body: RawGRPCCall.frame([0x0A, 0xFF]))
            #expect(malformed.grpcStatus == GRPCStatusCode.invalidArgument.rawValue, "\(malformed.headerBlocks)")
            let halfSent = try await RawGRPCCall.send(port: port, path: Self.echo, body: Array(RawGRPCCall.frame([0x0A, 1, 0x41]).dropLast()))
            #expect(halfSent.grpcStatus == GRPCStatusCode.internal.rawValue, "\(halfSent.headerBlocks)")
            let longerThanPrefix = try await RawGRPCCall.send(port: port, path: Self.echo, body: RawGRPCCall.frame([]) + [0, 0])
            #expect(longerThanPrefix.grpcStatus == GRPCStatusCode.internal.rawValue, "\(longerThanPrefix.headerBlocks)")
            let twoMessages = try await RawGRPCCall.send(port: port, path: Self.echo, body: RawGRPCCall.frame([]) + RawGRPCCall.frame([]))
            #expect(twoMessages.grpcStatus == GRPCStatusCode.internal.rawValue, "\(twoMessages.headerBlocks)")
            let noMessage = try await RawGRPCCall.send(port: port, path: Self.echo, body: [])
            #expect(noMessage.grpcStatus == GRPCStatusCode.internal.rawValue, "\(noMessage.headerBlocks)")
            let flagWithoutEncoding = try await RawGRPCCall.send(port: port, path: Self.echo, body: RawGRPCCall.frame([], compressed: true))
            #expect(flagWithoutEncoding.grpcStatus == GRPCStatusCode.internal.rawValue)
            let unknownEncoding = try await RawGRPCCall.send(port: port, path: Self.echo, extra: [("grpc-encoding", "snappy")], body: RawGRPCCall.frame([]))
            #expect(unknownEncoding.grpcStatus == GRPCStatusCode.unimplemented.rawValue)
            #expect(unknownEncoding.headerBlocks.last?.first(name: "grpc-accept-encoding") == "gzip")
            let badTimeout = try await RawGRPCCall.send(port: port, path: Self.echo, extra: [("grpc-timeout", "soon")], body: RawGRPCCall.frame([]))
            #expect(badTimeout.grpcStatus == GRPCStatusCode.internal.rawValue)
            // 4 MiB is the receive limit: the prefix alone is enough to refuse.
            let oversize = try await RawGRPCCall.send(port: port, path: Self.echo, body: [0, 0, 0x40, 0, 1], endStream: false)
            #expect(oversize.grpcStatus == GRPCStatusCode.resourceExhausted.rawValue, "\(oversize.headerBlocks)")
            let get = try await RawGRPCCall.send(port: port, path: Self.echo, method: "GET", body: [])
            #expect(get.status == "405")
            // After all that, the server still answers a good call.
            let good = try await Self.call(port, .object([:]))
            #expect(good.status == .ok)
            #expect(good.reply?["text"] == .string("ok"))
        }
    }

    /// HTTP/2 frames written by hand: (type, flags, stream, payload).
    static func frame(_ type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, _ payload: [UInt8]) -> [UInt8] {
        let n = payload.count
        return [UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF), type, flags,
                UInt8(stream >> 24), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)] + payload
    }

    /// The frames in bytes a server sent: (type, stream, first 4 payload bytes as an error code where there is one).
    static func frames(in bytes: [UInt8]) -> [(type: UInt8, stream: UInt32, code: UInt32?)] {
        var out: [(UInt8, UInt32, UInt32?)] = []
        var i = 0
        while i + 9 <= bytes.count {
            let length = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
            let stream = UInt32(bytes[i + 5] & 0x7F) << 24 | UInt32(bytes[i + 6]) << 16 | UInt32(bytes[i + 7]) << 8 | UInt32(bytes[i + 8])
            let payload = Array(bytes[min(i + 9, bytes.count)..<min(i + 9 + length, bytes.count)])
            let be = { (at: Int) -> UInt32? in at + 4 <= payload.count ? payload[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) } : nil }
            let type = bytes[i + 3]
            out.append((type, stream, type == 3 ? be(0) : type == 7 ? be(4) : nil))
            i += 9 + length
        }
        return out
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + frame(4, [])

    @Test func garbageFramesFailTheConnectionAndOthersGoOn() async throws {
        try await Self.withServer(methods: #"{"name": "Echo", "backend": [{"url_pattern": "/json?body=%7B%22text%22%3A%22ok%22%7D"}]}"#) { _, gateway in
            // A DATA frame on stream 0 and a frame of an unknown size: a connection error.
            let (reply, closed) = try await RawSocket.exchangeUntilClosed(port: gateway.port, Self.preface + Self.frame(0, [1, 2, 3]) + [0xFF, 0xFF, 0xFF, 9, 9])
            let goaway = Self.frames(in: reply).first { $0.type == 7 }
            #expect(closed, "the connection stayed open after its error")
            #expect(goaway?.code == 1, "no GOAWAY(PROTOCOL_ERROR) in \(Self.frames(in: reply))")
            #expect(try await Self.call(gateway.port, .object([:])).reply?["text"] == .string("ok"))
        }
    }

    @Test func aFrameForAFinishedStreamDoesNotEndTheConnection() async throws {
        try await Self.withServer(methods: #"{"name": "Echo", "backend": [{"url_pattern": "/json?body=%7B%22text%22%3A%22ok%22%7D"}]}"#) { _, gateway in
            // Clients send RST_STREAM or WINDOW_UPDATE for calls that just ended;
            // here, for stream 1, closed by stream 3 opening first.
            let path = Array(Self.echo.utf8), type = Array("application/grpc".utf8)
            let block: [UInt8] = [0x83, 0x86, 0x04, UInt8(path.count)] + path + [0x0F, 0x10, UInt8(type.count)] + type
            let call = { (stream: UInt32) in
                Self.frame(1, flags: 0x04, stream: stream, block) + Self.frame(0, flags: 0x01, stream: stream, RawGRPCCall.frame([]))
            }
            let bytes = Self.preface + call(3) + Self.frame(3, stream: 1, [0, 0, 0, 8]) + call(5)
            let frames = Self.frames(in: try await RawSocket.exchangeBytes(port: gateway.port, bytes, timeout: 3))
            #expect(frames.contains { $0.type == 1 && $0.stream == 5 }, "no answer on stream 5: \(frames)")
            #expect(!frames.contains { $0.type == 7 }, "the connection was ended: \(frames)")
        }
    }

    @Test func aClientOpeningThousandsOfStreamsIsRefusedBeyondTheLimit() async throws {
        try await Self.withServer(methods: #"{"name": "Echo", "backend": [{"url_pattern": "/json?body=%7B%22text%22%3A%22ok%22%7D"}]}"#) { _, gateway in
            // 2000 calls opened and never finished (no END_STREAM, no message).
            let path = Array(Self.echo.utf8), type = Array("application/grpc".utf8)
            let block: [UInt8] = [0x83, 0x86, 0x04, UInt8(path.count)] + path + [0x0F, 0x10, UInt8(type.count)] + type
            var bytes = Self.preface
            for n in 0..<2000 { bytes += Self.frame(1, flags: 0x04, stream: UInt32(2 * n + 1), block) }
            let request = bytes
            let reply = try await RawSocket.exchangeBytes(port: gateway.port, request, timeout: 2)
            let frames = Self.frames(in: reply)
            let refused = frames.filter { $0.type == 3 && $0.code == 7 }.count
            let goaway = frames.first { $0.type == 7 }
            // Past the advertised 100 concurrent streams: each refused, or the connection ended.
            #expect(refused >= 1900 || goaway != nil, "refused \(refused) streams, frames: \(frames.prefix(20))")
            // The calls that were let in were dropped with the connection; others are served.
            #expect(try await Self.call(gateway.port, .object([:])).reply?["text"] == .string("ok"))
        }
    }

    @Test func aSameTypeGRPCBackendPassesTheBytesThroughUnlessSomethingReadsThem() async throws {
        let flights = InteropPeer.interopDirectory.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("catalogs/flights/flights.pb").path
        try await withInteropPeer("grpc/flights_server.py") { peer in
            let method = { (name: String, extra: String) in """
                {"name": "\(name)", "input_headers": ["X-Extra"], "backend": [{"host": ["127.0.0.1:\(peer.port)"],
                  "url_pattern": "/flight_finder.Flights/BookFlight", "extra_config": {"backend/grpc": {"use_request_body": true}}\(extra)}]}
                """ }
            let config = """
                {"version": 3, "timeout": "5s", "extra_config": {"grpc": {"catalog": ["\(flights)"], "server": {"services": [
                  {"name": "flight_finder.Flights", "methods": [\(method("BookFlight", ""))]}]}}}, "endpoints": []}
                """
            // The peer answers locator "AB" plus field 111, which the catalog does not declare.
            let answer: [UInt8] = [0x0A, 0x02, 0x41, 0x42, 0xF8, 0x06, 0x01]
            try await withGateway(config) { gateway in
                let response = try await Self.client.unary(host: "127.0.0.1:\(gateway.port)", path: "/flight_finder.Flights/BookFlight",
                                                            message: [0x0A, 0x01, 0x58], metadata: [("x-extra", "1")],
                                                            deadline: .now() + .seconds(10), on: MultiThreadedEventLoopGroup.singleton.next()).get()
                #expect(response.status == .ok, "\(response.message)")
                #expect(response.body.map { Array($0.readableBytesView) } == answer)
            }
            // A `deny` reads the data: decoded and encoded again, the unknown field is gone.
            let denying = config.replacingOccurrences(of: #""use_request_body": true}}"#, with: #""use_request_body": true}}, "deny": ["flight"]"#)
            try await withGateway(denying) { gateway in
                let response = try await Self.client.unary(host: "127.0.0.1:\(gateway.port)", path: "/flight_finder.Flights/BookFlight",
                                                            message: [0x0A, 0x01, 0x58], metadata: [("x-extra", "1")],
                                                            deadline: .now() + .seconds(10), on: MultiThreadedEventLoopGroup.singleton.next()).get()
                #expect(response.status == .ok, "\(response.message)")
                #expect(response.body.map { Array($0.readableBytesView) } == Array(answer.prefix(4)))
            }
        }
    }

    @Test func gzipRequestsAreReadAndAnsweredInKind() async throws {
        try await Self.withServer(methods: """
            {"name": "Echo", "payload_params": {"id": "id"}, "backend": [{"url_pattern": "/echo/{id}", "allow": ["path"], "mapping": {"path": "text"}}]}
            """) { _, gateway in
            let method = try #require(Self.catalog.method(path: Self.echo))
            let bytes = try MessageEncoder(catalog: Self.catalog).encode(.object(["id": .string(String(repeating: "z", count: 300))]), as: method.input)
            let answer = try await RawGRPCCall.send(port: gateway.port, path: Self.echo,
                                                    extra: [("grpc-encoding", "gzip"), ("grpc-accept-encoding", "gzip")],
                                                    body: RawGRPCCall.frame(try await GRPCTestGzip.compress(bytes), compressed: true))
            #expect(answer.grpcStatus == 0, "\(answer.headerBlocks)")
            #expect(answer.headerBlocks.first?.first(name: "grpc-encoding") == "gzip")
            #expect(answer.data.first == 1)  // the answer's message is compressed
            let reply = try await GRPCTestGzip.decompress(Array(answer.data.dropFirst(5)))
            let text = try MessageDecoder(catalog: Self.catalog).decode(reply, as: method.output)["text"]
            #expect(text == .string("/echo/" + String(repeating: "z", count: 300)))
        }
    }

    @Test func healthReportsServingForTheServerAndItsServices() async throws {
        try await Self.withServer(methods: #"{"name": "Echo", "backend": [{"url_pattern": "/echo"}]}"#) { _, gateway in
            // grpc.health.v1.HealthCheckRequest{service = 1}; the answer's status 1 is SERVING.
            func check(_ service: String) async throws -> RawGRPCCall.Answer {
                try await RawGRPCCall.send(port: gateway.port, path: "/grpc.health.v1.Health/Check",
                                           body: RawGRPCCall.frame([0x0A, UInt8(service.utf8.count)] + Array(service.utf8)))
            }
            let server = try await check("")
            #expect(server.grpcStatus == 0)
            #expect(Array(server.data.dropFirst(5)) == [0x08, 1])
            #expect(Array(try await check("gateway.test.Inspect").data.dropFirst(5)) == [0x08, 1])
            #expect(try await check("nope").grpcStatus == GRPCStatusCode.notFound.rawValue)
            // Once shutdown begins, load balancers are told to go elsewhere (2 is NOT_SERVING).
            gateway.grpcServer?.beginShutdown()
            #expect(Array(try await check("").data.dropFirst(5)) == [0x08, 2])
        }
    }

    @Test func aMethodWithJWTValidationRefusesEveryCallUntilItIsEnforced() async throws {
        try await Self.withServer(methods: """
            {"name": "Echo", "extra_config": {"auth/validator": {"alg": "RS256", "jwk_url": "http://127.0.0.1:1/jwks"}},
             "backend": [{"url_pattern": "/echo"}]}
            """) { backend, gateway in
            let answer = try await Self.call(gateway.port, .object([:]))
            #expect(answer.status == .unauthenticated)
            #expect(backend.requestCount == 0)
        }
    }

    @Test func checkReportsEveryServerProblemWithItsPath() async throws {
        let config = """
        {"version": 3, "host": ["http://127.0.0.1:1"], "extra_config": {"grpc": {"catalog": ["\(Self.catalogPath)"],
          "server": {"services": [
            {"name": "nope.Service", "methods": []},
            {"name": "gateway.test.Inspect", "methods": [
              {"name": "Missing", "backend": [{"url_pattern": "/x"}]},
              {"name": "Watch", "backend": [{"url_pattern": "/x"}]},
              {"name": "Echo", "payload_params": {"id": "id"}, "backend": [{"url_pattern": "/x/{id}/{other}"}]},
              {"name": "Echo", "extra_config": {"auth/validator": {"alg": "RS256"}}, "backend": [{"url_pattern": "/x"}]}]}]}}}}
        """
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-server-\(UUID().uuidString).json").path
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let result = try await KrakendProcess.run(["check", "-c", path])
            #expect(result.status != 0)
            let text = result.stderr
            #expect(text.contains("extra_config.grpc.server.services[0].name"), "\(text)")
            #expect(text.contains("services[1].methods[0].name"), "\(text)")
            #expect(text.contains("services[1].methods[1].name") && text.contains("streaming"), "\(text)")
            #expect(text.contains("services[1].methods[2].backend[0].url_pattern") && text.contains("{other}"), "\(text)")
            #expect(text.contains("services[1].methods[3].extra_config.auth/validator") && text.contains("not enforced"), "\(text)")
        }
    }
}

/// gzip as the system's gzip writes and reads it: an implementation the
/// gateway's own deflate and inflate are checked against.
enum GRPCTestGzip {
    static func compress(_ bytes: [UInt8]) async throws -> [UInt8] { try await run(["-c"], bytes) }
    static func decompress(_ bytes: [UInt8]) async throws -> [UInt8] { try await run(["-dc"], bytes) }

    static func run(_ arguments: [String], _ input: [UInt8]) async throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip"] + arguments
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try await ProcessLauncher.run(process)
        let box = UncheckedBox((process, stdin, stdout))
        return try await offThePool {
            let (process, stdin, stdout) = box.value
            stdin.fileHandleForWriting.write(Data(input))
            try stdin.fileHandleForWriting.close()
            let output = stdout.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw CocoaError(.fileReadCorruptFile) }
            return Array(output)
        }
    }
}

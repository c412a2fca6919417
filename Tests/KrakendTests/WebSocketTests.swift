import Foundation
import GatewayCore
import Testing

/// The `websocket` endpoint namespace seen from a client's socket, frame by
/// frame: the opening handshake, direct communication with a Python
/// `websockets` echo backend, and the protocol rules the gateway enforces
/// on clients (RFC 6455) with the close codes they earn.
@Suite struct WebSocketTests {
    static func directConfig(_ echo: InteropPeer, options: String = "") -> String {
        """
        {"version": 3, "endpoints": [
          {"endpoint": "/ws/{room}", "input_query_strings": ["token"],
           "backend": [{"host": ["ws://127.0.0.1:\(echo.port)"], "url_pattern": "/echo/{room}", "disable_host_sanitize": true}],
           "extra_config": {"websocket": {"enable_direct_communication": true, "subprotocols": ["chat.v2", "chat.v1"],
                                          "max_message_size": 1024, "write_buffer_size": 100\(options)}}},
          {"endpoint": "/rest", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}]}
        """
    }

    /// One echo backend for the whole suite: each launch holds a thread of
    /// the task pool, and twenty of them at once starve the other tests. It
    /// exits when the test process ends (its stdin closes).
    static let echo = Task { try await InteropPeer(script: "websocket/echo_server.py", arguments: ["--subprotocols", "chat.v1,chat.v2"]) }

    func withEchoGateway(options: String = "", _ body: (GatewayHarness) async throws -> Void) async throws {
        let echo = try await Self.echo.value
        try await withGateway(Self.directConfig(echo, options: options)) { gateway in try await body(gateway) }
    }

    @Test func textAndBinaryMessagesGoThroughAndComeBackWhole() async throws {
        try await withEchoGateway { gateway in
            let ws = try await TestWebSocket.connect(port: gateway.port, path: "/ws/lobby")
            ws.send("hello")
            #expect(await ws.readMessage() == .init(opcode: 1, payload: Array("hello".utf8)))
            ws.sendFrame(opcode: 2, payload: [0, 1, 2, 255])
            #expect(await ws.readMessage() == .init(opcode: 2, payload: [0, 1, 2, 255]))
            // A message sent in three fragments reaches the backend whole; the
            // echo leaves the gateway in frames of write_buffer_size (100) bytes.
            let long = Array(String(repeating: "abcdefghij", count: 30).utf8)
            ws.sendFrame(opcode: 1, payload: Array(long[0..<100]), fin: false)
            ws.sendFrame(opcode: 0, payload: Array(long[100..<200]), fin: false)
            ws.sendFrame(opcode: 9, payload: Array("ping".utf8))  // control frames may come between fragments
            ws.sendFrame(opcode: 0, payload: Array(long[200...]), fin: true)
            var frames: [TestWebSocket.Frame] = []
            while let frame = await ws.readFrame() {
                if frame.opcode == 10 { #expect(frame.text == "ping"); continue }
                frames.append(frame)
                if frame.fin { break }
            }
            #expect(frames.map(\.opcode) == [1, 0, 0])
            #expect(frames.flatMap(\.payload) == long)
        }
    }

    @Test func theGatewaysPreferredSubprotocolIsChosen() async throws {
        try await withEchoGateway { gateway in
            let both = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a", headers: [("Sec-WebSocket-Protocol", "chat.v1, chat.v2")])
            #expect(both.header("Sec-WebSocket-Protocol") == "chat.v2")
            let one = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a", headers: [("Sec-WebSocket-Protocol", "chat.v1")])
            #expect(one.header("Sec-WebSocket-Protocol") == "chat.v1")
            let none = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a", headers: [("Sec-WebSocket-Protocol", "other")])
            #expect(none.header("Sec-WebSocket-Protocol") == nil)
            #expect(none.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        }
    }

    @Test func framesSentWithTheHandshakeAreNotLost() async throws {
        try await withEchoGateway { gateway in
            let ws = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a", extra: TestWebSocket.frameBytes(opcode: 1, payload: Array("early".utf8)))
            #expect(await ws.readMessage()?.text == "early")
        }
    }

    @Test(arguments: [
        ("GET /ws/a HTTP/1.1\r\nHost: x\r\n\r\n", "400"),
        ("GET /ws/a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", "400"),
        ("GET /ws/a HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n", "400"),
        ("GET /ws/a HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", "400"),
        ("POST /ws/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", "405"),
    ])
    func aRequestThatIsNotAWebSocketHandshakeIsRefused(request: String, status: String) async throws {
        try await withEchoGateway { gateway in
            let answer = try await RawSocket.exchange(port: gateway.port, request)
            #expect(answer.hasPrefix("HTTP/1.1 \(status)"), "\(answer)")
            if status == "400" { #expect(answer.contains("Sec-Websocket-Version: 13")) }
        }
    }

    @Test func anUpgradeRequestOnARESTRouteClosesTheConnectionAfterItsAnswer() async throws {
        // The HTTP parser reads nothing after a request that asks to upgrade:
        // a second request on the connection would wait forever.
        try await withEchoGateway { gateway in
            let twoRequests = "GET /__health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nGET /__health HTTP/1.1\r\nHost: x\r\n\r\n"
            let result = try await RawSocket.exchangeUntilClosed(port: gateway.port, Array(twoRequests.utf8))
            let text = String(decoding: result.bytes, as: UTF8.self)
            #expect(result.closedByPeer)
            #expect(text.components(separatedBy: "HTTP/1.1 200").count == 2, "\(text)")
        }
    }

    @Test(arguments: [
        ("unmasked", TestWebSocket.frameBytes(opcode: 1, payload: Array("hi".utf8), masked: false), UInt16(1002)),
        ("reserved bit", TestWebSocket.frameBytes(opcode: 1, payload: Array("hi".utf8), rsv: 4), 1002),
        ("reserved opcode", TestWebSocket.frameBytes(opcode: 3, payload: []), 1002),
        ("bad UTF-8", TestWebSocket.frameBytes(opcode: 1, payload: [0x68, 0xC3, 0x28]), 1007),
        ("frame over max_message_size", TestWebSocket.frameBytes(opcode: 2, payload: Array(repeating: 7, count: 1025)), 1009),
        ("fragments over max_message_size", TestWebSocket.frameBytes(opcode: 2, payload: Array(repeating: 7, count: 600), fin: false)
            + TestWebSocket.frameBytes(opcode: 0, payload: Array(repeating: 7, count: 600)), 1009),
        ("continuation without a message", TestWebSocket.frameBytes(opcode: 0, payload: Array("x".utf8)), 1002),
        ("fragmented ping", TestWebSocket.frameBytes(opcode: 9, payload: [], fin: false), 1002),
        ("long ping", TestWebSocket.frameBytes(opcode: 9, payload: Array(repeating: 1, count: 126)), 1002),
        ("invalid close code", TestWebSocket.frameBytes(opcode: 8, payload: [0x03, 0xEC]), 1002),
        ("one-byte close", TestWebSocket.frameBytes(opcode: 8, payload: [0x03]), 1002),
    ])
    func aClientBreakingTheProtocolIsClosedWithItsCode(name: String, bytes: [UInt8], code: UInt16) async throws {
        try await withEchoGateway { gateway in
            let offender = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a")
            let bystander = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a")
            offender.sendFrame(opcode: 1, payload: Array("first".utf8))
            #expect(await offender.readMessage()?.text == "first")
            offender.sendRaw(bytes)
            let close = await offender.readMessage()
            #expect(close?.opcode == 8, "\(name)")
            #expect(close?.closeCode == code, "\(name)")
            #expect(await offender.closedByPeer(), "\(name)")
            bystander.send("still here")
            #expect(await bystander.readMessage()?.text == "still here", "\(name)")
        }
    }

    static let offersDeflate = [("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits")]

    @Test func permessageDeflateIsNegotiatedAndUsedBothWays() async throws {
        try await withEchoGateway { gateway in
            let ws = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a", headers: Self.offersDeflate)
            #expect(ws.header("Sec-WebSocket-Extensions") == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
            // A compressed message, in two fragments: RSV1 on the first only.
            let message = TestWebSocket.storedBlock(Array("compressed hello".utf8))
            ws.sendFrame(opcode: 1, payload: Array(message[..<8]), fin: false, rsv: 4)
            ws.sendFrame(opcode: 0, payload: Array(message[8...]))
            // The backend got it inflated (the echo would not be text otherwise),
            // and the echo comes back compressed.
            let echo = await ws.readMessage()
            #expect(echo?.opcode == 1)
            #expect(echo?.rsv1 == true)
            #expect(echo.map { !$0.payload.isEmpty && $0.text != "compressed hello" } == true)
            let plain = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a")
            #expect(plain.header("Sec-WebSocket-Extensions") == nil)
            plain.send("plain hello")
            #expect(await plain.readMessage() == .init(opcode: 1, payload: Array("plain hello".utf8)))
        }
    }

    @Test(arguments: [
        ("RSV1 on a continuation", TestWebSocket.frameBytes(opcode: 1, payload: TestWebSocket.storedBlock([0x61]), fin: false)
            + TestWebSocket.frameBytes(opcode: 0, payload: [], rsv: 4), UInt16(1002)),
        ("RSV1 on a ping", TestWebSocket.frameBytes(opcode: 9, payload: [], rsv: 4), 1002),
        ("not deflate data", TestWebSocket.frameBytes(opcode: 1, payload: [0xFF, 0xFF, 0xFF, 0xFF, 0x12], rsv: 4), 1007),
        ("inflated over max_message_size", TestWebSocket.frameBytes(opcode: 2, payload: TestWebSocket.storedBlock(Array(repeating: 7, count: 1025)), rsv: 4), 1009),
        ("inflated text that is not UTF-8", TestWebSocket.frameBytes(opcode: 1, payload: TestWebSocket.storedBlock([0x68, 0xC3, 0x28]), rsv: 4), 1007),
    ])
    func aCompressedMessageBreakingTheRulesIsClosedWithItsCode(name: String, bytes: [UInt8], code: UInt16) async throws {
        try await withEchoGateway { gateway in
            let offender = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a", headers: Self.offersDeflate)
            offender.sendRaw(bytes)
            let close = await offender.readMessage()
            #expect(close?.closeCode == code, "\(name)")
            #expect(await offender.closedByPeer(), "\(name)")
        }
    }

    @Test func aCloseIsAnsweredWithTheSameCodeAndTheConnectionEnds() async throws {
        try await withEchoGateway { gateway in
            let ws = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a")
            ws.sendFrame(opcode: 8, payload: [0x0F, 0xA0] + Array("bye".utf8))  // 4000
            let answer = await ws.readMessage()
            #expect(answer?.closeCode == 4000)
            #expect(await ws.closedByPeer())
        }
    }

    @Test func shuttingDownTellsClientsTheGatewayIsGoingAway() async throws {
        let gateway = try await GatewayHarness.start(Self.directConfig(try await Self.echo.value))
        let ws = try await TestWebSocket.connect(port: gateway.port, path: "/ws/a")
        ws.send("x")
        #expect(await ws.readMessage()?.text == "x")
        await gateway.stop()
        #expect(await ws.readMessage()?.closeCode == 1001)
    }

    @Test func whenTheRetriesAreExhaustedWaitingMessagesFailAndNewClientsGet502() async throws {
        // Nothing listens on port 1: the start-up attempt and three retries fail
        // (exponential backoff: 2 s, 4 s, 8 s), and the gateway gives the backend
        // up after about 14 s, time enough for the first client even on a busy machine.
        let config = """
        {"version": 3, "endpoints": [{"endpoint": "/chat", "backend": [{"host": ["ws://127.0.0.1:1"], "url_pattern": "/ws"}],
          "extra_config": {"websocket": {"max_retries": 3, "backoff_strategy": "exponential", "return_error_details": true}}}]}
        """
        try await withGateway(config) { gateway in
            let early = try await TestWebSocket.connect(port: gateway.port, path: "/chat", timeout: 40)
            early.send("hello")
            #expect(await early.readMessage()?.text == #"{"error":"empty connection"}"#)
            early.send("again")
            #expect(await early.readMessage()?.text == #"{"error":"empty connection"}"#)
            await #expect(throws: TestWebSocket.HandshakeFailed.self) {
                _ = try await TestWebSocket.connect(port: gateway.port, path: "/chat")
            }
            do { _ = try await TestWebSocket.connect(port: gateway.port, path: "/chat") } catch let error as TestWebSocket.HandshakeFailed {
                #expect(error.description.hasPrefix("HTTP/1.1 502"), "\(error)")
            }
        }
    }

    @Test func checkReportsWebSocketSettingsWithTheirPaths() async throws {
        let config = """
        {"version": 3, "endpoints": [{"endpoint": "/ws", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}],
          "extra_config": {"websocket": {"max_message_size": "big", "backoff_strategy": "random", "ping_period": "soon"}}}]}
        """
        await #expect(throws: ConfigError.self) { try await GatewayHarness.start(config).stop() }
        do { _ = try await GatewayHarness.start(config) } catch let error as ConfigError {
            let text = error.description
            #expect(text.contains("endpoints[0].extra_config.websocket.max_message_size: expected integer"))
            #expect(text.contains("endpoints[0].extra_config.websocket.backoff_strategy: expected one of linear"))
            #expect(text.contains("endpoints[0].extra_config.websocket.ping_period: expected a positive duration"))
            #expect(text.contains("endpoints[0].backend[0].host[0]: a websocket backend host needs the ws:// or wss:// scheme"))
        }
    }
}

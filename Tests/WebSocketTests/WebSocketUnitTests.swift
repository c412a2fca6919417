import GatewayCore
import NIOCore
import NIOHTTP1
import Testing
@testable import GatewayWebSocket

/// The pieces of the WebSocket module that need no socket: the backoff
/// delays as the manual defines them, the envelope both ways, backend URLs.
@Suite struct WebSocketUnitTests {
    @Test func backoffDelaysFollowTheManual() {
        func seconds(_ strategy: Backoff.Strategy, _ retry: Int, random: Double = 0) -> Double {
            let d = Backoff(strategy: strategy, maxRetries: 0).delay(retry: retry) { random }
            return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
        #expect((1...4).map { seconds(.linear, $0) } == [1, 2, 3, 4])
        #expect((1...4).map { seconds(.exponential, $0) } == [2, 4, 8, 16])
        #expect((1...4).map { seconds(.fallback, $0) } == [1, 1, 1, 1])
        // Jitter stays within ±33% of the plain value.
        #expect(seconds(.linearJitter, 3, random: 1) == 3.99)
        #expect(seconds(.linearJitter, 3, random: -1) == 2.01)
        #expect(seconds(.exponentialJitter, 2, random: 1) == 5.32)
        #expect(seconds(.exponentialJitter, 2, random: -1) == 2.68)
        #expect(seconds(.exponential, 100) == 32768)
    }

    @Test func maxRetriesOfZeroOrLessRetriesForever() {
        #expect(Backoff(strategy: .fallback, maxRetries: 0).allows(retry: 1_000_000))
        #expect(Backoff(strategy: .fallback, maxRetries: -1).allows(retry: 5))
        #expect(Backoff(strategy: .fallback, maxRetries: 2).allows(retry: 2))
        #expect(!Backoff(strategy: .fallback, maxRetries: 2).allows(retry: 3))
    }

    @Test func anEnvelopeToTheBackendIsTheManualsShape() {
        let envelope = Envelope.toBackend(url: "/chat/krakend", session: ["uuid": .string("0b25"), "Room": .string("krakend")],
                                          body: ByteBuffer(string: "Hello World!"))
        #expect(String(buffer: envelope) == #"{"url":"/chat/krakend","session":{"Room":"krakend","uuid":"0b25"},"body":"SGVsbG8gV29ybGQh"}"#)
        let event = Envelope.toBackend(url: "/a", session: [:], body: ByteBuffer(), event: "connect")
        #expect(String(buffer: event) == #"{"url":"/a","session":{},"body":"","event":"connect"}"#)
    }

    @Test func backendMessagesAreRoutedByTheirFilters() {
        func delivery(_ text: String) -> Envelope.Delivery { Envelope.fromBackend(.text(ByteBuffer(string: text))) }
        let unicast = delivery(#"{"session":{"uuid":"u1"},"body":"SGVsbG8gV29ybGQh"}"#)
        #expect(unicast.session == ["uuid": .string("u1")] && unicast.url == nil)
        #expect(String(buffer: unicast.message.data) == "Hello World!")
        let multicast = delivery(#"{"url":"/chat/krakend","body":"SGk="}"#)
        #expect(multicast.url == "/chat/krakend" && multicast.session == nil)
        #expect(delivery(#"{"body":"SGk="}"#).isBroadcast)
        // Not an envelope: broadcast as it came.
        for raw in ["OK", #"{"msg":"hi"}"#, #"{"body":"not base64!"}"#, "[1,2]"] {
            let d = delivery(raw)
            #expect(d.isBroadcast && String(buffer: d.message.data) == raw, "\(raw)")
        }
        // A body that is not UTF-8 reaches clients as a binary message.
        if case .binary = delivery(#"{"body":"/w=="}"#).message {} else { Issue.record("expected binary") }
    }

    @Test func backendHostsNeedAWebSocketScheme() {
        let url = WebSocketURL(host: "ws://localhost:8081", urlPattern: "/ws")
        #expect(url?.target == "/ws" && url?.port == 8081 && url?.tls == false && url?.hostHeader == "localhost:8081")
        let secure = WebSocketURL(host: "WSS://example.com/base/", urlPattern: "chat")
        #expect(secure?.target == "/base/chat" && secure?.port == 443 && secure?.tls == true && secure?.hostHeader == "example.com")
        #expect(secure?.with(urlPattern: "/x").target == "/base/x")
        #expect(WebSocketURL(host: "ws://[::1]:9000", urlPattern: "/")?.host == "::1")
        #expect(WebSocketURL(host: "http://localhost:8081", urlPattern: "/ws") == nil)
        #expect(WebSocketURL(host: "ws://localhost:notaport", urlPattern: "/ws") == nil)
    }

    @Test func closeCodesAClientMaySend() {
        for valid: UInt16 in [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999] { #expect(WebSocketPeer.isValidCloseCode(valid)) }
        for invalid: UInt16 in [0, 999, 1004, 1005, 1006, 1012, 1015, 1016, 2000, 2999, 5000] { #expect(!WebSocketPeer.isValidCloseCode(invalid)) }
    }
}

/// permessage-deflate (RFC 7692): which offers are accepted, and the codec's
/// round trips and limits. Clients the gateway did not write check the wire
/// format: Python `websockets` in gateway_suite.py, Autobahn's group 12.
@Suite struct PerMessageDeflateTests {
    func negotiate(_ offers: String...) -> PerMessageDeflate? {
        var headers = HTTPHeaders()
        for offer in offers { headers.add(name: "Sec-WebSocket-Extensions", value: offer) }
        return PerMessageDeflate.negotiate(headers)
    }

    @Test func offersAreAcceptedWithoutContextTakeover() {
        #expect(negotiate("permessage-deflate")?.responseHeader == "permessage-deflate; server_no_context_takeover; client_no_context_takeover")
        // Browsers' offer, and Autobahn's.
        #expect(negotiate("permessage-deflate; client_max_window_bits")?.windowBits == 15)
        #expect(negotiate("permessage-deflate; client_no_context_takeover; client_max_window_bits") != nil)
        #expect(negotiate("x-webkit-deflate-frame") == nil)
        #expect(negotiate() == nil)
    }

    @Test func aSmallerServerWindowIsHonouredAndEightBitsDeclined() {
        #expect(negotiate("permessage-deflate; server_max_window_bits=10")?.responseHeader
                == "permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10")
        #expect(negotiate(#"permessage-deflate; server_max_window_bits="12""#)?.windowBits == 12)
        // zlib's raw deflate cannot keep to 256 bytes: the next offer is taken.
        #expect(negotiate("permessage-deflate; server_max_window_bits=8, permessage-deflate")?.windowBits == 15)
        #expect(negotiate("permessage-deflate; server_max_window_bits=8") == nil)
    }

    @Test func malformedOffersAreDeclined() {
        for offer in ["permessage-deflate; server_max_window_bits", "permessage-deflate; server_max_window_bits=16",
                      "permessage-deflate; client_max_window_bits=7", "permessage-deflate; client_max_window_bits=+9",
                      "permessage-deflate; unknown", "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                      "permessage-deflate; server_no_context_takeover=1"] {
            #expect(negotiate(offer) == nil, "\(offer)")
        }
    }

    @Test func compressedMessagesComeBackWhole() throws {
        let allocator = ByteBufferAllocator()
        let text = ByteBuffer(string: String(repeating: "Hello, WebSocket! ", count: 2000))
        var random = ByteBuffer()
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<(300 << 10) { random.writeInteger(UInt8.random(in: 0...255, using: &generator)) }
        for deflate in [PerMessageDeflate(), PerMessageDeflate(windowBits: 9)] {
            for input in [text, random, ByteBuffer(string: "x")] {
                let compressed = deflate.compress(input, allocator: allocator)
                if input.readableBytes > 1000 && input == text { #expect(compressed.readableBytes < input.readableBytes / 10) }
                #expect(try deflate.decompress(compressed, limit: input.readableBytes, allocator: allocator) == input)
            }
        }
    }

    @Test func aBombStopsAtTheLimitAndGarbageIsCorrupt() throws {
        let deflate = PerMessageDeflate()
        let bomb = deflate.compress(ByteBuffer(repeating: 0, count: 10 << 20), allocator: ByteBufferAllocator())
        #expect(bomb.readableBytes < 20_000)
        #expect(throws: PerMessageDeflate.TooLarge.self) { try deflate.decompress(bomb, limit: 1 << 20, allocator: ByteBufferAllocator()) }
        #expect(throws: PerMessageDeflate.Corrupt.self) {
            try deflate.decompress(ByteBuffer(bytes: [0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34]), limit: 1 << 20, allocator: ByteBufferAllocator())
        }
        // The shared stream is usable after both.
        let ok = deflate.compress(ByteBuffer(string: String(repeating: "ok", count: 100)), allocator: ByteBufferAllocator())
        #expect(try deflate.decompress(ok, limit: 200, allocator: ByteBufferAllocator()) == ByteBuffer(string: String(repeating: "ok", count: 100)))
    }
}

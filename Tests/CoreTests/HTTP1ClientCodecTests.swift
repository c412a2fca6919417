import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import GatewayCore

/// The gateway's own HTTP/1.1 client codec: the response parser, the body
/// inflater and the request writer that its backend connections use.
@Suite("HTTP/1.1 client codec")
struct HTTP1ClientCodecTests {
    /// What the parser reported, flattened for comparison.
    struct Parsed: Equatable {
        var status: Int?
        var headers: [String] = []
        var body = ""
        var ends: [Bool] = []
    }

    /// Feeds `wire` cut into pieces of `step` bytes (all of it at once for 0).
    static func parse(_ wire: String, step: Int = 0, head: Bool = false, closeAtEnd: Bool = false) throws -> Parsed {
        var parser = HTTP1ResponseParser()
        parser.expectResponse(toHead: head)
        var parsed = Parsed()
        let bytes = Array(wire.utf8)
        let size = step == 0 ? max(1, bytes.count) : step
        let emit = { (event: HTTP1ResponseParser.Event) in
            switch event {
            case .head(let h):
                parsed.status = Int(h.status.code)
                parsed.headers = h.headers.map { "\($0.name): \($0.value)" }
            case .body(let b): parsed.body += String(buffer: b)
            case .end(let reusable): parsed.ends.append(reusable)
            }
        }
        for start in stride(from: 0, to: bytes.count, by: size) {
            try parser.feed(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + size)]), emit: emit)
        }
        if closeAtEnd { try parser.finish(emit: emit) }
        return parsed
    }

    @Test(arguments: [0, 1, 2, 3, 7])
    func contentLengthBodyInAnyCut(step: Int) throws {
        let parsed = try Self.parse("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}", step: step)
        #expect(parsed == Parsed(status: 200, headers: ["Content-Type: application/json", "Content-Length: 7"], body: "{\"a\":1}", ends: [true]))
    }

    @Test(arguments: [0, 1, 4])
    func chunkedBodyWithExtensionsAndTrailers(step: Int) throws {
        let wire = "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5;name=x\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
        let parsed = try Self.parse(wire, step: step)
        #expect(parsed.status == 201)
        #expect(parsed.body == "hello, world")
        #expect(parsed.ends == [true])
    }

    @Test func bareLineFeedsAreRead() throws {
        let parsed = try Self.parse("HTTP/1.1 200 OK\nContent-Length: 2\n\nok")
        #expect(parsed.status == 200)
        #expect(parsed.body == "ok")
    }

    @Test func aBodyWithoutLengthRunsToTheCloseAndTheConnectionIsNotReused() throws {
        let open = try Self.parse("HTTP/1.1 200 OK\r\n\r\nsome bytes")
        #expect(open.body == "some bytes")
        #expect(open.ends.isEmpty)
        let closed = try Self.parse("HTTP/1.1 200 OK\r\n\r\nsome bytes", closeAtEnd: true)
        #expect(closed.ends == [false])
    }

    @Test func headAnswersAndBodilessStatusesHaveNoBody() throws {
        #expect(try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", head: true).ends == [true])
        #expect(try Self.parse("HTTP/1.1 204 No Content\r\nContent-Length: 50\r\n\r\n").ends == [true])
        #expect(try Self.parse("HTTP/1.1 304 Not Modified\r\n\r\n").ends == [true])
    }

    @Test func interimAnswersAreSkipped() throws {
        let parsed = try Self.parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx")
        #expect(parsed.status == 200)
        #expect(parsed.body == "x")
    }

    @Test func connectionCloseAndConflictingFramingAreNotReused() throws {
        #expect(try Self.parse("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\nx").ends == [false])
        #expect(try Self.parse("HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx").ends == [false])
        #expect(try Self.parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx").ends == [true])
        let both = try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n")
        #expect(both.body == "x")
        #expect(both.ends == [false])
    }

    @Test(arguments: [
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/2.0 200 OK\r\n\r\n",
        "ICY 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\n folded: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
        "HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n",
    ])
    func malformedAnswersAreRefused(wire: String) {
        #expect(throws: HTTP1Malformed.self) { try Self.parse(wire) }
    }

    @Test func dataWithNoRequestPendingIsRefused() {
        #expect(throws: HTTP1Malformed.self) { try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n") }
    }

    @Test func aConnectionClosedMidBodyIsAnError() {
        #expect(throws: HTTP1Malformed.self) {
            try Self.parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", closeAtEnd: true)
        }
    }

    // MARK: inflating

    static let gzipJSON = Data(base64Encoded: "H4sIAAAAAAACA13TOw7CQBRD0a2gqSliO/yyFUSBBEUKaKBD7B0E0jjP7dzKR29ebX5eb482HV9tvrRpWLf7+XZt0+99NbT3+h9QA3pgDexBNaiHsYaxh00Nmx62NWx72NWw62Ffw76HQw0HD4zpWGzP8V6PmA/vRwDAAggC2ACBACsgGGAHBAQsgaCALRAYsAZDg9ZgaHBxC3kM1mBo0BoMDVqDoUFrMDRoDYYGrcHQoDUYGrSGQkPWUGjIGgoNLf5Gfg5rKDRkDYWGrKHQkDUUGrKGQkPWUGjoq3F6fwAMGivhLwQAAA==")!

    @Test(arguments: [1, 13, 4096])
    func gzipBodyInflatesInAnyCut(step: Int) throws {
        let inflater = ResponseInflater()
        let bytes = [UInt8](Self.gzipJSON)
        var out = ""
        for start in stride(from: 0, to: bytes.count, by: step) {
            out += String(buffer: try inflater.inflate(ByteBuffer(bytes: bytes[start..<min(bytes.count, start + step)]), allocator: .init()))
        }
        #expect(inflater.isComplete)
        #expect(out.hasPrefix("{\"items\":[{\"id\":0,\"name\":\"item 0\"}"))
        #expect(out.utf8.count == 1071)
    }

    @Test func zlibDeflateInflates() throws {
        let inflater = ResponseInflater()
        let out = try inflater.inflate(ByteBuffer(bytes: Data(base64Encoded: "eJzLSM3JyVdISU3LSSxJVSjPL8pJAQBIqQdS")!), allocator: .init())
        #expect(String(buffer: out) == "hello deflate world")
        #expect(inflater.isComplete)
    }

    @Test func aCompressionBombIsRefused() {
        // 64 KB of zeros in 96 bytes: more than 200 times its size.
        let bomb = Data(base64Encoded: "H4sIAAAAAAACA+3BAQEAAACAkP6v7ggKAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAauuOl9cAAAEA")!
        #expect(throws: ResponseInflater.Failure.self) { try ResponseInflater().inflate(ByteBuffer(bytes: bomb), allocator: .init()) }
    }

    @Test func garbageAndTrailingDataAreRefused() throws {
        #expect(throws: ResponseInflater.Failure.self) { try ResponseInflater().inflate(ByteBuffer(string: "not gzip at all"), allocator: .init()) }
        var trailing = ByteBuffer(bytes: Self.gzipJSON)
        trailing.writeString("extra")
        #expect(throws: ResponseInflater.Failure.self) { try ResponseInflater().inflate(trailing, allocator: .init()) }
        let truncated = ResponseInflater()
        _ = try truncated.inflate(ByteBuffer(bytes: Self.gzipJSON.prefix(100)), allocator: .init())
        #expect(!truncated.isComplete)
    }

    // MARK: writing requests

    @Test func theRequestHeadIsWrittenAsIs() throws {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/a?b=1")
        head.headers.add(name: "Host", value: "backend:8080")
        head.headers.add(name: "X-Forwarded-For", value: "127.0.0.1")
        var out = ByteBuffer()
        try out.writeRequestHead(head)
        #expect(String(buffer: out) == "GET /a?b=1 HTTP/1.1\r\nHost: backend:8080\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n")
    }

    @Test(arguments: ["a\r\nInjected: 1", "a\nb", "a\0b"])
    func aValueThatWouldForgeAHeaderIsRefused(value: String) {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        head.headers.add(name: "X-Value", value: value)
        var out = ByteBuffer()
        #expect(throws: HTTP1ClientError.self) { try out.writeRequestHead(head) }
    }

    @Test func bodiesAreFramedAsNIOsEncoderFramesThem() {
        var post = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/")
        let postFraming = post.frameBody()
        #expect(postFraming == .chunked)
        #expect(post.headers["transfer-encoding"] == ["chunked"])
        var put = HTTPRequestHead(version: .http1_1, method: .PUT, uri: "/", headers: ["Content-Length": "3", "Transfer-Encoding": "chunked"])
        let putFraming = put.frameBody()
        #expect(putFraming == .length)
        #expect(!put.headers.contains(name: "transfer-encoding"))
        var get = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/")
        let getFraming = get.frameBody()
        #expect(getFraming == .none)
        var trace = HTTPRequestHead(version: .http1_1, method: .TRACE, uri: "/", headers: ["Content-Length": "3"])
        let traceFraming = trace.frameBody()
        #expect(traceFraming == .none)
        #expect(!trace.headers.contains(name: "content-length"))

        var out = ByteBuffer()
        out.writeBodyPart(ByteBuffer(string: "hello world, 17 b"), framing: .chunked) { _ in Issue.record("a small part is copied") }
        out.writeBodyEnd(framing: .chunked)
        #expect(String(buffer: out) == "11\r\nhello world, 17 b\r\n0\r\n\r\n")
    }

    @Test func aLargePartIsWrittenAsItIsNotCopied() {
        let part = ByteBuffer(repeating: UInt8(ascii: "x"), count: 20_000)
        var out = ByteBuffer(string: "HEAD")
        var written: [ByteBuffer] = []
        out.writeBodyPart(part, framing: .chunked) { written.append($0) }
        #expect(written.map(\.readableBytes) == [4 + 6, 20_000])
        #expect(String(buffer: written[0]) == "HEAD4e20\r\n")
        #expect(String(buffer: out) == "\r\n")
    }
}

import NIOCore
import NIOHTTP1
import Testing
@testable import GatewayCore

/// The parser the gateway reads its clients' HTTP/1.1 requests with: every
/// request whole whatever the cut of the reads, and nothing that two servers
/// could read two ways.
@Suite("HTTP/1.1 request parser")
struct HTTP1RequestParserTests {
    /// The parts read from `wire` cut into pieces of `step` bytes (0: at once), as text.
    static func parts(_ wire: String, step: Int = 0, maxHead: Int = 1 << 16) throws(HTTP1Malformed) -> [String] {
        var parser = HTTP1RequestParser(maxHeadSize: maxHead)
        var out: [String] = []
        var body = ""
        let bytes = Array(wire.utf8)
        let size = step == 0 ? max(1, bytes.count) : step
        var unparsed = ByteBuffer()
        for start in stride(from: 0, to: bytes.count, by: size) {
            unparsed.writeBytes(bytes[start..<min(bytes.count, start + size)])
            while let part = try parser.next(&unparsed) {
                switch part {
                case .head(let h): out.append("\(h.method.rawValue) \(h.uri) \(h.version.minor) \(h.headers.map { "\($0.name)=\($0.value)" }.joined(separator: ","))")
                case .body(let b): body += String(buffer: b)
                case .end:
                    out.append("body:\(body)")
                    body = ""
                }
            }
        }
        return out
    }

    @Test(arguments: [0, 1, 2, 5])
    func pipelinedRequestsWithBodiesInAnyCut(step: Int) throws {
        let wire = "GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"
            + "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
            + "PUT /c HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: x\r\n\r\n"
        #expect(try Self.parts(wire, step: step) == [
            "GET /a?x=1 1 Host=h", "body:",
            "POST /b 1 Host=h,Content-Length=5", "body:hello",
            "PUT /c 0 Transfer-Encoding=chunked", "body:abcde",
        ])
    }

    @Test func headerValuesAreTrimmedAndBareLineFeedsRead() throws {
        #expect(try Self.parts("\r\nGET / HTTP/1.1\nX-A: \t spaced out \t\n\n") == ["GET / 1 X-A=spaced out", "body:"])
    }

    @Test(arguments: [
        ("a request line without version", "GET /\r\n\r\n"),
        ("HTTP/2.0 as text", "GET / HTTP/2.0\r\n\r\n"),
        ("a space in the target", "GET /a b HTTP/1.1\r\n\r\n"),
        ("a control byte in the target", "GET /a\u{1}b HTTP/1.1\r\n\r\n"),
        ("a header without colon", "GET / HTTP/1.1\r\nHost a\r\n\r\n"),
        ("a space before the colon", "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
        ("a folded header", "GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n"),
        ("a bare CR in a value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n"),
        ("Content-Length with Transfer-Encoding", "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        ("two Content-Length", "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"),
        ("a signed Content-Length", "POST / HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc"),
        ("a coding that is not chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
        ("chunked twice", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
        ("a bad chunk size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
        ("chunk data longer than its size", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n"),
    ])
    func ambiguousOrMalformedRequestsAreRefused(name: String, wire: String) {
        #expect(throws: HTTP1Malformed.self, "\(name)") { try Self.parts(wire) }
    }

    @Test func aHeadOverTheLimitIsTooLargeEvenBeforeItEnds() {
        let big = "GET / HTTP/1.1\r\nX-Big: \(String(repeating: "a", count: 300))"
        do {
            _ = try Self.parts(big, step: 7, maxHead: 200)
            Issue.record("accepted")
        } catch {
            #expect(error.isTooLarge)
        }
        #expect(throws: Never.self) { try Self.parts(big + "\r\n\r\n", maxHead: 400) }
    }

    @Test func afterAnUpgradeRequestTheBytesAreLeftForTheNewProtocol() throws {
        var parser = HTTP1RequestParser(maxHeadSize: 4096)
        var input = ByteBuffer(string: "GET /ws HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u{1}\u{2}frames")
        guard case .head(let head)? = try parser.next(&input) else { Issue.record("no head"); return }
        #expect(head.asksForUpgrade)
        guard case .end? = try parser.next(&input) else { Issue.record("no end"); return }
        let after = try parser.next(&input)
        #expect(after == nil)
        #expect(parser.isStopped)
        #expect(input.readableBytes == 8)
    }

    @Test func responseHeadsAreFramedAsNIOsEncoderFramesThem() {
        var ok = HTTPResponseHead(version: .http1_1, status: .ok)
        let okChunked = ok.frameBody(hasBody: true)
        #expect(okChunked)
        #expect(ok.headers["transfer-encoding"] == ["chunked"])
        var sized = HTTPResponseHead(version: .http1_1, status: .ok, headers: ["Content-Length": "2", "Transfer-Encoding": "chunked"])
        let sizedChunked = sized.frameBody(hasBody: true)
        #expect(!sizedChunked)
        #expect(!sized.headers.contains(name: "transfer-encoding"))
        var noContent = HTTPResponseHead(version: .http1_1, status: .noContent, headers: ["Content-Length": "0"])
        let noContentChunked = noContent.frameBody(hasBody: false)
        #expect(!noContentChunked)
        #expect(noContent.headers.isEmpty)

        var out = ByteBuffer()
        out.writeResponseHead(HTTPResponseHead(version: .http1_1, status: .notFound, headers: ["Content-Length": "0"]))
        #expect(String(buffer: out) == "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    }

    /// The header lists both parsers read without arrays say what NIO's
    /// `canonicalForm` and `isKeepAlive` say.
    @Test(arguments: [
        ([("Connection", "close")], 1, false),
        ([("connection", "Keep-Alive")], 0, true),
        ([("Connection", "upgrade, CLOSE")], 1, false),
        ([("Connection", "keep-alive, keep-alive")], 1, false),
        ([("Connection", "keep-alive"), ("Connection", "close")], 1, false),
        ([("Connection", "foo")], 1, true),
        ([("Connection", "foo")], 0, false),
        ([("X-Connection", "close")], 1, true),
        ([("Connection", " , ,  close\t")], 1, false),
    ] as [([(String, String)], Int, Bool)])
    func connectionTokensDecideKeepAliveAsNIODoes(fields: [(String, String)], minor: Int, keepsAlive: Bool) {
        let headers = HTTPHeaders(fields)
        #expect(headers.keepsAlive(HTTPVersion(major: 1, minor: minor)) == keepsAlive)
        #expect(HTTPRequestHead(version: HTTPVersion(major: 1, minor: minor), method: .GET, uri: "/", headers: headers).isKeepAlive == keepsAlive, "NIO agrees")
        var elements: [Substring] = []
        headers.forEachElement(named: "connection") { elements.append($0) }
        #expect(elements == headers[canonicalForm: "connection"])
    }

    @Test func transferCodingsAndLengthsAreReadFromEveryField() throws {
        let codings = HTTPHeaders([("Transfer-Encoding", "gzip, Chunked")]).transferCodings
        #expect(codings?.lastIsChunked == true && codings?.chunkedBeforeLast == false)
        let twice = HTTPHeaders([("Transfer-Encoding", "chunked"), ("transfer-encoding", "gzip")]).transferCodings
        #expect(twice?.lastIsChunked == false && twice?.chunkedBeforeLast == true)
        #expect(HTTPHeaders().transferCodings == nil)
        #expect(try HTTPHeaders([("Content-Length", "12")]).singleContentLength(allowRepeats: false) == 12)
        #expect(try HTTPHeaders([("Content-Length", "12, 12")]).singleContentLength(allowRepeats: true) == 12)
        #expect(throws: HTTP1Malformed.self) { try HTTPHeaders([("Content-Length", "12, 12")]).singleContentLength(allowRepeats: false) }
        #expect(throws: HTTP1Malformed.self) { try HTTPHeaders([("Content-Length", "12"), ("content-length", "13")]).singleContentLength(allowRepeats: true) }
    }
}

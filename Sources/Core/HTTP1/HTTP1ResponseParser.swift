import NIOCore
import NIOHTTP1

/// Reads HTTP/1.x responses from a backend connection's raw bytes: the head,
/// then the body framed as RFC 9112 §6.3 says (none, `Content-Length`,
/// chunked, or up to the end of the connection).
///
/// It replaces NIO's `HTTPResponseDecoder` on the gateway's own backend
/// connections: one pass over the bytes, no handler between it and the
/// exchange, which is most of what a proxied request costs besides the
/// system calls.
struct HTTP1ResponseParser {
    enum Event {
        case head(HTTPResponseHead)
        case body(ByteBuffer)
        /// The response is complete; `reusable` says whether the connection
        /// may carry another request (its body was delimited, no `close`).
        case end(reusable: Bool)
    }

    private enum State {
        case head
        case body
        case done
    }

    private var state = State.done
    private var head = HTTP1HeadReader()
    private var body = HTTP1BodyReader()
    private var isHeadRequest = false
    private var reusable = true

    /// Largest response head accepted (Go's client allows 10 MB; 1 MB is plenty here).
    static let maxHeadSize = 1 << 20

    /// Expect the response to a request (`HEAD` has no body whatever its headers say).
    mutating func expectResponse(toHead: Bool) {
        state = .head
        head.reset()
        isHeadRequest = toHead
        reusable = true
    }

    /// Whether bytes of a response have arrived.
    var hasStarted: Bool {
        switch state {
        case .head: return head.hasBytes
        case .body: return true
        case .done: return false
        }
    }

    /// Feeds the bytes of one read.
    mutating func feed(_ input: ByteBuffer, emit: (Event) throws -> Void) throws {
        var input = input
        while input.readableBytes > 0 {
            switch state {
            case .done:
                throw HTTP1Malformed(description: "the backend sent data with no request pending")
            case .head:
                let tooLarge = HTTP1Malformed(description: "the backend's response head is too large")
                guard let bytes = try head.take(from: &input, limit: Self.maxHeadSize, tooLarge: tooLarge) else { return }
                let response = try Self.parseHead(bytes)
                try startBody(response, emit: emit)
            case .body:
                switch try body.step(&input) {
                case .data(let bytes): try emit(.body(bytes))
                case .end:
                    state = .done
                    try emit(.end(reusable: reusable))
                case .needMore: return
                }
            }
        }
        // A body that ended with the last bytes read.
        if case .body = state, body.isComplete {
            state = .done
            try emit(.end(reusable: reusable))
        }
    }

    /// The connection closed: a body read up to the close ends here; anything
    /// else unfinished is an error.
    mutating func finish(emit: (Event) throws -> Void) throws {
        switch state {
        case .body where body.runsUntilClose:
            state = .done
            try emit(.end(reusable: false))
        case .done:
            return
        default:
            state = .done
            throw HTTP1Malformed(description: "the backend closed the connection")
        }
    }

    static func parseHead(_ head: ByteBuffer) throws(HTTP1Malformed) -> HTTPResponseHead {
        try head.withUnsafeReadableBytes { (bytes) throws(HTTP1Malformed) -> HTTPResponseHead in
            var lines = HTTP1HeadLines(bytes)
            guard let statusLine = lines.next() else { throw HTTP1Malformed(description: "empty response head") }
            let (version, status) = try parseStatusLine(statusLine)
            return HTTPResponseHead(version: version, status: status, headers: try lines.headers())
        }
    }

    private static func parseStatusLine(_ line: Slice<UnsafeRawBufferPointer>) throws(HTTP1Malformed) -> (HTTPVersion, HTTPResponseStatus) {
        // "HTTP/1.1 200 OK": 12 bytes at least, the reason may be empty.
        let b = UnsafeRawBufferPointer(rebasing: line)
        guard b.count >= 12, b[0] == UInt8(ascii: "H"), b[1] == UInt8(ascii: "T"), b[2] == UInt8(ascii: "T"), b[3] == UInt8(ascii: "P"),
              b[4] == UInt8(ascii: "/"), b[5] == UInt8(ascii: "1"), b[6] == UInt8(ascii: "."), let minor = digit(b[7]), b[8] == 0x20,
              let d0 = digit(b[9]), let d1 = digit(b[10]), let d2 = digit(b[11]), d0 >= 1, b.count == 12 || b[12] == 0x20
        else { throw HTTP1Malformed(description: "malformed status line") }
        let code = d0 * 100 + d1 * 10 + d2
        let reason = b.count > 13 ? String(decoding: b[13...], as: UTF8.self) : ""
        return (HTTPVersion(major: 1, minor: minor), HTTPResponseStatus(statusCode: code, reasonPhrase: reason))
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    /// How the body after `response` is delimited (RFC 9112 §6.3).
    private mutating func startBody(_ response: HTTPResponseHead, emit: (Event) throws -> Void) throws {
        let code = response.status.code
        if (100..<200).contains(code) && code != 101 {
            // An interim answer (100 Continue, 103 Early Hints): the real one follows.
            state = .head
            return
        }
        reusable = response.headers.keepsAlive(response.version)
        try emit(.head(response))
        state = .body
        if isHeadRequest || code == 101 || code == 204 || code == 304 {
            if code == 101 { reusable = false }
            body = HTTP1BodyReader(.none)
            return
        }
        if let codings = response.headers.transferCodings {
            // With Transfer-Encoding, a Content-Length is ignored, and the
            // connection is not trusted with another request (as Go's client does).
            if response.headers.contains(name: "content-length") { reusable = false }
            if codings.lastIsChunked {
                body = HTTP1BodyReader(.chunked)
            } else {
                reusable = false
                body = HTTP1BodyReader(.untilClose)
            }
            return
        }
        if let length = try response.headers.singleContentLength(allowRepeats: true) {
            body = HTTP1BodyReader(.length(length))
            return
        }
        reusable = false
        body = HTTP1BodyReader(.untilClose)
    }
}

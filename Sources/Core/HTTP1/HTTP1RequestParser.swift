import NIOCore
import NIOHTTP1

/// Reads HTTP/1.x requests from a client connection's raw bytes, one part at
/// a time (`next`), strictly: whatever could be read two ways by two servers
/// (a `Content-Length` with a `Transfer-Encoding`, two lengths, a transfer
/// coding that is not chunked) is refused rather than guessed at.
///
/// After a request that asks to switch protocols it stops: the bytes that
/// follow belong to the new protocol, or to nobody.
struct HTTP1RequestParser {
    private enum State {
        case head
        case body(asksForUpgrade: Bool)
        case stopped
    }

    private var state = State.head
    private var head = HTTP1HeadReader()
    private var body = HTTP1BodyReader()
    /// Largest head accepted, request line included.
    let maxHeadSize: Int

    /// The head is larger than `maxHeadSize`: 431, not 400.
    static let headTooLarge = HTTP1Malformed(description: "request header fields too large", isTooLarge: true)

    init(maxHeadSize: Int) { self.maxHeadSize = maxHeadSize }

    /// Bytes of a request head read but not yet whole.
    var hasPartialHead: Bool { head.hasBytes }

    /// Stopped after a request that asks to switch protocols.
    var isStopped: Bool { if case .stopped = state { return true } else { return false } }

    /// The next part of a request from the front of `input`; `nil` when the
    /// bytes read so far hold no more (kept here, or left in `input` once stopped).
    mutating func next(_ input: inout ByteBuffer) throws(HTTP1Malformed) -> HTTPServerRequestPart? {
        switch state {
        case .stopped:
            return nil
        case .head:
            guard input.readableBytes > 0, let bytes = try head.take(from: &input, limit: maxHeadSize, tooLarge: Self.headTooLarge) else { return nil }
            let request = try Self.parseHead(bytes)
            body = HTTP1BodyReader(try Self.framing(request.headers))
            state = .body(asksForUpgrade: request.asksForUpgrade)
            return .head(request)
        case .body(let upgrade):
            switch try body.step(&input) {
            case .data(let bytes): return .body(bytes)
            case .end:
                state = upgrade ? .stopped : .head
                return .end(nil)
            case .needMore: return nil
            }
        }
    }

    static func parseHead(_ head: ByteBuffer) throws(HTTP1Malformed) -> HTTPRequestHead {
        try head.withUnsafeReadableBytes { (bytes) throws(HTTP1Malformed) -> HTTPRequestHead in
            var lines = HTTP1HeadLines(bytes)
            // RFC 9112 §2.2: empty lines before the request line are ignored.
            var first = lines.next()
            while let line = first, line.isEmpty { first = lines.next() }
            guard let requestLine = first else { throw HTTP1Malformed(description: "empty request") }
            let (method, uri, version) = try parseRequestLine(requestLine)
            return HTTPRequestHead(version: version, method: method, uri: uri, headers: try lines.headers())
        }
    }

    /// `METHOD SP request-target SP HTTP/1.x`.
    private static func parseRequestLine(_ line: Slice<UnsafeRawBufferPointer>) throws(HTTP1Malformed) -> (HTTPMethod, String, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: 0x20), let lastSpace = line.lastIndex(of: 0x20), firstSpace < lastSpace else {
            throw HTTP1Malformed(description: "malformed request line")
        }
        let method = line[line.startIndex..<firstSpace]
        let target = line[(firstSpace + 1)..<lastSpace]
        let version = line[(lastSpace + 1)...]
        guard !method.isEmpty, method.allSatisfy(\.isHTTPTokenByte),
              !target.isEmpty, target.allSatisfy({ $0 > 0x20 && $0 != 0x7F }),
              version.count == 8, version.prefix(5).elementsEqual("HTTP/".utf8),
              version[version.startIndex + 5] == UInt8(ascii: "1"), version[version.startIndex + 6] == UInt8(ascii: "."),
              case let minor = version[version.startIndex + 7], minor >= 0x30, minor <= 0x39
        else { throw HTTP1Malformed(description: "malformed request line") }
        return (HTTPMethod(rawValue: String(decoding: method, as: UTF8.self)), String(decoding: target, as: UTF8.self),
                HTTPVersion(major: 1, minor: Int(minor - 0x30)))
    }

    /// RFC 9112 §6.3 for requests: chunked when `Transfer-Encoding` ends in
    /// it, else the `Content-Length`, else no body.
    private static func framing(_ headers: HTTPHeaders) throws(HTTP1Malformed) -> HTTP1BodyReader.Framing {
        if let codings = headers.transferCodings {
            guard !headers.contains(name: "content-length") else {
                throw HTTP1Malformed(description: "both Content-Length and Transfer-Encoding")
            }
            guard codings.lastIsChunked, !codings.chunkedBeforeLast else {
                throw HTTP1Malformed(description: "unsupported Transfer-Encoding")
            }
            return .chunked
        }
        guard let length = try headers.singleContentLength(allowRepeats: false) else { return .none }
        return .length(length)
    }
}

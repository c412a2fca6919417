import NIOCore
import NIOHTTP1

/// Reads HTTP/1.x responses from a backend connection's raw bytes: the head,
/// then the body framed as RFC 9112 §6.3 says (none, `Content-Length`,
/// chunked, or up to the end of the connection). Body bytes are handed on as
/// slices of what was read, never copied.
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

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private enum State {
        case head
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private var state = State.done
    /// Bytes of a head or chunk line not yet whole.
    private var pending: ByteBuffer?
    private var isHeadRequest = false
    private var reusable = true

    /// Largest response head accepted (Go's client allows 10 MB; 1 MB is plenty here).
    static let maxHeadSize = 1 << 20
    static let maxLineSize = 8192

    /// Expect the response to a request (`HEAD` has no body whatever its headers say).
    mutating func expectResponse(toHead: Bool) {
        state = .head
        pending = nil
        isHeadRequest = toHead
        reusable = true
    }

    var isAwaitingResponse: Bool { if case .done = state { return false } else { return true } }

    /// Whether bytes so far are part of a response in progress.
    var hasStarted: Bool {
        if case .head = state { return (pending?.readableBytes ?? 0) > 0 }
        if case .done = state { return false }
        return true
    }

    /// Feeds the bytes of one read.
    mutating func feed(_ input: ByteBuffer, emit: (Event) throws -> Void) throws {
        var input = input
        while input.readableBytes > 0 {
            switch state {
            case .done:
                throw Malformed(description: "the backend sent data with no request pending")
            case .head:
                guard let head = try takeHead(&input) else { return }
                try startBody(head, emit: emit)
            case .fixed(let remaining):
                let n = min(remaining, input.readableBytes)
                try emit(.body(input.readSlice(length: n)!))
                if n == remaining {
                    state = .done
                    try emit(.end(reusable: reusable))
                } else {
                    state = .fixed(remaining: remaining - n)
                }
            case .chunkSize:
                guard let line = try takeLine(&input) else { return }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkData(let remaining):
                let n = min(remaining, input.readableBytes)
                try emit(.body(input.readSlice(length: n)!))
                state = n == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - n)
            case .chunkDataEnd:
                guard let line = try takeLine(&input) else { return }
                guard line.readableBytes == 0 else { throw Malformed(description: "malformed chunked encoding") }
                state = .chunkSize
            case .trailers:
                guard let line = try takeLine(&input) else { return }
                if line.readableBytes == 0 {
                    state = .done
                    try emit(.end(reusable: reusable))
                }
            case .untilClose:
                try emit(.body(input))
                return
            }
        }
    }

    /// The connection closed: a body read up to the close ends here; anything
    /// else unfinished is an error.
    mutating func finish(emit: (Event) throws -> Void) throws {
        switch state {
        case .untilClose:
            state = .done
            try emit(.end(reusable: false))
        case .done:
            return
        default:
            state = .done
            throw Malformed(description: "the backend closed the connection")
        }
    }

    // MARK: head

    /// The head, once its blank line has arrived; `nil` while it has not.
    private mutating func takeHead(_ input: inout ByteBuffer) throws -> HTTPResponseHead? {
        var source: ByteBuffer
        if var held = pending {
            held.writeBuffer(&input)
            source = held
            pending = nil
        } else {
            source = input
            input.moveReaderIndex(to: input.writerIndex)
        }
        guard let end = Self.headEnd(source) else {
            if source.readableBytes > Self.maxHeadSize { throw Malformed(description: "the backend's response head is too large") }
            pending = source
            return nil
        }
        let headBytes = source.readSlice(length: end)!
        input = source
        return try Self.parseHead(headBytes)
    }

    /// The length of the head including its blank line (CRLF CRLF, or bare LFs).
    static func headEnd(_ buffer: ByteBuffer) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            var i = 0
            let count = bytes.count
            while i < count {
                guard let lf = memchrLF(bytes, from: i) else { return nil }
                // A line feed ends the head when the line it ends is empty.
                if lf + 1 < count, bytes[lf + 1] == 0x0A { return lf + 2 }
                if lf + 2 < count, bytes[lf + 1] == 0x0D, bytes[lf + 2] == 0x0A { return lf + 3 }
                if lf + 2 >= count { return nil }
                i = lf + 1
            }
            return nil
        }
    }

    private static func memchrLF(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        return bytes[start...].firstIndex(of: 0x0A)
    }

    static func parseHead(_ head: ByteBuffer) throws -> HTTPResponseHead {
        try head.withUnsafeReadableBytes { bytes throws -> HTTPResponseHead in
            var lines = LineReader(bytes: bytes)
            guard let statusLine = lines.next() else { throw Malformed(description: "empty response head") }
            let (version, status) = try parseStatusLine(statusLine)
            var headers = HTTPHeaders()
            while let line = lines.next(), !line.isEmpty {
                guard line.first != 0x20, line.first != 0x09 else { throw Malformed(description: "folded header line") }
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                    throw Malformed(description: "malformed header line")
                }
                let name = line[line.startIndex..<colon]
                guard name.allSatisfy(\.isHTTPTokenByte) else { throw Malformed(description: "invalid header name") }
                var value = line[(colon + 1)...]
                while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
                while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
                headers.add(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self))
            }
            return HTTPResponseHead(version: version, status: status, headers: headers)
        }
    }

    private static func parseStatusLine(_ line: Slice<UnsafeRawBufferPointer>) throws -> (HTTPVersion, HTTPResponseStatus) {
        // "HTTP/1.1 200 OK": 12 bytes at least, the reason may be empty.
        let bytes = Array(line)
        guard bytes.count >= 12, bytes[0...4].elementsEqual("HTTP/".utf8), bytes[6] == UInt8(ascii: "."),
              let major = digit(bytes[5]), let minor = digit(bytes[7]), major == 1, bytes[8] == 0x20,
              let d0 = digit(bytes[9]), let d1 = digit(bytes[10]), let d2 = digit(bytes[11]), d0 >= 1,
              bytes.count == 12 || bytes[12] == 0x20
        else { throw Malformed(description: "malformed status line") }
        let code = d0 * 100 + d1 * 10 + d2
        let reason = bytes.count > 13 ? String(decoding: bytes[13...], as: UTF8.self) : ""
        return (HTTPVersion(major: 1, minor: minor), HTTPResponseStatus(statusCode: code, reasonPhrase: reason))
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= 0x30 && byte <= 0x39 ? Int(byte - 0x30) : nil
    }

    /// How the body after `head` is delimited (RFC 9112 §6.3).
    private mutating func startBody(_ head: HTTPResponseHead, emit: (Event) throws -> Void) throws {
        let code = head.status.code
        if (100..<200).contains(code) && code != 101 {
            // An interim answer (100 Continue, 103 Early Hints): the real one follows.
            state = .head
            return
        }
        reusable = head.isKeepAlive
        try emit(.head(head))
        if isHeadRequest || code == 101 || code == 204 || code == 304 {
            if code == 101 { reusable = false }
            state = .done
            try emit(.end(reusable: reusable))
            return
        }
        let encodings = head.headers[canonicalForm: "transfer-encoding"]
        if let last = encodings.last {
            // With Transfer-Encoding, a Content-Length is ignored, and the
            // connection is not trusted with another request (as Go's client does).
            if head.headers.contains(name: "content-length") { reusable = false }
            if last.lowercased() == "chunked" {
                state = .chunkSize
            } else {
                reusable = false
                state = .untilClose
            }
            return
        }
        let lengths = head.headers[canonicalForm: "content-length"]
        if let first = lengths.first {
            guard lengths.allSatisfy({ $0 == first }), let length = Int(first), length >= 0, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw Malformed(description: "invalid Content-Length")
            }
            if length == 0 {
                state = .done
                try emit(.end(reusable: reusable))
            } else {
                state = .fixed(remaining: length)
            }
            return
        }
        reusable = false
        state = .untilClose
    }

    // MARK: chunked framing

    /// A whole line (without its line end), once it has arrived.
    private mutating func takeLine(_ input: inout ByteBuffer) throws -> ByteBuffer? {
        var source: ByteBuffer
        if var held = pending {
            held.writeBuffer(&input)
            source = held
            pending = nil
        } else {
            source = input
            input.moveReaderIndex(to: input.writerIndex)
        }
        let lf = source.withUnsafeReadableBytes { bytes in Self.memchrLF(bytes, from: 0) }
        guard let lf else {
            if source.readableBytes > Self.maxLineSize { throw Malformed(description: "chunk line too long") }
            pending = source
            return nil
        }
        var line = source.readSlice(length: lf)!
        source.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == 0x0D {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        input = source
        return line
    }

    private static func chunkSize(_ line: ByteBuffer) throws -> Int {
        var size = 0
        var digits = 0
        for byte in line.readableBytesView {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), 0x20, 0x09:
                // Chunk extensions (and the spaces some servers put before them) are ignored.
                guard digits > 0 else { throw Malformed(description: "malformed chunk size") }
                return size
            default:
                throw Malformed(description: "malformed chunk size")
            }
            digits += 1
            guard digits <= 15 else { throw Malformed(description: "chunk too large") }
            size = size << 4 | value
        }
        guard digits > 0 else { throw Malformed(description: "malformed chunk size") }
        return size
    }
}

/// The lines of a response head, without their line ends.
private struct LineReader {
    let bytes: UnsafeRawBufferPointer
    var position = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> Slice<UnsafeRawBufferPointer>? {
        guard position < bytes.count else { return nil }
        var end = position
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        var lineEnd = end
        if lineEnd > position, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let line = bytes[position..<lineEnd]
        position = end + 1
        return line
    }
}

extension UInt8 {
    /// A byte of an HTTP token (RFC 9110 §5.6.2), as header names are.
    var isHTTPTokenByte: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(self)
        }
    }
}

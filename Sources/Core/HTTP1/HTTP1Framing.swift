import NIOCore
import NIOHTTP1

// The parts of HTTP/1.1's message syntax (RFC 9112) that requests and
// responses share: the head up to its blank line, header lines, and the body
// framed by length, by chunks, or by the end of the connection. The gateway's
// own parsers (`HTTP1RequestParser` for its clients, `HTTP1ResponseParser`
// for its backends) are built from them: one pass over the bytes read, body
// bytes handed on as slices of the read buffer, never copied.

/// Bytes that are not HTTP/1.x as the parser reads it.
struct HTTP1Malformed: Error, CustomStringConvertible {
    var description: String
    /// A head over the size limit (answered 431, not 400).
    var isTooLarge = false
}

/// A message head that arrives over several reads.
struct HTTP1HeadReader {
    private var pending: ByteBuffer?
    /// Where the search for the blank line resumes in `pending`.
    private var scanned = 0

    var hasBytes: Bool { (pending?.readableBytes ?? 0) > 0 }

    mutating func reset() {
        pending = nil
        scanned = 0
    }

    /// The head with its blank line, taken from the front of `input`, once it
    /// is whole; until then the bytes are kept here. More than `limit` bytes
    /// without a blank line throw `tooLarge`.
    mutating func take(from input: inout ByteBuffer, limit: Int, tooLarge: HTTP1Malformed) throws(HTTP1Malformed) -> ByteBuffer? {
        var source = ByteBuffer.joining(&pending, &input)
        guard let end = Self.headEnd(source, from: scanned) else {
            if source.readableBytes > limit { throw tooLarge }
            scanned = max(0, source.readableBytes - 3)
            pending = source
            return nil
        }
        scanned = 0
        if end > limit { throw tooLarge }
        let head = source.readSlice(length: end)!
        input = source
        return head
    }

    /// The length of the head including its blank line (CRLF CRLF, or bare LFs).
    static func headEnd(_ buffer: ByteBuffer, from start: Int) -> Int? {
        buffer.withUnsafeReadableBytes { bytes -> Int? in
            var i = start
            while i < bytes.count, let lf = bytes[i...].firstIndex(of: 0x0A) {
                // A line feed ends the head when the line after it is empty.
                if lf + 1 < bytes.count, bytes[lf + 1] == 0x0A { return lf + 2 }
                if lf + 2 < bytes.count, bytes[lf + 1] == 0x0D, bytes[lf + 2] == 0x0A { return lf + 3 }
                i = lf + 1
            }
            return nil
        }
    }
}

/// The lines of a message head, without their line ends.
struct HTTP1HeadLines {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    mutating func next() -> Slice<UnsafeRawBufferPointer>? {
        guard position < bytes.count else { return nil }
        let end = bytes[position...].firstIndex(of: 0x0A) ?? bytes.count
        var lineEnd = end
        if lineEnd > position, bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        let line = bytes[position..<lineEnd]
        position = end + 1
        return line
    }

    /// The header lines up to the blank one. A name must be a token right
    /// before its colon; a folded line, or a value with control characters
    /// (CR, NUL…), is refused.
    mutating func headers() throws(HTTP1Malformed) -> HTTPHeaders {
        // Collected first: `HTTPHeaders.add` checks every name again, and grows one at a time.
        var fields: [(String, String)] = []
        fields.reserveCapacity(16)
        while let line = next(), !line.isEmpty {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                throw HTTP1Malformed(description: "malformed header line")
            }
            let name = line[line.startIndex..<colon]
            guard name.allSatisfy(\.isHTTPTokenByte) else { throw HTTP1Malformed(description: "invalid header name") }
            var value = line[(colon + 1)...]
            while let f = value.first, f == 0x20 || f == 0x09 { value = value.dropFirst() }
            while let l = value.last, l == 0x20 || l == 0x09 { value = value.dropLast() }
            guard !value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
                throw HTTP1Malformed(description: "invalid header value")
            }
            fields.append((String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
        return HTTPHeaders(fields)
    }
}

/// A message body, read as its framing says.
struct HTTP1BodyReader {
    enum Framing {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    enum Step {
        case data(ByteBuffer)
        case end
        /// Everything read is used up: more bytes are needed.
        case needMore
    }

    private enum State {
        case fixed(remaining: Int)
        case chunkSize
        case chunkData(remaining: Int)
        case chunkDataEnd
        case trailers
        case untilClose
        case done
    }

    private var state = State.done
    /// A chunk line not yet whole.
    private var pendingLine: ByteBuffer?

    static let maxLineSize = 8192

    init() {}

    init(_ framing: Framing) {
        switch framing {
        case .none: state = .done
        case .length(let n): state = n == 0 ? .done : .fixed(remaining: n)
        case .chunked: state = .chunkSize
        case .untilClose: state = .untilClose
        }
    }

    var isComplete: Bool { if case .done = state { return true } else { return false } }
    var runsUntilClose: Bool { if case .untilClose = state { return true } else { return false } }

    /// The next piece of the body from the front of `input`.
    mutating func step(_ input: inout ByteBuffer) throws(HTTP1Malformed) -> Step {
        while true {
            switch state {
            case .done:
                return .end
            case .fixed(let remaining):
                guard input.readableBytes > 0 else { return .needMore }
                let n = min(remaining, input.readableBytes)
                state = n == remaining ? .done : .fixed(remaining: remaining - n)
                return .data(input.readSlice(length: n)!)
            case .chunkData(let remaining):
                guard input.readableBytes > 0 else { return .needMore }
                let n = min(remaining, input.readableBytes)
                state = n == remaining ? .chunkDataEnd : .chunkData(remaining: remaining - n)
                return .data(input.readSlice(length: n)!)
            case .untilClose:
                guard input.readableBytes > 0 else { return .needMore }
                return .data(input.readSlice(length: input.readableBytes)!)
            case .chunkSize:
                guard let line = try takeLine(&input) else { return .needMore }
                let size = try Self.chunkSize(line)
                state = size == 0 ? .trailers : .chunkData(remaining: size)
            case .chunkDataEnd:
                guard let line = try takeLine(&input) else { return .needMore }
                guard line.readableBytes == 0 else { throw HTTP1Malformed(description: "malformed chunked encoding") }
                state = .chunkSize
            case .trailers:
                guard let line = try takeLine(&input) else { return .needMore }
                if line.readableBytes == 0 { state = .done }
            }
        }
    }

    /// A whole line (without its line end) from the front of `input`, once it has arrived.
    private mutating func takeLine(_ input: inout ByteBuffer) throws(HTTP1Malformed) -> ByteBuffer? {
        var source = ByteBuffer.joining(&pendingLine, &input)
        guard let lf = source.readableBytesView.firstIndex(of: 0x0A) else {
            if source.readableBytes > Self.maxLineSize { throw HTTP1Malformed(description: "chunk line too long") }
            if source.readableBytes > 0 { pendingLine = source }
            return nil
        }
        var line = source.readSlice(length: lf - source.readerIndex)!
        source.moveReaderIndex(forwardBy: 1)
        if line.readableBytes > 0, line.getInteger(at: line.writerIndex - 1, as: UInt8.self) == 0x0D {
            line = line.getSlice(at: line.readerIndex, length: line.readableBytes - 1)!
        }
        input = source
        return line
    }

    private static func chunkSize(_ line: ByteBuffer) throws(HTTP1Malformed) -> Int {
        var size = 0
        var digits = 0
        for byte in line.readableBytesView {
            let value: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
            case UInt8(ascii: ";"), 0x20, 0x09:
                // Chunk extensions (and the spaces some peers put before them) are ignored.
                guard digits > 0 else { throw HTTP1Malformed(description: "malformed chunk size") }
                return size
            default:
                throw HTTP1Malformed(description: "malformed chunk size")
            }
            digits += 1
            guard digits <= 15 else { throw HTTP1Malformed(description: "chunk too large") }
            size = size << 4 | value
        }
        guard digits > 0 else { throw HTTP1Malformed(description: "malformed chunk size") }
        return size
    }
}

extension ByteBuffer {
    /// The bytes kept from earlier reads (taken out of `held`) followed by
    /// all of `input` (which is left empty).
    static func joining(_ held: inout ByteBuffer?, _ input: inout ByteBuffer) -> ByteBuffer {
        guard var joined = held else {
            defer { input.moveReaderIndex(to: input.writerIndex) }
            return input
        }
        held = nil
        joined.writeBuffer(&input)
        return joined
    }
}

extension HTTPHeaders {
    /// The one `Content-Length`, when there is one: digits only; several
    /// (even equal) are refused, as Go's and NIO's parsers refuse them.
    func singleContentLength(allowRepeats: Bool) throws(HTTP1Malformed) -> Int? {
        var first: Substring?
        var agree = true
        forEachElement(named: "content-length") { length in
            if let first { agree = agree && allowRepeats && length == first } else { first = length }
        }
        guard let first else { return nil }
        guard agree, !first.isEmpty, first.utf8.count <= 18, first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(first)
        else { throw HTTP1Malformed(description: "invalid Content-Length") }
        return length
    }

    /// Whether the connection stays open after this message: NIO's
    /// `isKeepAlive` (a `close` or `keep-alive` token decides, both or a
    /// repeat mean close, else HTTP/1.1 keeps it), read without arrays.
    func keepsAlive(_ version: HTTPVersion) -> Bool {
        var said: Bool?
        forEachElement(named: "connection") { token in
            if token.equalsASCIICaseInsensitive("close") { said = false }
            else if token.equalsASCIICaseInsensitive("keep-alive") { said = said == nil }
        }
        return said ?? (version.major == 1 && version.minor >= 1)
    }

    /// `replaceOrAdd`, which removes before it adds: removing copies headers
    /// shared with another message even when nothing goes.
    mutating func set(_ name: String, _ value: String) {
        if contains(name: name) { replaceOrAdd(name: name, value: value) } else { add(name: name, value: value) }
    }

    /// `remove(name:)` when there is something to remove: removing copies
    /// headers shared with another message even when nothing goes.
    mutating func removeIfPresent(_ name: String) {
        if contains(name: name) { remove(name: name) }
    }

    /// What `Transfer-Encoding` says, if the message has one.
    var transferCodings: (lastIsChunked: Bool, chunkedBeforeLast: Bool)? {
        var codings: (lastIsChunked: Bool, chunkedBeforeLast: Bool)?
        forEachElement(named: "transfer-encoding") { coding in
            let before = codings.map { $0.chunkedBeforeLast || $0.lastIsChunked } ?? false
            codings = (coding.equalsASCIICaseInsensitive("chunked"), before)
        }
        return codings
    }

    /// Calls `body` with each element of the comma-separated lists of every
    /// field called `name` (in any case), trimmed of spaces and tabs: the
    /// elements of `self[canonicalForm: name]` (for any field but
    /// `Set-Cookie`), without building arrays: this runs for every message.
    func forEachElement<E: Error>(named name: StaticString, _ body: (Substring) throws(E) -> Void) throws(E) {
        for (field, value) in self where field.equalsASCIICaseInsensitive(name) {
            var rest = value[...]
            while !rest.isEmpty {
                let comma = rest.utf8.firstIndex(of: UInt8(ascii: ",")) ?? rest.endIndex
                let element = rest[..<comma]
                rest = comma == rest.endIndex ? rest[rest.endIndex...] : rest[rest.utf8.index(after: comma)...]
                if element.isEmpty { continue }
                try body(element.trimmingSpacesAndTabs())
            }
        }
    }
}

extension HTTPRequestHead {
    /// An HTTP/1 request with a body: a `Transfer-Encoding`, or a length
    /// above zero (RFC 9112 §6.3; the codec has refused conflicting ones).
    var hasBody: Bool {
        if headers.contains(name: "transfer-encoding") { return true }
        return headers.first(name: "content-length").map { $0 != "0" } ?? false
    }
}

extension StringProtocol {
    /// Equal to the lower-case ASCII `other`, ignoring the case of ASCII letters.
    func equalsASCIICaseInsensitive(_ other: StaticString) -> Bool {
        let bytes = UnsafeBufferPointer(start: other.utf8Start, count: other.utf8CodeUnitCount)
        guard utf8.count == bytes.count else { return false }
        return zip(utf8, bytes).allSatisfy { a, b in a == b || (a | 0x20 == b && b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) }
    }
}

extension Substring {
    func trimmingSpacesAndTabs() -> Substring {
        let blank = { (c: UInt8) in c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }
        guard let first = utf8.firstIndex(where: { !blank($0) }), let last = utf8.lastIndex(where: { !blank($0) }) else { return self[endIndex...] }
        return self[first...last]
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

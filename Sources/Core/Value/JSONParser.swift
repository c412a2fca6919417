// A strict RFC 8259 JSON parser producing `Value`, behaving like Go's
// encoding/json decoding into `interface{}` with `UseNumber()`:
//
// - numbers are validated against the JSON grammar and kept as their literal text;
// - duplicate object keys: the last one wins;
// - unpaired UTF-16 surrogates in `\u` escapes and invalid UTF-8 bytes become U+FFFD;
// - nesting deeper than 10 000 arrays/objects is an error ("exceeded max depth");
// - only whitespace may follow the top-level value.
//
// The parser works on UTF-8 bytes through a raw pointer and is iterative
// (an explicit stack instead of recursion), so deep documents cannot overflow
// the thread stack.

/// A JSON syntax error: Go-style message and the 0-based byte offset where it was found.
public struct JSONParseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The error message, worded like Go's `json.SyntaxError`
    /// (`invalid character 'x' looking for beginning of value`).
    public var message: String
    /// 0-based byte offset of the offending byte (the input length for
    /// "unexpected end of JSON input"). Go's `SyntaxError.Offset` is this plus one
    /// for invalid characters.
    public var offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "\(message) (at byte offset \(offset))" }
}

extension Value {
    /// Parses a JSON document from UTF-8 bytes (`[UInt8]`, `ArraySlice`, `Data`,
    /// `ByteBufferView`, ...). Contiguous collections are read in place.
    public init(json bytes: some Collection<UInt8>) throws(JSONParseError) {
        let result: Result<Value, JSONParseError>
        if let r = bytes.withContiguousStorageIfAvailable({ buf in
            JSONParser.parse(UnsafeRawBufferPointer(buf))
        }) {
            result = r
        } else {
            let copy = Array(bytes)
            result = copy.withUnsafeBytes { JSONParser.parse($0) }
        }
        self = try result.get()
    }

    /// Parses a JSON document from a string.
    public init(json text: String) throws(JSONParseError) {
        var text = text
        let result = text.withUTF8 { JSONParser.parse(UnsafeRawBufferPointer($0)) }
        self = try result.get()
    }
}

// MARK: - Implementation

struct JSONParser {
    /// Go's `maxNestingDepth`.
    static let maxDepth = 10_000

    private struct Frame {
        var valueStart: Int
        var isObject: Bool
    }

    private let p: UnsafePointer<UInt8>
    private let end: Int
    private var i = 0
    /// Completed values of the open containers, innermost last.
    private var values: [Value] = []
    /// Keys of the open objects, parallel to their values in `values`.
    private var keys: [String] = []
    private var frames: [Frame] = []

    private init(_ p: UnsafePointer<UInt8>, _ count: Int) {
        self.p = p
        self.end = count
        // Room for a typical answer's nesting, so the stacks do not grow one allocation at a time.
        values.reserveCapacity(32)
        keys.reserveCapacity(32)
        frames.reserveCapacity(8)
    }

    static func parse(_ buf: UnsafeRawBufferPointer) -> Result<Value, JSONParseError> {
        guard let base = buf.baseAddress, buf.count > 0 else {
            return .failure(JSONParseError(message: "unexpected end of JSON input", offset: 0))
        }
        var parser = JSONParser(base.assumingMemoryBound(to: UInt8.self), buf.count)
        do {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }

    // MARK: Errors

    private func eof() -> JSONParseError {
        JSONParseError(message: "unexpected end of JSON input", offset: end)
    }

    private func invalid(_ c: UInt8, _ context: String, at offset: Int) -> JSONParseError {
        JSONParseError(message: "invalid character \(JSONParser.quoteChar(c)) \(context)", offset: offset)
    }

    /// Go's `quoteChar`: the byte as a single-quoted Go character literal.
    static func quoteChar(_ c: UInt8) -> String {
        switch c {
        case UInt8(ascii: "'"): return "'\\''"
        case UInt8(ascii: "\""): return "'\"'"
        case 0x07: return "'\\a'"
        case 0x08: return "'\\b'"
        case 0x0C: return "'\\f'"
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x0B: return "'\\v'"
        case UInt8(ascii: "\\"): return "'\\\\'"
        case 0x00..<0x20, 0x7F:
            let hex: [Character] = Array("0123456789abcdef")
            return "'\\x\(hex[Int(c >> 4)])\(hex[Int(c & 0xF)])'"
        case 0x80..<0xA1, 0xAD:
            // Go quotes these (C1 controls, NBSP, soft hyphen) as \u00XX.
            let hex: [Character] = Array("0123456789abcdef")
            return "'\\u00\(hex[Int(c >> 4)])\(hex[Int(c & 0xF)])'"
        default:
            return "'\(Character(Unicode.Scalar(c)))'"
        }
    }

    // MARK: Driver

    @inline(__always)
    private mutating func skipWhitespace() {
        while i < end {
            let c = p[i]
            // ' ' (0x20), '\t' (0x09), '\n' (0x0A), '\r' (0x0D)
            if c > 0x20 || (c != 0x20 && c != 0x0A && c != 0x0D && c != 0x09) { return }
            i += 1
        }
    }

    private mutating func pushFrame(isObject: Bool) {
        frames.append(Frame(valueStart: values.count, isObject: isObject))
    }

    private mutating func parseDocument() throws(JSONParseError) -> Value {
        parseValue: while true {
            skipWhitespace()
            guard i < end else { throw eof() }
            var v: Value
            let c = p[i]
            switch c {
            case UInt8(ascii: "\""):
                i += 1
                v = .string(try parseString())
            case UInt8(ascii: "{"):
                if frames.count >= JSONParser.maxDepth {
                    throw JSONParseError(message: "exceeded max depth", offset: i)
                }
                i += 1
                skipWhitespace()
                guard i < end else { throw eof() }
                if p[i] == UInt8(ascii: "}") {
                    i += 1
                    v = .object([:])
                } else {
                    pushFrame(isObject: true)
                    try parseKeyAndColon()
                    continue parseValue
                }
            case UInt8(ascii: "["):
                if frames.count >= JSONParser.maxDepth {
                    throw JSONParseError(message: "exceeded max depth", offset: i)
                }
                i += 1
                skipWhitespace()
                guard i < end else { throw eof() }
                if p[i] == UInt8(ascii: "]") {
                    i += 1
                    v = .array([])
                } else {
                    pushFrame(isObject: false)
                    continue parseValue
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                v = .number(try parseNumber())
            case UInt8(ascii: "t"):
                try parseLiteral("true")
                v = .bool(true)
            case UInt8(ascii: "f"):
                try parseLiteral("false")
                v = .bool(false)
            case UInt8(ascii: "n"):
                try parseLiteral("null")
                v = .null
            default:
                throw invalid(c, "looking for beginning of value", at: i)
            }

            // A value is complete: attach it to its container, closing containers as needed.
            while true {
                guard let frame = frames.last else {
                    skipWhitespace()
                    if i < end { throw invalid(p[i], "after top-level value", at: i) }
                    return v
                }
                skipWhitespace()
                guard i < end else { throw eof() }
                let d = p[i]
                if frame.isObject {
                    if d == UInt8(ascii: ",") {
                        i += 1
                        values.append(v)
                        skipWhitespace()
                        try parseKeyAndColon()
                        continue parseValue
                    } else if d == UInt8(ascii: "}") {
                        i += 1
                        values.append(v)
                        v = closeObject(frame)
                        frames.removeLast()
                    } else {
                        throw invalid(d, "after object key:value pair", at: i)
                    }
                } else {
                    if d == UInt8(ascii: ",") {
                        i += 1
                        values.append(v)
                        continue parseValue
                    } else if d == UInt8(ascii: "]") {
                        i += 1
                        values.append(v)
                        v = closeArray(frame)
                        frames.removeLast()
                    } else {
                        throw invalid(d, "after array element", at: i)
                    }
                }
            }
        }
    }

    // The members of a closed container are moved out of the `values`/`keys`
    // stacks (their slots refilled with trivial values) rather than copied, to
    // avoid a retain/release pair per member.

    private mutating func closeArray(_ frame: Frame) -> Value {
        let start = frame.valueStart
        let n = values.count - start
        let array = values.withUnsafeMutableBufferPointer { vals in
            let src = vals.baseAddress! + start
            let result = [Value](unsafeUninitializedCapacity: n) { buf, count in
                buf.baseAddress!.moveInitialize(from: src, count: n)
                count = n
            }
            src.initialize(repeating: .null, count: n)
            return result
        }
        values.removeLast(n)
        return .array(array)
    }

    private mutating func closeObject(_ frame: Frame) -> Value {
        let start = frame.valueStart
        let n = values.count - start
        let keyStart = keys.count - n
        var dict = [String: Value](minimumCapacity: n)
        values.withUnsafeMutableBufferPointer { vals in
            keys.withUnsafeMutableBufferPointer { ks in
                let vp = vals.baseAddress! + start
                let kp = ks.baseAddress! + keyStart
                for j in 0..<n {
                    // Last duplicate wins, like Go.
                    dict[(kp + j).move()] = (vp + j).move()
                }
                vp.initialize(repeating: .null, count: n)
                kp.initialize(repeating: "", count: n)
            }
        }
        values.removeLast(n)
        keys.removeLast(n)
        return .object(dict)
    }

    /// At (optional whitespace then) `"key"` `:`; leaves `i` after the colon.
    private mutating func parseKeyAndColon() throws(JSONParseError) {
        guard i < end else { throw eof() }
        guard p[i] == UInt8(ascii: "\"") else {
            throw invalid(p[i], "looking for beginning of object key string", at: i)
        }
        i += 1
        keys.append(try parseString())
        skipWhitespace()
        guard i < end else { throw eof() }
        guard p[i] == UInt8(ascii: ":") else { throw invalid(p[i], "after object key", at: i) }
        i += 1
    }

    private mutating func parseLiteral(_ word: StaticString) throws(JSONParseError) {
        let w = word.utf8Start
        let n = word.utf8CodeUnitCount
        // p[i] == w[0] already.
        for k in 1..<n {
            guard i + k < end else { throw eof() }
            let c = p[i + k]
            if c != w[k] {
                throw invalid(
                    c, "in literal \(word) (expecting \(JSONParser.quoteChar(w[k])))", at: i + k)
            }
        }
        i += n
    }

    // MARK: Numbers

    @inline(__always)
    private func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, kept as text.
    private mutating func parseNumber() throws(JSONParseError) -> String {
        let start = i
        if p[i] == UInt8(ascii: "-") {
            i += 1
            guard i < end else { throw eof() }
        }
        let first = p[i]
        if first == UInt8(ascii: "0") {
            i += 1
        } else if isDigit(first) {
            i += 1
            while i < end && isDigit(p[i]) { i += 1 }
        } else {
            throw invalid(first, "in numeric literal", at: i)
        }
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end else { throw eof() }
            guard isDigit(p[i]) else { throw invalid(p[i], "after decimal point in numeric literal", at: i) }
            i += 1
            while i < end && isDigit(p[i]) { i += 1 }
        }
        if i < end && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            guard i < end else { throw eof() }
            if p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-") {
                i += 1
                guard i < end else { throw eof() }
            }
            guard isDigit(p[i]) else { throw invalid(p[i], "in exponent of numeric literal", at: i) }
            i += 1
            while i < end && isDigit(p[i]) { i += 1 }
        }
        return String(decoding: UnsafeBufferPointer(start: p + start, count: i - start), as: UTF8.self)
    }

    // MARK: Strings

    /// `i` is just after the opening quote; leaves `i` after the closing quote.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = i
        var high: UInt64 = 0
        // Eight bytes at a time while none is '"', '\\' or a control character.
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let raw = UnsafeRawPointer(p)
        while i &+ 8 <= end {
            let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let q = w ^ (ones &* 0x22)
            let b = w ^ (ones &* 0x5C)
            let special = ((q &- ones) & ~q) | ((b &- ones) & ~b) | ((w &- ones &* 0x20) & ~w)
            if special & highs != 0 { break }
            high |= w
            i &+= 8
        }
        while i < end {
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                let bytes = UnsafeBufferPointer(start: p + start, count: i - start)
                if high & highs == 0 {
                    i += 1
                    return String(decoding: bytes, as: UTF8.self)
                }
                if isValidUTF8(from: start, to: i) {
                    i += 1
                    return String(decoding: bytes, as: UTF8.self)
                }
                // Invalid UTF-8: redo with Go's byte-wise replacement.
                i = start
                return try parseStringSlow()
            }
            if c == UInt8(ascii: "\\") {
                i = start
                return try parseStringSlow()
            }
            if c < 0x20 { throw invalid(c, "in string literal", at: i) }
            high |= UInt64(c)
            i += 1
        }
        throw eof()
    }

    @inline(__always)
    private func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c &- UInt8(ascii: "A") &+ 10)
        default: return nil
        }
    }

    /// Four hex digits at `at`, or nil (no error) when they are not there.
    private func peekHex4(_ at: Int) -> UInt32? {
        guard at + 4 <= end else { return nil }
        var r: UInt32 = 0
        for k in 0..<4 {
            guard let h = hexValue(p[at + k]) else { return nil }
            r = r << 4 | h
        }
        return r
    }

    /// Escapes and/or non-UTF-8 bytes: decode into a buffer like Go's `unquote`.
    private mutating func parseStringSlow() throws(JSONParseError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        while true {
            // Copy a run of plain ASCII.
            let runStart = i
            while i < end {
                let c = p[i]
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") || c < 0x20 || c >= 0x80 { break }
                i += 1
            }
            if i > runStart {
                out.append(contentsOf: UnsafeBufferPointer(start: p + runStart, count: i - runStart))
            }
            guard i < end else { throw eof() }
            let c = p[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c < 0x20 { throw invalid(c, "in string literal", at: i) }
            if c >= 0x80 {
                let n = validUTF8Length(at: i)
                if n == 0 {
                    out.append(contentsOf: [0xEF, 0xBF, 0xBD])
                    i += 1
                } else {
                    out.append(contentsOf: UnsafeBufferPointer(start: p + i, count: n))
                    i += n
                }
                continue
            }
            // Backslash.
            i += 1
            guard i < end else { throw eof() }
            let e = p[i]
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var r: UInt32 = 0
                for k in 1...4 {
                    guard i + k < end else { throw eof() }
                    guard let h = hexValue(p[i + k]) else {
                        throw invalid(p[i + k], "in \\u hexadecimal character escape", at: i + k)
                    }
                    r = r << 4 | h
                }
                i += 4
                if r >= 0xD800 && r < 0xE000 {
                    // A surrogate: only a high one followed by an escaped low one is valid.
                    if r < 0xDC00, i + 7 <= end, p[i + 1] == UInt8(ascii: "\\"),
                       p[i + 2] == UInt8(ascii: "u"), let r2 = peekHex4(i + 3),
                       r2 >= 0xDC00 && r2 < 0xE000 {
                        r = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)
                        i += 6
                    } else {
                        r = 0xFFFD
                    }
                }
                appendUTF8(r, to: &out)
            default:
                throw invalid(e, "in string escape code", at: i)
            }
            i += 1
        }
    }

    @inline(__always)
    private func appendUTF8(_ r: UInt32, to out: inout [UInt8]) {
        switch r {
        case 0..<0x80:
            out.append(UInt8(r))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (r >> 6)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | (r >> 12)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (r >> 18)))
            out.append(UInt8(0x80 | ((r >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        }
    }

    private func isValidUTF8(from: Int, to: Int) -> Bool {
        var k = from
        while k < to {
            if p[k] < 0x80 {
                k += 1
                continue
            }
            let n = validUTF8Length(at: k)
            if n == 0 || k + n > to { return false }
            k += n
        }
        return true
    }

    /// Length of the well-formed UTF-8 sequence starting at `at` (a byte >= 0x80),
    /// or 0 when it is not well formed (Go's `utf8.DecodeRune` returning RuneError, 1).
    private func validUTF8Length(at: Int) -> Int {
        let c0 = p[at]
        var n: Int
        var lo: UInt8 = 0x80
        var hi: UInt8 = 0xBF
        switch c0 {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED: n = 3; hi = 0x9F
        case 0xF0: n = 4; lo = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; hi = 0x8F
        default: return 0
        }
        guard at + n <= end else { return 0 }
        let c1 = p[at + 1]
        guard c1 >= lo && c1 <= hi else { return 0 }
        for k in 2..<max(n, 2) {
            let ck = p[at + k]
            guard ck >= 0x80 && ck <= 0xBF else { return 0 }
        }
        return n
    }
}

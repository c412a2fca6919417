// gofeed's text helpers (`internal/shared/parseutils.go`): element text taken
// from the raw inner XML, CDATA stripping (with its quirks: text before the
// first CDATA section is dropped, and the cursor arithmetic can skip text
// after the second), HTML entity decoding, and "name (email)" parsing.

enum FeedText {
    /// gofeed `ParseText`: the element's raw inner XML, trimmed, then either
    /// CDATA-stripped or entity-decoded.
    static func parseText(_ p: inout FeedPullParser) throws(BackendDecodingError) -> String {
        let inner = try p.innerXML()
        let result = trimSpace(inner)
        if contains(result, cdataStart) { return string(stripCDATA(result)) }
        return string(decodeEntities(result[...]))
    }

    static let cdataStart = Array("<![CDATA[".utf8)
    static let cdataEnd = Array("]]>".utf8)

    static func string(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool { index(of: needle, in: hay, from: 0) != nil }

    static func index(of needle: [UInt8], in hay: [UInt8], from: Int) -> Int? {
        guard from <= hay.count, needle.count <= hay.count - from else { return nil }
        var i = from
        while i + needle.count <= hay.count {
            if hay[i] == needle[0] && hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    /// Go's `strings.TrimSpace` on bytes.
    static func trimSpace(_ bytes: [UInt8]) -> [UInt8] {
        let s = string(bytes)
        let trimmed = FeedPullParser.goTrimSpace(s)
        return trimmed.utf8.count == bytes.count ? bytes : Array(trimmed.utf8)
    }

    /// gofeed `StripCDATA`, byte for byte (including `curr = curr + end + 3`).
    static func stripCDATA(_ str: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var curr = 0
        while curr < str.count {
            guard let start = index(of: cdataStart, in: str, from: curr),
                  let end = index(of: cdataEnd, in: str, from: start) else {
                out.append(contentsOf: decodeEntities(str[curr...]))
                return out
            }
            out.append(contentsOf: str[(start + cdataStart.count)..<max(start + cdataStart.count, end)])
            curr = curr + end + cdataEnd.count
        }
        return out
    }

    /// gofeed `DecodeEntities`: each `&...;` run is HTML-unescaped; a run with a
    /// space, or a `&` without a later `;`, stops decoding.
    static func decodeEntities(_ data: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var rest = data
        while !rest.isEmpty {
            guard let amp = rest.firstIndex(of: UInt8(ascii: "&")) else {
                out.append(contentsOf: rest)
                break
            }
            out.append(contentsOf: rest[..<amp])
            rest = rest[amp...]
            guard rest.count > 1, let semi = rest.firstIndex(of: UInt8(ascii: ";")),
                  !rest[(amp + 1)..<semi].contains(UInt8(ascii: " ")) else {
                out.append(contentsOf: rest)
                return out
            }
            out.append(contentsOf: htmlUnescape(rest[...semi]))
            rest = rest[(semi + 1)...]
        }
        return out
    }

    /// Go's `html.UnescapeString`.
    static func htmlUnescape(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            guard s[i] == UInt8(ascii: "&") else {
                out.append(s[i])
                i += 1
                continue
            }
            i = unescapeEntity(s, at: i, into: &out)
        }
        return out
    }

    /// Unescapes the reference at `s[at]` (a `&`), returning the index after it
    /// (Go's `unescapeEntity`, including its "at least 4 bytes" rule).
    private static func unescapeEntity(_ s: ArraySlice<UInt8>, at: Int, into out: inout [UInt8]) -> Int {
        let length = s.endIndex - at
        guard length > 1 else {
            out.append(UInt8(ascii: "&"))
            return at + 1
        }
        var i = at + 1
        if s[i] == UInt8(ascii: "#") {
            guard length > 3 else {
                out.append(UInt8(ascii: "&"))
                return at + 1
            }
            i += 1
            var hex = false
            if s[i] == UInt8(ascii: "x") || s[i] == UInt8(ascii: "X") {
                hex = true
                i += 1
            }
            var x: Int32 = 0
            while i < s.endIndex {
                let c = s[i]
                i += 1
                let d: Int32
                if c >= 0x30 && c <= 0x39 { d = Int32(c - 0x30) }
                else if hex && c >= 0x61 && c <= 0x66 { d = Int32(c - 0x61 + 10) }
                else if hex && c >= 0x41 && c <= 0x46 { d = Int32(c - 0x41 + 10) }
                else {
                    if c != UInt8(ascii: ";") { i -= 1 }
                    break
                }
                x = x &* (hex ? 16 : 10) &+ d
            }
            if i - at <= 3 {
                out.append(UInt8(ascii: "&"))
                return at + 1
            }
            var v: UInt32
            if x >= 0x80 && x <= 0x9F {
                v = windows1252[Int(x - 0x80)]
            } else if x <= 0 || (x >= 0xD800 && x <= 0xDFFF) || x > 0x10FFFF {
                v = 0xFFFD
            } else {
                v = UInt32(x)
            }
            XMLCharset.appendUTF8(v, to: &out)
            return i
        }
        while i < s.endIndex {
            let c = s[i]
            i += 1
            if GoXMLDecoder.isAlnum(c) { continue }
            if c != UInt8(ascii: ";") { i -= 1 }
            break
        }
        let name = string(Array(s[(at + 1)..<i]))
        if name.isEmpty {
            out.append(contentsOf: s[at..<i])
            return i
        }
        if let text = HTMLEntities.table[name] {
            out.append(contentsOf: text.utf8)
            return i
        }
        // A legacy entity without its semicolon, as a prefix of what follows.
        let nameBytes = Array(name.utf8)
        var j = min(nameBytes.count - 1, HTMLEntities.longestWithoutSemicolon)
        while j > 1 {
            if let text = HTMLEntities.table[string(Array(nameBytes[0..<j]))] {
                out.append(contentsOf: text.utf8)
                return at + 1 + j
            }
            j -= 1
        }
        out.append(contentsOf: s[at..<i])
        return i
    }

    /// Go's html `replacementTable` for numeric references 0x80...0x9F.
    private static let windows1252: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
        0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122,
        0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}

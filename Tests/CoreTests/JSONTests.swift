import Testing
@testable import GatewayCore

/// Parses `text` and fails the test (returning `.null`) on error.
private func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Value {
    do {
        return try Value(json: text)
    } catch {
        Issue.record("unexpected parse error: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

/// The parse error for `text`, or nil (with a recorded issue) if it parsed.
private func parseError(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
    do {
        let v = try Value(json: text)
        Issue.record("expected a parse error, got \(v)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private func parseError(bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) -> JSONParseError? {
    do {
        let v = try Value(json: bytes)
        Issue.record("expected a parse error, got \(v)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

@Suite("JSON parser")
struct JSONParserTests {
    @Test func scalars() throws {
        #expect(try Value(json: "null") == .null)
        #expect(try Value(json: "true") == .bool(true))
        #expect(try Value(json: "false") == .bool(false))
        #expect(try Value(json: "\"hi\"") == .string("hi"))
        #expect(try Value(json: "0") == .number("0"))
        #expect(try Value(json: " \t\r\n 42 \n") == .number("42"))
    }

    @Test func containers() throws {
        let v = try Value(json: #" { "a" : [1, 2 , {"b":null}], "c":{}, "d":[] , "e": "x"} "#)
        #expect(v == .object([
            "a": .array([.number("1"), .number("2"), .object(["b": .null])]),
            "c": .object([:]),
            "d": .array([]),
            "e": .string("x"),
        ]))
        #expect(try Value(json: "[[[]],[{}]]") == .array([.array([.array([])]), .array([.object([:])])]))
    }

    @Test(arguments: [
        "0", "-0", "1.50", "1e5", "1E+5", "-1.5e-3", "123456789012345678901234567890",
        "0.0000001", "-0.0", "1e400", "12.5E00",
    ])
    func numbersKeepTheirLiteralText(_ literal: String) throws {
        #expect(try Value(json: literal) == .number(literal))
        #expect(try Value(json: "[\(literal)]") == .array([.number(literal)]))
        #expect(try Value(json: literal).jsonString == literal)
    }

    @Test func numberHelpersStillWork() throws {
        #expect(try Value(json: "1.50").doubleValue == 1.5)
        #expect(try Value(json: "1e3").intValue == 1000)
        #expect(try Value(json: "7").intValue == 7)
    }

    @Test(arguments: [
        ("01", "invalid character '1' after top-level value", 1),
        ("-", "unexpected end of JSON input", 1),
        ("-a", "invalid character 'a' in numeric literal", 1),
        ("1.", "unexpected end of JSON input", 2),
        ("1.e5", "invalid character 'e' after decimal point in numeric literal", 2),
        ("1e", "unexpected end of JSON input", 2),
        ("1e+", "unexpected end of JSON input", 3),
        ("1ex", "invalid character 'x' in exponent of numeric literal", 2),
        ("+1", "invalid character '+' looking for beginning of value", 0),
        (".5", "invalid character '.' looking for beginning of value", 0),
        ("[01]", "invalid character '1' after array element", 2),
        ("[-01]", "invalid character '1' after array element", 3),
        ("NaN", "invalid character 'N' looking for beginning of value", 0),
    ])
    func invalidNumbers(_ input: String, _ message: String, _ offset: Int) {
        let e = parseError(input)
        #expect(e?.message == message)
        #expect(e?.offset == offset)
    }

    @Test(arguments: [
        ("", "unexpected end of JSON input", 0),
        ("   ", "unexpected end of JSON input", 3),
        ("{", "unexpected end of JSON input", 1),
        ("[1,", "unexpected end of JSON input", 3),
        ("[1,]", "invalid character ']' looking for beginning of value", 3),
        ("[1 2]", "invalid character '2' after array element", 3),
        ("{\"a\":1,}", "invalid character '}' looking for beginning of object key string", 7),
        ("{\"a\" 1}", "invalid character '1' after object key", 5),
        ("{\"a\":1 \"b\":2}", "invalid character '\"' after object key:value pair", 7),
        ("{1:2}", "invalid character '1' looking for beginning of object key string", 1),
        ("{'a':1}", "invalid character '\\'' looking for beginning of object key string", 1),
        ("tru", "unexpected end of JSON input", 3),
        ("trux", "invalid character 'x' in literal true (expecting 'e')", 3),
        ("nul1", "invalid character '1' in literal null (expecting 'l')", 3),
        ("fals", "unexpected end of JSON input", 4),
        ("{} x", "invalid character 'x' after top-level value", 3),
        ("null null", "invalid character 'n' after top-level value", 5),
        ("[1]]", "invalid character ']' after top-level value", 3),
        ("\"abc", "unexpected end of JSON input", 4),
        ("\"a\tb\"", "invalid character '\\t' in string literal", 2),
        ("\"a\u{01}\"", "invalid character '\\x01' in string literal", 2),
        ("\"\\x\"", "invalid character 'x' in string escape code", 2),
        ("\"\\u12G4\"", "invalid character 'G' in \\u hexadecimal character escape", 5),
        ("\"\\u12", "unexpected end of JSON input", 5),
        ("\"\\", "unexpected end of JSON input", 2),
        ("\u{FEFF}{}", "invalid character 'ï' looking for beginning of value", 0),
    ])
    func syntaxErrorsHaveGoMessagesAndOffsets(_ input: String, _ message: String, _ offset: Int) {
        let e = parseError(input)
        #expect(e?.message == message)
        #expect(e?.offset == offset)
        if let e { #expect(e.description.contains("offset \(offset)")) }
    }

    @Test func escapes() throws {
        #expect(try Value(json: #""a\"b\\c\/d\be\ff\ng\rh\ti""#) == .string("a\"b\\c/d\u{08}e\u{0C}f\ng\rh\ti"))
        #expect(try Value(json: #""\u0041\u00e9\u20AC""#) == .string("Aé€"))
        #expect(try Value(json: #""\ud83d\ude00""#) == .string("😀"))
        #expect(try Value(json: #""x\u0000y""#) == .string("x\u{0}y"))
    }

    @Test func unpairedSurrogatesBecomeReplacementCharacters() throws {
        #expect(try Value(json: #""\ud83d""#) == .string("\u{FFFD}"))
        #expect(try Value(json: #""\ude00""#) == .string("\u{FFFD}"))
        #expect(try Value(json: #""a\ud83dz""#) == .string("a\u{FFFD}z"))
        #expect(try Value(json: #""\ud83d\u0041""#) == .string("\u{FFFD}A"))
        #expect(try Value(json: #""\ud83d\ud83d\ude00""#) == .string("\u{FFFD}😀"))
        #expect(try Value(json: #""\ude00\ud83d""#) == .string("\u{FFFD}\u{FFFD}"))
    }

    @Test func invalidUTF8BecomesReplacementCharactersLikeGo() throws {
        // Each byte of an ill-formed sequence is replaced (Go's utf8.DecodeRune).
        let q = UInt8(ascii: "\"")
        #expect(try Value(json: [q, 0x61, 0xFF, 0x62, q]) == .string("a\u{FFFD}b"))
        #expect(try Value(json: [q, 0xE2, 0x82, q]) == .string("\u{FFFD}\u{FFFD}"))
        #expect(try Value(json: [q, 0xED, 0xA0, 0x80, q]) == .string("\u{FFFD}\u{FFFD}\u{FFFD}"))
        #expect(try Value(json: [q, 0xC0, 0xAF, q]) == .string("\u{FFFD}\u{FFFD}"))
        // With an escape in the same string (slow path).
        #expect(try Value(json: [q, 0xFF, 0x5C, 0x6E, 0xE2, 0x82, 0xAC, q]) == .string("\u{FFFD}\n€"))
        // Valid multibyte text stays as is.
        #expect(try Value(json: Array("\"héllo wörld 😀 — ok\"".utf8)) == .string("héllo wörld 😀 — ok"))
    }

    @Test func longStringsUseTheWordAtATimeScanner() throws {
        let plain = String(repeating: "abcdefghij", count: 100)
        #expect(try Value(json: "\"\(plain)\"") == .string(plain))
        let unicode = String(repeating: "añb€c😀", count: 50)
        #expect(try Value(json: "\"\(unicode)\"") == .string(unicode))
        let escaped = String(repeating: "0123456789", count: 5) + "\\n" + String(repeating: "z", count: 30)
        #expect(try Value(json: "\"\(escaped)\"") == .string(String(repeating: "0123456789", count: 5) + "\n" + String(repeating: "z", count: 30)))
        // A control character after 16 clean bytes.
        let e = parseError("\"0123456789abcdef\u{1F}\"")
        #expect(e?.message == "invalid character '\\x1f' in string literal")
        #expect(e?.offset == 17)
    }

    @Test func duplicateKeysLastWins() throws {
        #expect(try Value(json: #"{"a":1,"b":2,"a":3}"#) == .object(["a": .number("3"), "b": .number("2")]))
        #expect(try Value(json: #"{"a":{"x":1},"a":[true]}"#) == .object(["a": .array([.bool(true)])]))
    }

    @Test func nestingUpToTheLimitIsAccepted() throws {
        let depth = JSONParser.maxDepth
        var v = try Value(json: String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        var levels = 0
        while case .array(let a) = v {
            levels += 1
            v = a.first ?? .null
        }
        #expect(levels == depth)
        let objects = String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
        #expect(try Value(json: objects)["a"]?["a"] != nil)
    }

    @Test func nestingBeyondTheLimitIsAnError() {
        let depth = JSONParser.maxDepth + 1
        let e = parseError(String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
        #expect(e?.message == "exceeded max depth")
        #expect(e?.offset == depth - 1)
        let e2 = parseError(String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth))
        #expect(e2?.message == "exceeded max depth")
        // Far deeper input fails the same way instead of overflowing the stack.
        let e3 = parseError(String(repeating: "[", count: 1_000_000))
        #expect(e3?.message == "exceeded max depth")
    }

    @Test func largeArrays() throws {
        let n = 100_000
        var text = "["
        for k in 0..<n {
            if k > 0 { text += "," }
            text += k % 2 == 0 ? "\(k)" : "{\"id\":\(k),\"s\":\"v\(k)\"}"
        }
        text += "]"
        let v = try Value(json: text)
        guard case .array(let a) = v else {
            Issue.record("not an array")
            return
        }
        #expect(a.count == n)
        #expect(a[0] == .number("0"))
        #expect(a[n - 1] == .object(["id": .number("\(n - 1)"), "s": .string("v\(n - 1)")]))
        #expect(v.jsonString == text)
    }

    @Test func nonContiguousAndSlicedInput() throws {
        let bytes = Array(#"xx{"a":[1,2]}yy"#.utf8)
        #expect(try Value(json: bytes[2..<(bytes.count - 2)]) == .object(["a": .array([.number("1"), .number("2")])]))
        // A lazy (non-contiguous) collection is copied first.
        let lazy = Array(#"[true,"x"]"#.utf8).lazy.map { $0 }
        #expect(try Value(json: lazy) == .array([.bool(true), .string("x")]))
        #expect(try Value(json: "[1]".utf8) == .array([.number("1")]))
        #expect(parseError(bytes: [])?.message == "unexpected end of JSON input")
    }
}

@Suite("JSON serializer")
struct JSONSerializerTests {
    @Test func scalars() {
        #expect(Value.null.jsonString == "null")
        #expect(Value.bool(true).jsonString == "true")
        #expect(Value.bool(false).jsonString == "false")
        #expect(Value.number("-1.50e+3").jsonString == "-1.50e+3")
        #expect(Value.number("").jsonString == "0")   // Go writes an empty json.Number as 0
        #expect(Value(12).jsonString == "12")
        #expect(Value.string("").jsonString == #""""#)
        #expect(Value.array([]).jsonString == "[]")
        #expect(Value.object([:]).jsonString == "{}")
    }

    @Test func compactWithSortedKeys() {
        let v: Value = .object([
            "b": .number("2"), "a": .array([.number("1"), .null, .bool(true)]),
            "c": .object(["z": .string("last"), "Z": .string("upper"), "_": .string("under"), "": .string("empty")]),
            "aa": .number("3"), "A": .number("4"), "a1": .number("5"),
        ])
        #expect(v.jsonString
            == #"{"A":4,"a":[1,null,true],"a1":5,"aa":3,"b":2,"c":{"":"empty","Z":"upper","_":"under","z":"last"}}"#)
    }

    @Test func keysAreSortedByUTF8Bytes() {
        // UTF-8 byte order: "z" (7A) < "é" (C3 A9) < "€" (E2 82 AC) < U+FFFD (EF BF BD) < "😀" (F0 9F 98 80).
        let v: Value = .object(["😀": .number("1"), "é": .number("2"), "z": .number("3"), "€": .number("4"), "\u{FFFD}": .number("5")])
        #expect(v.jsonString == "{\"z\":3,\"é\":2,\"€\":4,\"\u{FFFD}\":5,\"😀\":1}")
        // UTF-16 order would put U+FFFD after the emoji's surrogates; UTF-8 does not.
        #expect(utf8BytesLess("\u{FFFD}", "😀"))
        // A decomposed key sorts by its bytes ("e" + U+0301 < "f"), not by its NFC form "é".
        #expect(Value.object(["f": .null, "e\u{301}": .null, "d": .null]).jsonString == "{\"d\":null,\"e\u{301}\":null,\"f\":null}")
        #expect(utf8BytesLess("e\u{301}", "f"))
        #expect(!utf8BytesLess("é", "f"))
        #expect(JSONSerializer.isASCII("abc~\u{7F}") && !JSONSerializer.isASCII("abcé"))
        #expect(utf8BytesLess("ab", "abc"))
        #expect(!utf8BytesLess("abc", "abc"))
        #expect(!utf8BytesLess("b", "abc"))
    }

    @Test func aLargeObjectIsWrittenInKeyOrder() throws {
        // Past what fits the serializer's stack scratch for sorting.
        var members: [String: Value] = [:]
        for i in (0..<5000).reversed() { members["k\(i)"] = Value(i) }
        let text = Value.object(members).jsonString
        let expected = "{" + (0..<5000).map { "k\($0)" }.sorted().map { #""\#($0)":\#($0.dropFirst())"# }.joined(separator: ",") + "}"
        #expect(text == expected)
    }

    @Test func escapingLikeGo() {
        #expect(Value.string("a\"b\\c/d").jsonString == #""a\"b\\c/d""#)
        #expect(Value.string("\n\r\t\u{08}\u{0C}").jsonString == #""\n\r\t\b\f""#)
        #expect(Value.string("\u{00}\u{01}\u{1F}\u{0B}\u{7F}").jsonString == "\"\\u0000\\u0001\\u001f\\u000b\u{7F}\"")
        #expect(Value.string("<script>&amp;</script>").jsonString == #""\u003cscript\u003e\u0026amp;\u003c/script\u003e""#)
        #expect(Value.string("a\u{2028}b\u{2029}c").jsonString == #""a\u2028b\u2029c""#)
        // Other E2-led characters are written raw.
        #expect(Value.string("€‘’…\u{2027}\u{202A}").jsonString == "\"€‘’…\u{2027}\u{202A}\"")
        #expect(Value.string("emoji 😀 é ñ 中文").jsonString == "\"emoji 😀 é ñ 中文\"")
        #expect(Value.object(["<k>": .string("&")]).jsonString == #"{"\u003ck\u003e":"\u0026"}"#)
    }

    @Test func everyASCIIByte() throws {
        var s = ""
        for b in 0..<128 { s.unicodeScalars.append(Unicode.Scalar(UInt8(b))) }
        var expected = "\""
        let hex = Array("0123456789abcdef")
        for b in 0..<128 {
            switch b {
            case 0x22: expected += "\\\""
            case 0x5C: expected += "\\\\"
            case 0x08: expected += "\\b"
            case 0x0C: expected += "\\f"
            case 0x0A: expected += "\\n"
            case 0x0D: expected += "\\r"
            case 0x09: expected += "\\t"
            case 0..<0x20, 0x3C, 0x3E, 0x26: expected += "\\u00\(hex[b >> 4])\(hex[b & 15])"
            default: expected.unicodeScalars.append(Unicode.Scalar(UInt8(b)))
            }
        }
        expected += "\""
        #expect(Value.string(s).jsonString == expected)
        #expect(try Value(json: expected) == .string(s))
    }

    @Test func serializeIntoAppends() {
        var out: [UInt8] = Array("prefix:".utf8)
        Value.array([.number("1"), .string("x")]).serializeJSON(into: &out)
        #expect(String(decoding: out, as: UTF8.self) == #"prefix:[1,"x"]"#)
        #expect(Value.array([.null]).jsonBytes == Array("[null]".utf8))
    }

    @Test(arguments: [
        #"{"a":[1,2.50,-0,1e5,{"b":"c\u0026\n"}],"d":null,"e":true,"f":false}"#,
        #"[]"#, #"{}"#, #""\u003c\u003e\u2028""#, #"[[[[["deep"]]]]]"#,
        #"{"":{"":[""]}}"#, "\"😀 é\"",
    ])
    func roundTripOfCanonicalText(_ text: String) throws {
        let v = try Value(json: text)
        #expect(v.jsonString == text)
        #expect(try Value(json: v.jsonBytes) == v)
    }

    @Test func roundTripNormalizesLayoutAndEscapes() throws {
        let v = try Value(json: """
            {
              "z": [1, 2, 3],
              "a": "\\u00e9\\/\\ud83d\\ude00<",
              "m": {"y": 1.0, "x": -0}
            }
            """)
        #expect(v.jsonString == #"{"a":"é/😀\u003c","m":{"x":-0,"y":1.0},"z":[1,2,3]}"#)
    }

    @Test(arguments: [1, 2, 3, JSONSerializer.maxRecursionDepth, JSONSerializer.maxRecursionDepth + 1, JSONParser.maxDepth])
    func deepValuesSerialize(_ depth: Int) throws {
        // Arrays and objects mixed, deeper than the serializer's recursion limit.
        var text = "1"
        for level in 0..<depth {
            switch level % 3 {
            case 0: text = "[\(text)]"
            case 1: text = #"{"a":[],"b":\#(text),"c":{}}"#
            default: text = #"[true,\#(text),"x",{"k":null,"l":[1]}]"#
            }
        }
        let v = try Value(json: text)
        #expect(v.jsonString == text)
        var out: [UInt8] = []
        JSONSerializer.writeIterative(v, into: &out)
        #expect(String(decoding: out, as: UTF8.self) == text)
    }

    @Test func largeDocumentRoundTrip() throws {
        var members: [String: Value] = [:]
        for k in 0..<5_000 {
            members["key\(k)"] = .array([.number("\(k)"), .string("value \(k) <\(k)>"), .bool(k % 2 == 0)])
        }
        let v = Value.object(members)
        let bytes = v.jsonBytes
        #expect(try Value(json: bytes) == v)
        let s = v.jsonString
        #expect(s.hasPrefix(#"{"key0":[0,"value 0 \u003c0\u003e",true],"key1":[1,"#))
    }
}

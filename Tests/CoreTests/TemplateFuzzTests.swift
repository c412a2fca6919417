import XCTest
@testable import GatewayCore

/// No template text and no data may crash the engine: random and mutated
/// texts are parsed and, when valid, executed on varied data. Deterministic
/// (fixed seeds) and bounded in size, so the run is short and repeatable.
final class TemplateFuzzTests: XCTestCase {
    /// SplitMix64: a small deterministic generator.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }

    static let dataSets: [Value] = {
        let texts = [
            "null", "0", "-1.5", #""text <&>""#, "[1,null,\"b\",[2,{}]]",
            #"{"a":{"b":[1,2,{"c":null}],"s":"x"},"n":3,"e":[],"o":{},"t":true,"f":false,"z":null,"big":1e400,"neg":-9223372036854775809}"#,
        ]
        return texts.compactMap { try? Value(json: $0) }
    }()

    /// Parses and, when valid, executes `text`; returns whether it parsed.
    @discardableResult
    private func exercise(_ text: String) -> Bool {
        guard let t = try? GoTemplate(name: "fuzz", text: text) else { return false }
        for data in Self.dataSets {
            for escaping in [TemplateEscaping.none, .xml] {
                do {
                    let out = try t.execute(data, escaping: escaping)
                    XCTAssertLessThan(out.utf8.count, 1 << 27)
                } catch {
                    XCTAssertFalse(error.description.isEmpty)
                }
            }
        }
        return true
    }

    func testRandomCharacters() {
        var g = Generator(state: 1)
        let alphabet = Array("{{}}{}()|$.:=-+\"'`/* \n\t\\abcxyz019_,!#%eE[]é😀\r")
        var parsed = 0
        for _ in 0..<4000 {
            let length = g.below(48)
            if exercise(String((0..<length).map { _ in g.pick(alphabet) })) { parsed += 1 }
        }
        XCTAssertGreaterThan(parsed, 400)
    }

    func testRandomTokens() {
        var g = Generator(state: 2)
        let tokens = [
            "{{", "}}", "{{- ", " -}}", "{{/* c */}}", ".", ".a", ".a.b", ".n", ".e", ".o", ".z", ".big", "$", "$x", "$y", ":=", "=", ",",
            "|", "(", ")", " ", " ", " ", "\n", "if", "else", "end", "range", "with", "define \"d\"", "template \"d\"", "block \"d\" .",
            "break", "continue", "\"s\"", "\"%v %d %s %q %x %5.2f %[2]v %*d %!\"", "`raw`", "0", "1", "3", "-1", "2.5", "0x3", "'\\x02'",
            "nil", "true", "false", "len", "index", "slice", "printf", "print", "println", "html", "js", "urlquery", "not", "and", "or",
            "eq", "ne", "lt", "le", "gt", "ge", "call", "raw", "upper", "title", "trim", "replace", "substr", "repeat", "quote", "cat",
            "indent", "default", "empty", "coalesce", "ternary", "toJson", "toPrettyJson", "fromJson", "b64dec", "add", "div", "mod",
            "max", "int", "float64", "toString", "atoi", "list", "first", "uniq", "has", "join", "split", "splitList", "dict", "get",
            "set", "unset", "keys", "values", "pick", "omit", "now", "date", "text ",
        ]
        var parsed = 0
        for _ in 0..<4000 {
            if exercise((0..<(1 + g.below(24))).map { _ in g.pick(tokens) }.joined()) { parsed += 1 }
        }
        XCTAssertGreaterThan(parsed, 400)
    }

    func testWellFormedRandomActions() {
        var g = Generator(state: 3)
        let operands = [".a", ".a.b", ".n", ".e", ".o", ".z", ".big", ".neg", ".", "$", "1", "-2", "2.5", "\"x\"", "nil", "true",
                        "(list 1 \"a\")", "(dict \"k\" .n)", "(index .a \"b\")", "(len .e)", "(slice .a.b 1)", "$v"]
        let functions = ["print", "printf \"%v|%d|%s|%q|%x|%6.2f|%T\"", "len", "index", "slice", "eq", "lt", "not", "and", "or", "html",
                         "js", "urlquery", "upper", "toJson", "toPrettyJson", "default", "empty", "add", "sub", "mul", "div", "max",
                         "int", "float64", "toString", "list", "first", "last", "uniq", "join \",\"", "dict", "keys", "values",
                         "quote", "cat", "ternary 1 2", "coalesce", "has", "get", "hasKey", "pick", "omit", "trim", "substr 0 2"]
        for _ in 0..<3000 {
            var text = "{{$v := \(g.pick(operands))}}"
            for _ in 0..<(1 + g.below(4)) {
                let args = (0..<g.below(3)).map { _ in g.pick(operands) }.joined(separator: " ")
                let action = "\(g.pick(functions)) \(args)"
                switch g.below(5) {
                case 0: text += "{{range $i, $e := \(g.pick(operands))}}{{\(action)}}{{else}}-{{end}}"
                case 1: text += "{{if \(action)}}T{{else if \(g.pick(operands))}}E{{end}}"
                case 2: text += "{{with \(g.pick(operands))}}{{\(action)}}{{end}}"
                case 3: text += "{{\(g.pick(operands)) | \(action)}}"
                default: text += "{{\(action)}}"
                }
            }
            XCTAssertTrue(exercise(text), text)
        }
    }

    func testMutatedTemplates() {
        var g = Generator(state: 4)
        let corpus = [
            TemplateTests.countryFlag,
            #"{{define "tree"}}[{{.Val}}{{with .Left}}{{template "tree" .}}{{end}}]{{end}}{{template "tree" .}}"#,
            #"{{- range $i, $v := .a.b -}}{{ if eq $i 1 }}{{ break }}{{ end }}{{ printf "%03d" $i }}{{- end }}"#,
            #"{{ $x := dict "a" 1 }}{{ $_ := set $x "b" (list 1 2) }}{{ toJson $x | b64enc | b64dec }}"#,
            #"{{ with .a }}{{ .s | upper | quote }}{{ else with .n }}{{ . }}{{ end }}{{/* note */}}"#,
            #"{{ index . "a" "b" 2 "c" | default "none" | printf "%v" }}"#,
        ]
        let insertions = Array("{}()|$.\"`'-=: \nx0")
        var parsed = 0
        for _ in 0..<3000 {
            var chars = Array(g.pick(corpus))
            for _ in 0..<(1 + g.below(3)) where !chars.isEmpty {
                let i = g.below(chars.count)
                switch g.below(3) {
                case 0: chars.remove(at: i)
                case 1: chars.insert(g.pick(insertions), at: i)
                default: chars[i] = g.pick(insertions)
                }
            }
            if exercise(String(chars)) { parsed += 1 }
        }
        XCTAssertGreaterThan(parsed, 300)
    }

    func testDeeplyNestedData() throws {
        let depth = 3000
        let deep = try Value(json: String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth))
        let t = try GoTemplate(name: "t", text: "{{.}}|{{printf \"%v %d\" . .}}|{{toJson .}}|{{len .}}|{{uniq (list . .) | len}}|{{has . (list .)}}|{{toString .}}")
        let out = try t.execute(deep)
        let brackets = String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth)
        XCTAssertTrue(out.hasPrefix(brackets + "|" + brackets + " " + brackets + "|" + brackets + "|1|1|true|"), String(out.prefix(50)))
        XCTAssertThrowsError(try renderTemplate("{{eq . .}}", "[[1]]"))
        let pretty = try Value(json: String(repeating: "{\"a\":", count: 300) + "[]" + String(repeating: "}", count: 300))
        XCTAssertEqual(try GoTemplate(name: "t", text: "{{toPrettyJson .}}").execute(pretty).filter { $0 == "\n" }.count, 600)
    }

    func testLargeOutputsAreRefusedNotCrashed() {
        for text in ["{{repeat 100000000 \"ab\"}}", "{{indent 60000000 (repeat 100 \"\\n\")}}", "{{indent 100 (repeat 1000000 \"\\n\")}}",
                     "{{replace \"\" (repeat 10000000 \"x\") (repeat 100 \"y\")}}"] {
            XCTAssertThrowsError(try renderTemplate(text), text)
        }
        XCTAssertEqual(try renderTemplate("{{printf \"%1000000d\" 1 | len}}|{{printf \"%.100000f\" 1.5 | len}}|{{printf \"%.1000000U\" 1 | len}}"),
                       "1000000|100002|1000002")
    }
}

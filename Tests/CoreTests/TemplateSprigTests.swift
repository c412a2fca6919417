import XCTest
@testable import GatewayCore

/// The Sprig subset, with the outputs Sprig v3 gives.
final class TemplateSprigTests: XCTestCase {
    static let data = #"""
        {"name":"  Hello World  ","s":"hello","n":3,"f":2.5,"list":[1,"b",null,1,"b"],"empty":[],
         "obj":{"b":2,"a":1,"c":{"x":[1,2]}},"html":"<a href=\"x\">&</a>","nil":null,"zero":0,"str":"","t":true}
        """#

    private func check(_ cases: [(String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (text, expected) in cases {
            XCTAssertEqual(try renderTemplate(text, Self.data), expected, text, file: file, line: line)
        }
    }

    private func checkError(_ text: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try renderTemplate(text, Self.data), text, file: file, line: line) { error in
            XCTAssertTrue("\(error)".contains(message), "\(text): \(error)", file: file, line: line)
        }
    }

    func testStrings() {
        check([
            ("{{upper .s}}|{{lower \"ÀB\"}}|{{upper \"straße\"}}|{{title \"hello wide-world_x 1st\"}}", "HELLO|àb|STRAßE|Hello Wide-World_x 1st"),
            ("[{{trim .name}}]|[{{trimAll \"$\" \"$$5.00$\"}}]|{{trimPrefix \"he\" .s}}|{{trimSuffix \"lo\" .s}}|{{trimSuffix \"x\" .s}}",
             "[Hello World]|[5.00]|llo|hel|hello"),
            ("{{replace \"l\" \"L\" .s}}|{{replace \"\" \"-\" \"ab\"}}|{{.s | replace \"hello\" \"bye\"}}", "heLLo|-a-b-|bye"),
            ("{{contains \"ell\" .s}} {{hasPrefix \"he\" .s}} {{hasSuffix \"lo\" .s}} {{contains \"x\" .s}} {{contains \"\" .s}}",
             "true true true false true"),
            ("{{repeat 3 \"ab\"}}|{{repeat 0 \"ab\"}}", "ababab|"),
            ("{{substr 0 3 .s}}|{{substr 1 -1 .s}}|{{substr -1 2 .s}}|{{substr 2 99 .s}}", "hel|ello|he|llo"),
            ("{{trunc 3 .s}}|{{trunc -2 .s}}|{{trunc 10 .s}}", "hel|lo|hello"),
            ("{{quote .s 1 nil}}|{{squote .s 2}}|{{cat .s 1 nil \"x\"}}", #""hello" "1"|'hello' '2'|hello 1 x"#),
            ("{{indent 2 \"a\\nb\"}}|{{nindent 2 \"a\"}}", "  a\n  b|\n  a"),
            ("{{b64enc \"hello world\"}}|{{b64dec \"aGVsbG8gd29ybGQ=\"}}|{{b64enc \"\"}}|{{b64enc \"a\"}}|{{b64dec \"YQ==\\n\"}}",
             "aGVsbG8gd29ybGQ=|hello world||YQ==|a"),
            ("{{b64dec \"!!!\"}}|{{b64dec \"YQ\"}}|{{b64dec \"YQ=a\"}}", "illegal base64 data at input byte 0|illegal base64 data at input byte 0|illegal base64 data at input byte 2"),
        ])
        checkError("{{repeat -1 \"a\"}}", "error calling repeat: strings: negative Repeat count")
        checkError("{{repeat 1000000000000 \"a\"}}", "Repeat output length overflow")
        checkError("{{substr 4 2 .s}}", "error calling substr: runtime error: slice bounds out of range [4:2]")
        checkError("{{substr -1 9 .s}}", "slice bounds out of range [:9] with length 5")
        checkError("{{upper .n}}", "wrong type for value; expected string; got int")
        checkError("{{upper .missing}}", "invalid value; expected string")
        checkError("{{upper .nil}}", "wrong type for value; expected string; got interface {}")
        checkError("{{upper 3}}", "expected string; found 3")
        checkError("{{repeat \"3\" \"a\"}}", #"expected integer; found "3""#)
        checkError("{{upper}}", "wrong number of args for upper: want 1 got 0")
        checkError("{{upper \"a\" \"b\"}}", "wrong number of args for upper: want 1 got 2")
    }

    func testDefaultsAndLogic() {
        check([
            ("{{default \"x\" .missing}}|{{default \"x\" .str}}|{{default \"x\" .zero}}|{{default \"x\" .s}}|{{.missing | default 5}}|{{default \"x\"}}",
             "x|x|x|hello|5|x"),
            ("{{empty .str}} {{empty .zero}} {{empty .empty}} {{empty .nil}} {{empty .missing}} {{empty .s}} {{empty now}}",
             "true true true true true false false"),
            ("{{coalesce .missing .str 0 \"first\" \"second\"}}|{{coalesce .missing}}", "first|<no value>"),
            ("{{ternary \"yes\" \"no\" true}}|{{ternary \"yes\" \"no\" (eq .n 4)}}|{{.t | ternary 1 2}}", "yes|no|1"),
        ])
        checkError("{{ternary 1 2 \"true\"}}", #"expected bool; found "true""#)
        checkError("{{ternary 1 2 .n}}", "wrong type for value; expected bool; got int")
    }

    func testJSON() {
        check([
            ("{{toJson .obj}}", #"{"a":1,"b":2,"c":{"x":[1,2]}}"#),
            ("{{toJSON .html}}|{{toRawJson .html}}", #""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e"|"<a href=\"x\">&</a>""#),
            ("{{toJson .missing}}|{{toJson .nil}}|{{toJson 1.5}}|{{toJson (list 1 \"a\" nil true)}}", #"null|null|1.5|[1,"a",null,true]"#),
            ("{{toPrettyJson .obj}}", "{\n  \"a\": 1,\n  \"b\": 2,\n  \"c\": {\n    \"x\": [\n      1,\n      2\n    ]\n  }\n}"),
            ("{{toPrettyJson .empty}}|{{toPrettyJson (dict)}}|{{mustToJson .s}}", #"[]|{}|"hello""#),
            ("{{(fromJson \"{\\\"a\\\":[1,2]}\").a}}|{{fromJson \"not json\"}}|{{(mustFromJson \"[true]\") | first}}", "[1 2]|<no value>|true"),
            ("{{toJson (float64 \"Inf\")}}|", "|"),
            ("{{toJson now | len | lt 20}}", "true"),
        ])
        checkError("{{mustFromJson \"{\"}}", "error calling mustFromJson: unexpected end of JSON input")
        checkError("{{mustToJson (float64 \"NaN\")}}", "error calling mustToJson: json: unsupported value: NaN")
    }

    func testMathAndConversions() {
        check([
            ("{{add 1 2 3}}|{{add}}|{{add1 .n}}|{{sub 10 .n}}|{{mul 2 3 4}}|{{div 7 2}}|{{div -7 2}}|{{mod 7 3}}|{{mod -7 3}}", "6|0|4|7|24|3|-3|1|-1"),
            ("{{max 1 5 3}}|{{min 4 2 8}}|{{max .f 2}}|{{add .f 1}}|{{add \"3\" \"0x10\" \"1.0\" \"1.5\" true nil}}", "5|2|2|3|21"),
            ("{{int \"42\"}}|{{int .f}}|{{int64 \"-7\"}}|{{int \"abc\"}}|{{float64 \"1.5\"}}|{{float64 .n}}|{{float64 \"x\"}}|{{atoi \"12\"}}|{{atoi \"1.2\"}}",
             "42|2|-7|0|1.5|3|0|12|0"),
            ("{{toString 1}}|{{toString .obj.c}}|{{toString nil}}|{{toString .s}}|{{printf \"%T\" (toString 1)}}", "1|map[x:[1 2]]|<nil>|hello|string"),
            ("{{add 9223372036854775807 1}}|{{div -9223372036854775808 -1}}", "-9223372036854775808|-9223372036854775808"),
            ("{{printf \"%T %T %T\" (add 1 2) (float64 1) (int 2.5)}}", "int float64 int"),
        ])
        checkError("{{div 1 0}}", "error calling div: runtime error: integer divide by zero")
        checkError("{{mod 1 .zero}}", "error calling mod: runtime error: integer divide by zero")
        checkError("{{max}}", "wrong number of args for max: want at least 1 got 0")
    }

    func testLists() {
        check([
            ("{{list 1 \"a\" nil}}|{{list}}|{{len (list 1 2)}}", "[1 a <nil>]|[]|2"),
            ("{{first .list}}|{{last .list}}|{{first .empty}}|{{uniq .list}}", "1|b|<no value>|[1 b <nil>]"),
            ("{{has 1 .list}}|{{has \"z\" .list}}|{{has 1 .nil}}|{{has nil .list}}", "true|false|false|true"),
            ("{{join \",\" .list}}|{{join \"-\" (list \"a\" 2 true)}}|{{join \",\" .s}}|{{join \",\" .missing}}", "1,b,1,b|a-2-true|hello|"),
            ("{{splitList \",\" \"a,b,,c\"}}|{{splitList \"\" \"añ\"}}|{{len (splitList \",\" \"\")}}", "[a b  c]|[a ñ]|1"),
            ("{{(split \",\" \"a,b\")._1}}|{{split \"/\" \"x/y\"}}", "b|map[_0:x _1:y]"),
            ("{{range $i, $v := list \"a\" \"b\"}}{{$i}}={{$v}} {{end}}", "0=a 1=b "),
        ])
        checkError("{{first .s}}", "error calling first: Cannot find first on type string")
        checkError("{{first .obj}}", "Cannot find first on type map")
        checkError("{{uniq .missing}}", "error calling uniq: runtime error: invalid memory address or nil pointer dereference")
        checkError("{{has 1 .s}}", "Cannot find has on type string")
    }

    func testDicts() {
        check([
            ("{{dict \"a\" 1 \"b\" \"x\"}}|{{dict \"k\"}}|{{dict 1 2}}|{{(dict \"a\" (list 1 2)).a}}", "map[a:1 b:x]|map[k:]|map[1:2]|[1 2]"),
            ("{{get .obj \"a\"}}|{{get .obj \"zz\"}}|[{{get .missing \"a\"}}]|{{hasKey .obj \"b\"}}|{{hasKey .obj \"zz\"}}|{{hasKey .missing \"a\"}}",
             "1||[]|true|false|false"),
            ("{{keys .obj}}|{{keys .obj (dict \"a\" 0 \"z\" 0)}}|{{values .obj}}", "[a b c]|[a b c a z]|[1 2 map[x:[1 2]]]"),
            ("{{pick .obj \"a\" \"c\" \"zz\"}}|{{omit .obj \"a\" \"c\"}}", "map[a:1 c:map[x:[1 2]]]|map[b:2]"),
            // Changes through a field are not written back (Go would also change .obj).
            ("{{set .obj \"d\" 4}}|{{unset .obj \"a\"}}|{{.obj}}", "map[a:1 b:2 c:map[x:[1 2]] d:4]|map[b:2 c:map[x:[1 2]]]|map[a:1 b:2 c:map[x:[1 2]]]"),
            // Go's set changes the map in place: the Helm idiom `$_ := set $d ...` is supported for variables.
            ("{{$d := dict \"a\" 1}}{{$_ := set $d \"b\" 2}}{{$_ := unset $d \"a\"}}{{$d}}", "map[b:2]"),
            ("{{$d := dict}}{{range list 1 2}}{{$_ := set $d (toString .) .}}{{end}}{{$d}}", "map[1:1 2:2]"),
        ])
        checkError("{{get \"x\" \"a\"}}", #"can't handle "x" for arg of type map[string]interface {}"#)
        checkError("{{get .s \"a\"}}", "wrong type for value; expected map[string]interface {}; got string")
        checkError("{{set .missing \"a\" 1}}", "error calling set: assignment to entry in nil map")
    }

    func testDates() throws {
        check([
            ("{{date \"2006-01-02T15:04:05Z07:00\" 0}}", "1970-01-01T00:00:00Z"),
            ("{{date \"Mon Jan _2 15:04:05 MST 2006\" 1700000000}}", "Tue Nov 14 22:13:20 UTC 2023"),
            ("{{date \"Monday, January 2 2006 3:04PM -0700 -07:00 .000 .999 002 06\" 951782400}}",
             "Tuesday, February 29 2000 12:00AM +0000 +00:00 .000  060 00"),
            ("{{date \"02/01/2006 15h04\" -86400}}", "31/12/1969 00h00"),
        ])
        let year = try renderTemplate("{{now | date \"2006\"}}")
        XCTAssertGreaterThanOrEqual(Int(year) ?? 0, 2024)
        XCTAssertEqual(try renderTemplate("{{date \"2006\" \"not a time\" | len}}"), "4")
        let now = try renderTemplate("{{now}}")
        XCTAssertTrue(now.hasSuffix(" +0000 UTC") && now.count >= 29, now)
        XCTAssertEqual(TemplateTime(seconds: 1_700_000_000, nanoseconds: 120_000_000).description, "2023-11-14 22:13:20.12 +0000 UTC")
        XCTAssertEqual(TemplateTime(seconds: 1_700_000_000, nanoseconds: 5).rfc3339Nano, "2023-11-14T22:13:20.000000005Z")
    }
}

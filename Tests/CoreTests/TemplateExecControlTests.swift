import XCTest
@testable import GatewayCore

/// Go's exec_test.go, continued: range, templates, comparisons, numbers, call.
final class TemplateExecControlTests: XCTestCase {
    func testRange() {
        let t = TemplateExecTests.tVal
        checkTemplateCases([
            TemplateCase("range []int", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-", data: t),
            TemplateCase("range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", "", data: t),
            TemplateCase("range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-", data: t),
            TemplateCase("range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}", "-3-", data: t),
            TemplateCase("range []int continue else", "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}",
                         "-3--4--5-", data: t),
            TemplateCase("range []bool", "{{range .SB}}-{{.}}-{{end}}", "-true--false-", data: t),
            TemplateCase("range map", "{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-", data: t),
            TemplateCase("range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", "", data: t),
            TemplateCase("range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", "-1--3--2-", data: t),
            TemplateCase("range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", "-7--8-", data: t),
            TemplateCase("range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", "", data: t),
            TemplateCase("range missing with else", "{{range .Nope}}x{{else}}none{{end}}", "none", data: t),
            TemplateCase("range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>", data: t),
            TemplateCase("range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>", data: t),
            TemplateCase("range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", "<1>", data: t),
            TemplateCase("range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", "<one=1>", data: t),
            TemplateCase("range $x PSI", "{{range $x := .PSI}}<{{$x}}>{{end}}", "<21><22><23>", data: t),
            TemplateCase("declare in range", "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}", "<21><22><23>", data: t),
            TemplateCase("range 5", #"{{range $v := 5}}{{printf "%T%d" $v $v}}{{end}}"#, "int0int1int2int3int4"),
            TemplateCase("range int data", "{{range .I}}{{.}}{{end}}", "012345678910111213141516", data: t),
            TemplateCase("range 0 else", "{{range 0}}x{{else}}empty{{end}}", "empty"),
            TemplateCase("range int two vars", "{{range $i, $v := 3}}{{end}}", nil, error: "can't use 3 to iterate over more than one variable"),
            TemplateCase("range float", "{{range 1.5}}{{end}}", nil, error: "range can't iterate over 1.5"),
            TemplateCase("range string", "{{range .X}}{{end}}", nil, data: t, error: "executing \"t\" at <.X>: range can't iterate over x"),
            TemplateCase("issue56490", "{{$i := 0}}{{$x := 0}}{{range $i = .AI}}{{end}}{{$i}}", "5", data: t),
            TemplateCase("issue60801", "{{$k := 0}}{{$v := 0}}{{range $k, $v = .AI}}{{$k}}={{$v}} {{end}}", "0=3 1=4 2=5 ", data: t),
            TemplateCase("range assign undeclared", "{{range $k = .AI}}{{end}}", nil, data: t, error: "undefined variable: $k"),
            TemplateCase("break from nested if", "{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "3", data: t),
            TemplateCase("continue from nested with", "{{range .SI}}{{with eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "35", data: t),
            TemplateCase("break in inner range only", "{{range .SI}}[{{range $.SB}}{{break}}{{end}}{{.}}]{{end}}", "[3][4][5]", data: t),
            TemplateCase("break from else of inner range", "{{range .SI}}{{.}}{{range $.SIEmpty}}{{else}}{{break}}{{end}}{{end}}", "3", data: t),
            TemplateCase("variables reset per iteration",
                         "{{range .SI}}{{$y := 0}}{{if eq . 4}}{{$y = 1}}{{end}}{{$y}}{{end}}", "010", data: t),
            TemplateCase("dot of a null element", "{{range .}}{{.x}}{{end}}", nil, data: "[null]",
                         error: "nil pointer evaluating interface {}.x"),
            TemplateCase("range map keys sorted bytewise", "{{range $k, $v := .}}{{$k}}{{end}}", "ABab", data: #"{"b":1,"a":1,"B":1,"A":1}"#),
        ])
    }

    func testNumbers() {
        checkTemplateCases([
            TemplateCase("decimal", "{{print 1234}}", "1234"),
            TemplateCase("decimal _", "{{print 12_34}}", "1234"),
            TemplateCase("binary", "{{print 0b101}}", "5"),
            TemplateCase("binary _", "{{print 0b_1_0_1}}", "5"),
            TemplateCase("BINARY", "{{print 0B101}}", "5"),
            TemplateCase("octal0", "{{print 0377}}", "255"),
            TemplateCase("octal", "{{print 0o377}}", "255"),
            TemplateCase("octal _", "{{print 0o_3_7_7}}", "255"),
            TemplateCase("OCTAL", "{{print 0O377}}", "255"),
            TemplateCase("hex", "{{print 0x123}}", "291"),
            TemplateCase("hex _", "{{print 0x1_23}}", "291"),
            TemplateCase("HEX", "{{print 0X123ABC}}", "1194684"),
            TemplateCase("float", "{{print 123.4}}", "123.4"),
            TemplateCase("float _", "{{print 0_0_1_2_3.4}}", "123.4"),
            TemplateCase("hex float", "{{print +0x1.ep+2}}", "7.5"),
            TemplateCase("hex float _", "{{print +0x_1.e_0p+0_2}}", "7.5"),
            TemplateCase("HEX float", "{{print +0X1.EP+2}}", "7.5"),
            TemplateCase("print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5"),
            TemplateCase("print multi2", "{{print 1234 0x0_1.e_0p+02}}", "1234 7.5"),
            TemplateCase("char constant", "{{'a'}} {{'\\n'}} {{'パ'}}", "97 10 12497"),
            TemplateCase("float literal prints like Go", "{{1e6}} {{1.0}} {{100000.0}} {{0.00001}} {{-2.50}}", "1e+06 1 100000 1e-05 -2.5"),
            TemplateCase("ideal too big", "{{print 0x8000000000000000}}", nil, error: "0x8000000000000000 overflows int"),
            TemplateCase("bug18a", "{{eq . '.'}}", "true", data: "46"),
            TemplateCase("bug18b", "{{eq . 'e'}}", "true", data: "101"),
            TemplateCase("JSON numbers print literally", "{{.a}} {{.b}} {{.c}}", "1.50 1e3 -0", data: #"{"a":1.50,"b":1e3,"c":-0}"#),
        ])
    }

    func testBugRegressions() {
        let t = TemplateExecTests.tVal
        checkTemplateCases([
            TemplateCase("bug7a", "{{3 2}}", nil, data: t),
            TemplateCase("bug7b", "{{$x := 1}}{{$x 2}}", nil, data: t, error: "can't give argument to non-function $x"),
            TemplateCase("bug7c", "{{$x := 1}}{{3 | $x}}", nil, data: t),
            TemplateCase("bug8a", "{{3|upper}}", nil, data: t, error: "wrong type for value; expected string; got int"),
            TemplateCase("bug16g", #"{{"aaa" |hasPrefix "bbb"}}"#, "false", data: t),
            TemplateCase("bug16i", #"{{"aaa"|upper}}"#, "AAA", data: t),
            TemplateCase("bug16f", #"{{true|hasPrefix "xxx"}}"#, nil, data: t),
        ])
    }

    func testComparison() throws {
        // Go's cmpTests; `eq 2 2.0` is true here (numbers are untyped) where Go reports an error.
        let data = #"{"Uthree":3,"Ufour":4,"NegOne":-1,"Three":3,"Map":{"a":1},"Nil":null}"#
        let cases: [(String, String?)] = [
            ("eq true true", "true"), ("eq true false", "false"), ("eq 1.5 1.5", "true"), ("eq 1.5 2.5", "false"),
            ("eq 1 1", "true"), ("eq 1 2", "false"), ("eq `xy` `xy`", "true"), ("eq `xy` `xyz`", "false"),
            ("eq .Uthree .Uthree", "true"), ("eq .Uthree .Ufour", "false"), ("eq 3 4 5 6 3", "true"), ("eq 3 4 5 6 7", "false"),
            ("ne true true", "false"), ("ne true false", "true"), ("ne 1.5 1.5", "false"), ("ne 1.5 2.5", "true"),
            ("ne 1 1", "false"), ("ne 1 2", "true"), ("ne `xy` `xy`", "false"), ("ne `xy` `xyz`", "true"),
            ("lt 1.5 1.5", "false"), ("lt 1.5 2.5", "true"), ("lt 1 1", "false"), ("lt 1 2", "true"),
            ("lt `xy` `xy`", "false"), ("lt `xy` `xyz`", "true"), ("lt .Uthree .Ufour", "true"),
            ("le 1.5 1.5", "true"), ("le 2.5 1.5", "false"), ("le 1 2", "true"), ("le 2 1", "false"),
            ("le `xyz` `xy`", "false"), ("le .Ufour .Uthree", "false"),
            ("gt 1.5 1.5", "false"), ("gt 2 1", "true"), ("gt `xy` `xyz`", "false"), ("gt .Ufour .Uthree", "true"),
            ("ge 1.5 1.5", "true"), ("ge 1.5 2.5", "false"), ("ge 2 1", "true"), ("ge `xyz` `xy`", "true"),
            ("eq .NegOne .Uthree", "false"), ("lt .NegOne .Uthree", "true"), ("gt .Uthree .NegOne", "true"),
            ("eq (index `x` 0) 'x'", "true"), ("eq (index `x` 0) 'y'", "false"),
            ("eq .Nil .Nil", "true"), ("eq .Nil 0", "false"), ("eq 0 .Nil", "false"), ("eq .Map nil", "false"),
            ("eq .Missing nil", "true"), ("eq .Map .Nil", "false"),
            ("eq 2 2.0", "true"), ("lt 2 2.5", "true"),
            // Errors.
            ("eq `xy` 1", nil), ("lt true true", nil), ("eq .Map .Map", nil), ("lt .Nil 1", nil), ("lt `a` 1", nil),
            ("eq 1", nil), ("ne 1", nil),
        ]
        for (expr, truth) in cases {
            let text = "{{if \(expr)}}true{{else}}false{{end}}"
            if let truth {
                XCTAssertEqual(try renderTemplate(text, data), truth, expr)
            } else {
                XCTAssertThrowsError(try renderTemplate(text, data), expr)
            }
        }
        XCTAssertThrowsError(try renderTemplate("{{eq `xy` 1}}")) { error in
            XCTAssertTrue("\(error)".hasSuffix("error calling eq: incompatible types for comparison: string and int"), "\(error)")
        }
        XCTAssertThrowsError(try renderTemplate("{{lt true true}}")) { error in
            XCTAssertTrue("\(error)".hasSuffix("error calling lt: invalid type for comparison"), "\(error)")
        }
        XCTAssertThrowsError(try renderTemplate("{{eq 1}}")) { error in
            XCTAssertTrue("\(error)".hasSuffix("error calling eq: missing argument for comparison"), "\(error)")
        }
        XCTAssertThrowsError(try renderTemplate("{{ne 1}}")) { error in
            XCTAssertTrue("\(error)".hasSuffix("wrong number of args for ne: want 2 got 1"), "\(error)")
        }
    }

    func testInterfaceValues() throws {
        // Go's TestInterfaceValues (function values left out).
        let data = #"{"Slice":[0,1,2,3],"One":1,"Two":2,"Nil":null,"Zero":0}"#
        let cases: [(String, String)] = [
            ("{{index .Nil 1}}", "ERROR: index of untyped nil"), ("{{index .Slice 2}}", "2"), ("{{index .Slice .Two}}", "2"),
            ("{{call .Nil 1}}", "ERROR: call of nil"),
            ("{{and (index .Slice 0) true}}", "0"), ("{{and .Zero true}}", "0"), ("{{and (index .Slice 1) false}}", "false"),
            ("{{and .One false}}", "false"), ("{{or (index .Slice 0) false}}", "false"), ("{{or .Zero false}}", "false"),
            ("{{or (index .Slice 1) true}}", "1"), ("{{or .One true}}", "1"), ("{{not (index .Slice 0)}}", "true"),
            ("{{not .Zero}}", "true"), ("{{not (index .Slice 1)}}", "false"), ("{{not .One}}", "false"),
            ("{{eq (index .Slice 0) .Zero}}", "true"), ("{{eq (index .Slice 1) .One}}", "true"),
            ("{{ne (index .Slice 0) .Zero}}", "false"), ("{{ne (index .Slice 1) .One}}", "false"),
            ("{{ge (index .Slice 0) .One}}", "false"), ("{{ge (index .Slice 1) .Zero}}", "true"),
            ("{{gt (index .Slice 0) .One}}", "false"), ("{{gt (index .Slice 1) .Zero}}", "true"),
            ("{{le (index .Slice 0) .One}}", "true"), ("{{le (index .Slice 1) .Zero}}", "false"),
            ("{{lt (index .Slice 0) .One}}", "true"), ("{{lt (index .Slice 1) .Zero}}", "false"),
        ]
        for (text, out) in cases {
            if out.hasPrefix("ERROR: ") {
                XCTAssertThrowsError(try renderTemplate(text, data), text) { error in
                    XCTAssertTrue("\(error)".contains(out.dropFirst(7)), "\(text): \(error)")
                }
            } else {
                XCTAssertEqual(try renderTemplate(text, data), out, text)
            }
        }
    }

    func testCall() {
        checkTemplateCases([
            TemplateCase("call nothing", "{{call}}", nil, error: "wrong number of args for call: want at least 1 got 0"),
            TemplateCase("call non-function", "{{call .True}}", nil, data: TemplateExecTests.tVal,
                         error: "error calling call: non-function .True of type bool"),
            TemplateCase("call pipeline", #"{{call (len "test")}}"#, nil, error: #"error calling call: non-function len "test" of type int"#),
            TemplateCase("call piped", #"{{1 | call}}"#, nil, error: "error calling call: non-function <int Value> of type int"),
            TemplateCase("call nil", "{{call nil}}", nil, error: "error calling call: call of nil"),
        ])
    }

    func testTemplatesAndBlocks() throws {
        // Go's TestTree, with default delimiters.
        let tree = """
            {{- define "tree" -}}
            [
            	{{- .Val -}}
            	{{- with .Left -}}
            		{{template "tree" . -}}
            	{{- end -}}
            	{{- with .Right -}}
            		{{- template "tree" . -}}
            	{{- end -}}
            ]
            {{- end -}}
            """
        func node(_ v: Int, _ l: String = "null", _ r: String = "null") -> String { #"{"Val":\#(v),"Left":\#(l),"Right":\#(r)}"# }
        let data = node(1, node(2, node(3, node(4)), node(5, node(6))), node(7, node(8, node(9)), node(10, node(11))))
        XCTAssertEqual(try renderTemplate(tree, data, template: "tree"), "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]")
        checkTemplateCases([
            TemplateCase("block", #"a({{block "inner" .}}bar({{.}})baz{{end}})b"#, "a(bar(hello)baz)b", data: #""hello""#),
            TemplateCase("block overridden by define", #"a({{block "inner" .}}bar{{end}}){{define "inner"}}foo{{.}}{{end}}"#,
                         nil, error: "multiple definition of template"),
            TemplateCase("define replaces an empty block", #"{{define "x"}} {{end}}{{define "x"}}X{{end}}{{template "x"}}"#, "X"),
            TemplateCase("template without data", #"{{define "x"}}[{{.}}]{{end}}{{template "x"}}"#, "[<no value>]", data: "1"),
            TemplateCase("template sees only $", #"{{define "x"}}{{$}}{{end}}{{$y := 2}}{{template "x" 3}}"#, "3"),
            TemplateCase("template vars declared by its pipeline stay", #"{{define "x"}}{{.}}{{end}}{{template "x" $v := 5}}{{$v}}"#, "55"),
            TemplateCase("undefined template", #"{{template "nope" .}}"#, nil,
                         error: #"executing "t" at <{{template "nope" .}}>: template "nope" not defined"#),
            TemplateCase("max exec depth", #"{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}"#, nil,
                         error: "exceeded maximum template depth (200)"),
            TemplateCase("error names the executing template", #"{{define "x"}}{{.a.b}}{{end}}{{template "x" .}}"#, nil,
                         data: #"{"a":"s"}"#, error: #"executing "x" at <.a.b>"#),
        ])
    }
}

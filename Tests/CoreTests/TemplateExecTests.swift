import XCTest
@testable import GatewayCore

/// Go's text/template exec_test.go table, with its `tVal` struct as JSON.
/// Rows that depend on Go types JSON cannot hold (methods, pointers, complex
/// numbers, channels, function values) are left out; rows whose output differs
/// only because a struct becomes a map are adapted and marked.
final class TemplateExecTests: XCTestCase {
    static let tVal = """
        {"True":true,"I":17,"U16":16,"X":"x","S":"xyz","FloatZero":0.0,"U":{"V":"v"},
         "SI":[3,4,5],"SIEmpty":[],"SB":[true,false],"AI":[3,4,5],
         "MSI":{"one":1,"two":2,"three":3},"MSIone":{"one":1},"MSIEmpty":{},"MXI":{"one":1},
         "SMSI":[{"one":1,"two":2},{"eleven":11,"twelve":12}],
         "Empty0":null,"Empty1":3,"Empty2":"empty2","Empty3":[7,8],"Empty4":{"V":"UinEmpty"},
         "PSI":[21,22,23]}
        """

    func testTrivialAndFields() {
        let t = Self.tVal
        checkTemplateCases([
            TemplateCase("empty", "", ""),
            TemplateCase("text", "some text", "some text"),
            TemplateCase("nil action", "{{nil}}", nil, error: "nil is not a command"),
            TemplateCase(".X", "-{{.X}}-", "-x-", data: t),
            TemplateCase(".U.V", "-{{.U.V}}-", "-v-", data: t),
            TemplateCase("map .one", "{{.MSI.one}}", "1", data: t),
            TemplateCase("map .two", "{{.MSI.two}}", "2", data: t),
            TemplateCase("map .NO", "{{.MSI.NO}}", "<no value>", data: t),
            TemplateCase("map .one interface", "{{.MXI.one}}", "1", data: t),
            TemplateCase("map .WRONG args", "{{.MSI.one 1}}", nil, data: t, error: "one is not a method but has arguments"),
            TemplateCase("dot int", "<{{.}}>", "<13>", data: "13"),
            TemplateCase("dot float", "<{{.}}>", "<15.1>", data: "15.1"),
            TemplateCase("dot bool", "<{{.}}>", "<true>", data: "true"),
            TemplateCase("dot string", "<{{.}}>", "<hello>", data: #""hello""#),
            TemplateCase("dot slice", "<{{.}}>", "<[-1 -2 -3]>", data: "[-1,-2,-3]"),
            TemplateCase("dot map", "<{{.}}>", "<map[two:22]>", data: #"{"two":22}"#),
            TemplateCase("$ int", "{{$}}", "123", data: "123"),
            TemplateCase("$.I", "{{$.I}}", "17", data: t),
            TemplateCase("$.U.V", "{{$.U.V}}", "v", data: t),
            TemplateCase("declare in action", "{{$x := $.U.V}}{{$x}}", "v", data: t),
            TemplateCase("simple assignment", "{{$x := 2}}{{$x = 3}}{{$x}}", "3", data: t),
            TemplateCase("nested assignment", "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}", "3", data: t),
            TemplateCase("nested assignment changes the last declaration",
                         "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}", "1", data: t),
            TemplateCase("empty nil", "{{.Empty0}}", "<no value>", data: t),
            TemplateCase("empty with int", "{{.Empty1}}", "3", data: t),
            TemplateCase("empty with string", "{{.Empty2}}", "empty2", data: t),
            TemplateCase("empty with slice", "{{.Empty3}}", "[7 8]", data: t),
            TemplateCase("empty with struct (a map here)", "{{.Empty4}}", "map[V:UinEmpty]", data: t),
            TemplateCase("empty with struct, field", "{{.Empty4.V}}", "UinEmpty", data: t),
            TemplateCase("field on interface", "{{.foo}}", "<no value>"),
            TemplateCase("field on parenthesized interface", "{{(.).foo}}", "<no value>"),
            TemplateCase("unparenthesized non-function", "{{1 2}}", nil, error: "can't give argument to non-function 1"),
            TemplateCase("parenthesized non-function", "{{(1) 2}}", nil, error: "can't give argument to non-function 1"),
            TemplateCase("parenthesized non-function with no args", "{{(1)}}", "1"),
            TemplateCase("parens in pipeline", "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}", "1 5 15", data: t),
            TemplateCase("parens: $ in paren", "{{($).X}}", "x", data: t),
            TemplateCase("parens: $ in paren in pipe", "{{($ | raw).X}}", "x", data: t),
            TemplateCase("parens: spaces and args", #"{{(dict "up" "down" "left" "right").left}}"#, "right", data: t),
            TemplateCase("field chain starting with function (bug10)", #"{{(dict "three" 3).three}}-{{(dict "three" 3).three}}"#, "3-3"),
            TemplateCase("bug9", "{{.cause}}", "neglect", data: #"{"cause":"neglect"}"#),
            TemplateCase("bug13 chained node as argument", "{{print (.U).V}}", "v", data: t),
            TemplateCase("bug14a", "{{(nil).True}}", nil, data: t, error: "nil is not a command"),
            TemplateCase("bug14b", "{{$x := nil}}{{$x.anything}}", nil, data: t),
            TemplateCase("bug14c", #"{{$x := (1.0)}}{{$y := ("hello")}}{{$x.anything}}{{$y.true}}"#, nil, data: t,
                         error: "can't evaluate field anything in type float64"),
            TemplateCase("field of a string", "hello, {{.X.Y}}", nil, data: "0", error: "can't evaluate field X in type int"),
            TemplateCase("field of a value read from a map", "{{.X.Y}}", nil, data: t,
                         error: "can't evaluate field Y in type interface {}"),
        ])
    }

    func testIf() {
        let t = Self.tVal
        checkTemplateCases([
            TemplateCase("if true", "{{if true}}TRUE{{end}}", "TRUE", data: t),
            TemplateCase("if false", "{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE", data: t),
            TemplateCase("if nil", "{{if nil}}TRUE{{end}}", nil, data: t, error: "nil is not a command"),
            TemplateCase("if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", data: t),
            TemplateCase("if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", data: t),
            TemplateCase("if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", data: t),
            TemplateCase("if 0.0", "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", data: t),
            TemplateCase("if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", data: t),
            TemplateCase("if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", data: t),
            TemplateCase("if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", data: t),
            TemplateCase("if map unset", "{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", data: t),
            TemplateCase("if map not unset", "{{if not .MXI.none}}ZERO{{else}}NON-ZERO{{end}}", "ZERO", data: t),
            TemplateCase("if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}", "true,17", data: t),
            TemplateCase("if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", "17,true", data: t),
            TemplateCase("if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE", data: t),
            TemplateCase("if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3", data: t),
            TemplateCase("bug4 nil interface in if", "{{if .Empty0}}non-nil{{else}}nil{{end}}", "nil", data: t),
            TemplateCase("null data is falsy", "{{if .}}x{{else}}y{{end}}", "y"),
        ])
    }

    func testPrintAndEscapers() {
        let t = Self.tVal
        checkTemplateCases([
            TemplateCase("print", #"{{print "hello, print"}}"#, "hello, print", data: t),
            TemplateCase("print 123", "{{print 1 2 3}}", "1 2 3", data: t),
            TemplateCase("print nil", "{{print nil}}", "<nil>", data: t),
            TemplateCase("println", "{{println 1 2 3}}", "1 2 3\n", data: t),
            TemplateCase("printf int", #"{{printf "%04x" 127}}"#, "007f", data: t),
            TemplateCase("printf float", #"{{printf "%g" 3.5}}"#, "3.5", data: t),
            TemplateCase("printf string", #"{{printf "%s" "hello"}}"#, "hello", data: t),
            TemplateCase("printf field", #"{{printf "%s" .U.V}}"#, "v", data: t),
            TemplateCase("printf dot", #"{{with .I}}{{printf "%d" .}}{{end}}"#, "17", data: t),
            TemplateCase("printf var", #"{{with $x := .I}}{{printf "%d" $x}}{{end}}"#, "17", data: t),
            TemplateCase("printf lots", #"{{printf "%d %s %g %s" 127 "hello" 7.5 .X}}"#, "127 hello 7.5 x", data: t),
            TemplateCase("html", #"{{html "<script>alert(\"XSS\");</script>"}}"#, "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
            TemplateCase("html pipeline", #"{{printf "<script>alert(\"XSS\");</script>" | html}}"#,
                         "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
            TemplateCase("html untyped nil", "{{html .Empty0}}", "&lt;no value&gt;", data: t),
            TemplateCase("js", "{{js .}}", #"It\'d be nice."#, data: #""It'd be nice.""#),
            TemplateCase("urlquery", #"{{"http://www.example.org/"|urlquery}}"#, "http%3A%2F%2Fwww.example.org%2F"),
            TemplateCase("urlquery spaces", #"{{urlquery "a b&c=d" 1}}"#, "a+b%26c%3Dd1"),
            TemplateCase("bug16a", "{{true|printf}}", nil, data: t, error: "wrong type for value; expected string; got bool"),
            TemplateCase("bug16b", "{{1|printf}}", nil, data: t, error: "wrong type for value; expected string; got int"),
            TemplateCase("bug16c", "{{1.1|printf}}", nil, data: t, error: "got float64"),
            TemplateCase("bug16d", "{{'x'|printf}}", nil, data: t),
            TemplateCase("bug16k", #"{{"aaa"|printf }}"#, "aaa", data: t),
            TemplateCase("printf literal type check", "{{printf 3}}", nil, error: "expected string; found 3"),
            TemplateCase("bug12xe", "{{printf `%T` 0xef}}", "int"),
            TemplateCase("bug12XE", "{{printf `%T` 0XEE}}", "int"),
        ])
        // Go's TestJSEscaping.
        for (input, expected) in [
            ("a", "a"), ("'foo", #"\'foo"#), (#"Go "jump" \"#, #"Go \"jump\" \\"#),
            (#"Yukihiro says "今日は世界""#, #"Yukihiro says \"今日は世界\""#), ("unprintable \u{FFFE}", #"unprintable \uFFFE"#),
            ("<html>", #"\u003Chtml\u003E"#), ("no = in attributes", #"no \u003D in attributes"#),
            ("&#x27; does not become HTML entity", #"\u0026#x27; does not become HTML entity"#),
        ] {
            XCTAssertEqual(TemplateEscaper.js(input), expected)
        }
    }

    func testBooleans() {
        let t = Self.tVal
        let fail = "(index nil 1)" // any erroring operand: proves it is not evaluated
        checkTemplateCases([
            TemplateCase("not", "{{not true}} {{not false}}", "false true"),
            TemplateCase("and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1"),
            TemplateCase("or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1"),
            TemplateCase("or short-circuit", "{{or 0 1 \(fail)}}", "1"),
            TemplateCase("and short-circuit", "{{and 1 0 \(fail)}}", "0"),
            TemplateCase("or short-circuit2", "{{or 0 0 \(fail)}}", nil, error: "index of untyped nil"),
            TemplateCase("and short-circuit2", "{{and 1 1 \(fail)}}", nil, error: "index of untyped nil"),
            TemplateCase("and pipe-true", "{{1 | and 1}}", "1"),
            TemplateCase("and pipe-false", "{{0 | and 1}}", "0"),
            TemplateCase("or pipe-true", "{{1 | or 0}}", "1"),
            TemplateCase("or pipe-false", "{{0 | or 0}}", "0"),
            TemplateCase("and undef", "{{and 1 .Unknown}}", "<no value>"),
            TemplateCase("or undef", "{{or 0 .Unknown}}", "<no value>"),
            TemplateCase("boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE", data: t),
            TemplateCase("boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE"),
            TemplateCase("boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE"),
            TemplateCase("or as if true", #"{{or .SI "slice is empty"}}"#, "[3 4 5]", data: t),
            TemplateCase("or as if false", #"{{or .SIEmpty "slice is empty"}}"#, "slice is empty", data: t),
            TemplateCase("and with no arguments", "{{and}}", nil, error: "wrong number of args for and: want at least 1 got 0"),
        ])
    }

    func testIndexSliceLen() {
        let t = Self.tVal
        checkTemplateCases([
            TemplateCase("slice[0]", "{{index .SI 0}}", "3", data: t),
            TemplateCase("slice[1]", "{{index .SI 1}}", "4", data: t),
            TemplateCase("slice[HUGE]", "{{index .SI 10}}", nil, data: t, error: "error calling index: index out of range: 10"),
            TemplateCase("slice[len]", "{{index .SI 3}}", nil, data: t, error: "error calling index: reflect: slice index out of range"),
            TemplateCase("slice[WRONG]", "{{index .SI `hello`}}", nil, data: t, error: "cannot index slice/array with type string"),
            TemplateCase("slice[nil]", "{{index .SI nil}}", nil, data: t, error: "cannot index slice/array with nil"),
            TemplateCase("map[one]", "{{index .MSI `one`}}", "1", data: t),
            TemplateCase("map[two]", "{{index .MSI `two`}}", "2", data: t),
            TemplateCase("map[NO] (interface{} zero)", "{{index .MSI `XXX`}}", "<no value>", data: t),
            TemplateCase("map[nil]", "{{index .MSI nil}}", nil, data: t, error: "value is nil; should be of type string"),
            TemplateCase("map[``]", "{{index .MSI ``}}", "<no value>", data: t),
            TemplateCase("map[WRONG]", "{{index .MSI 10}}", nil, data: t, error: "value has type int; should be string"),
            TemplateCase("double index", "{{index .SMSI 1 `eleven`}}", "11", data: t),
            TemplateCase("nil[1]", "{{index nil 1}}", nil, data: t, error: "index of untyped nil"),
            TemplateCase("index of an interface field", "{{index .Empty3 0}}", "7", data: t),
            TemplateCase("index of a string is a byte", "{{index .S 1}}", "121", data: t),
            TemplateCase("index with no index", "{{index .SI}}", "[3 4 5]", data: t),
            TemplateCase("index through nil", #"{{index . "Empty0" "x"}}"#, nil, data: t, error: "index of nil pointer"),
            TemplateCase("index of int", "{{index 3 1}}", nil, error: "can't index item of type int"),
            TemplateCase("slice[:]", "{{slice .SI}}", "[3 4 5]", data: t),
            TemplateCase("slice[1:]", "{{slice .SI 1}}", "[4 5]", data: t),
            TemplateCase("slice[1:2]", "{{slice .SI 1 2}}", "[4]", data: t),
            TemplateCase("slice[-1:]", "{{slice .SI -1}}", nil, data: t, error: "index out of range: -1"),
            TemplateCase("slice[1:-2]", "{{slice .SI 1 -2}}", nil, data: t),
            TemplateCase("slice[1:2:-1]", "{{slice .SI 1 2 -1}}", nil, data: t),
            TemplateCase("slice[2:1]", "{{slice .SI 2 1}}", nil, data: t, error: "invalid slice index: 2 > 1"),
            TemplateCase("slice[2:2:1]", "{{slice .SI 2 2 1}}", nil, data: t, error: "invalid slice index: 2 > 1"),
            TemplateCase("out of range", "{{slice .SI 4 5}}", nil, data: t),
            TemplateCase("out of range 3", "{{slice .SI 2 2 5}}", nil, data: t),
            TemplateCase("too many indexes", "{{slice .SI 1 2 3 4}}", nil, data: t, error: "too many slice indexes: 4"),
            TemplateCase("array[1:2]", "{{slice .AI 1 2}}", "[4]", data: t),
            TemplateCase("string[:]", "{{slice .S}}", "xyz", data: t),
            TemplateCase("string[0:1]", "{{slice .S 0 1}}", "x", data: t),
            TemplateCase("string[1:]", "{{slice .S 1}}", "yz", data: t),
            TemplateCase("string[1:2]", "{{slice .S 1 2}}", "y", data: t),
            TemplateCase("out of range string", "{{slice .S 1 5}}", nil, data: t),
            TemplateCase("3-index slice of string", "{{slice .S 1 2 2}}", nil, data: t, error: "cannot 3-index slice a string"),
            TemplateCase("slice of an interface field", "{{slice .Empty3 0 1}}", "[7]", data: t),
            TemplateCase("slice of nil", "{{slice .Empty0 0 1}}", nil, data: t, error: "slice of untyped nil"),
            TemplateCase("len slice", "{{len .SI}}", "3", data: t),
            TemplateCase("len map", "{{len .MSI }}", "3", data: t),
            TemplateCase("len string counts bytes", "{{len \"ñ\"}}", "2"),
            TemplateCase("len of int", "{{len 3}}", nil, data: t, error: "error calling len: len of type int"),
            TemplateCase("len of nothing", "{{len .Empty0}}", nil, data: t, error: "error calling len: len of nil pointer"),
            TemplateCase("len of an interface field", "{{len .Empty3}}", "2", data: t),
        ])
    }

    func testWith() {
        let t = Self.tVal
        checkTemplateCases([
            TemplateCase("with true", "{{with true}}{{.}}{{end}}", "true", data: t),
            TemplateCase("with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE", data: t),
            TemplateCase("with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", "1", data: t),
            TemplateCase("with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO", data: t),
            TemplateCase("with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5", data: t),
            TemplateCase("with 0.0", "{{with .FloatZero}}{{.}}{{else}}ZERO{{end}}", "ZERO", data: t),
            TemplateCase("with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty", data: t),
            TemplateCase("with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]", data: t),
            TemplateCase("with emptymap", "{{with .MSIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", data: t),
            TemplateCase("with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", "map[one:1]", data: t),
            TemplateCase("with empty interface, struct field", "{{with .Empty4}}{{.V}}{{end}}", "UinEmpty", data: t),
            TemplateCase("with $x int", "{{with $x := .I}}{{$x}}{{end}}", "17", data: t),
            TemplateCase("with $x struct.U.V", "{{with $x := $}}{{$x.U.V}}{{end}}", "v", data: t),
            TemplateCase("with variable and action", "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", "v", data: t),
            TemplateCase("with else with", "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", "true", data: t),
            TemplateCase("with else with chain", "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}",
                         "notempty", data: t),
        ])
    }
}

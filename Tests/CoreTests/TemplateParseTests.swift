import XCTest
@testable import GatewayCore

/// Go's parse_test.go tables: the tree of each accepted template, printed as
/// Go's Node.String() does (text quoted), and the rejected templates.
final class TemplateParseTests: XCTestCase {
    private func tree(_ text: String, name: String = "t") throws -> String {
        let trees = try TemplateParser.parse(TemplateSource(name: name, bytes: Array(text.utf8)))
        return TemplateNode.listString(trees[name] ?? [], quoteText: true)
    }

    func testParseTable() throws {
        let cases: [(String, String, String)] = [
            ("empty", "", ""),
            ("comment", "{{/*\n\n\n*/}}", ""),
            ("spaces", " \t\n", #"" \t\n""#),
            ("text", "some text", #""some text""#),
            ("field", "{{.X}}", "{{.X}}"),
            ("simple command", "{{printf}}", "{{printf}}"),
            ("$ invocation", "{{$}}", "{{$}}"),
            ("variable invocation", "{{with $x := 3}}{{$x 23}}{{end}}", "{{with $x := 3}}{{$x 23}}{{end}}"),
            ("variable with fields", "{{$.I}}", "{{$.I}}"),
            ("multi-word command", "{{printf `%d` 23}}", "{{printf `%d` 23}}"),
            ("pipeline", "{{.X|.Y}}", "{{.X | .Y}}"),
            ("pipeline with decl", "{{$x := .X|.Y}}", "{{$x := .X | .Y}}"),
            ("nested pipeline", "{{.X (.Y .Z) (.A | .B .C) (.E)}}", "{{.X (.Y .Z) (.A | .B .C) (.E)}}"),
            ("field applied to parentheses", "{{(.Y .Z).Field}}", "{{(.Y .Z).Field}}"),
            ("simple if", "{{if .X}}hello{{end}}", #"{{if .X}}"hello"{{end}}"#),
            ("if with else", "{{if .X}}true{{else}}false{{end}}", #"{{if .X}}"true"{{else}}"false"{{end}}"#),
            ("if with else if", "{{if .X}}true{{else if .Y}}false{{end}}", #"{{if .X}}"true"{{else}}{{if .Y}}"false"{{end}}{{end}}"#),
            ("if else chain", "+{{if .X}}X{{else if .Y}}Y{{else if .Z}}Z{{end}}+",
             #""+"{{if .X}}"X"{{else}}{{if .Y}}"Y"{{else}}{{if .Z}}"Z"{{end}}{{end}}{{end}}"+""#),
            ("simple range", "{{range .X}}hello{{end}}", #"{{range .X}}"hello"{{end}}"#),
            ("chained field range", "{{range .X.Y.Z}}hello{{end}}", #"{{range .X.Y.Z}}"hello"{{end}}"#),
            ("nested range", "{{range .X}}hello{{range .Y}}goodbye{{end}}{{end}}", #"{{range .X}}"hello"{{range .Y}}"goodbye"{{end}}{{end}}"#),
            ("range with else", "{{range .X}}true{{else}}false{{end}}", #"{{range .X}}"true"{{else}}"false"{{end}}"#),
            ("range over pipeline", "{{range .X|.M}}true{{else}}false{{end}}", #"{{range .X | .M}}"true"{{else}}"false"{{end}}"#),
            ("range []int", "{{range .SI}}{{.}}{{end}}", "{{range .SI}}{{.}}{{end}}"),
            ("range 1 var", "{{range $x := .SI}}{{.}}{{end}}", "{{range $x := .SI}}{{.}}{{end}}"),
            ("range 2 vars", "{{range $x, $y := .SI}}{{.}}{{end}}", "{{range $x, $y := .SI}}{{.}}{{end}}"),
            ("range with break", "{{range .SI}}{{.}}{{break}}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"),
            ("range with continue", "{{range .SI}}{{.}}{{continue}}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"),
            ("constants (without a complex)", "{{range .SI 1 true false 'a' nil}}{{end}}", "{{range .SI 1 true false 'a' nil}}{{end}}"),
            ("template", "{{template `x`}}", #"{{template "x"}}"#),
            ("template with arg", "{{template `x` .Y}}", #"{{template "x" .Y}}"#),
            ("with", "{{with .X}}hello{{end}}", #"{{with .X}}"hello"{{end}}"#),
            ("with with else", "{{with .X}}hello{{else}}goodbye{{end}}", #"{{with .X}}"hello"{{else}}"goodbye"{{end}}"#),
            ("with with else with", "{{with .X}}hello{{else with .Y}}goodbye{{end}}",
             #"{{with .X}}"hello"{{else}}{{with .Y}}"goodbye"{{end}}{{end}}"#),
            ("with else chain", "{{with .X}}X{{else with .Y}}Y{{else with .Z}}Z{{end}}",
             #"{{with .X}}"X"{{else}}{{with .Y}}"Y"{{else}}{{with .Z}}"Z"{{end}}{{end}}{{end}}"#),
            ("trim left", "x \r\n\t{{- 3}}", #""x"{{3}}"#),
            ("trim right", "{{3 -}}\n\n\ty", #"{{3}}"y""#),
            ("trim left and right", "x \r\n\t{{- 3 -}}\n\n\ty", #""x"{{3}}"y""#),
            ("trim with extra spaces", "x\n{{-  3   -}}\ny", #""x"{{3}}"y""#),
            ("comment trim left", "x \r\n\t{{- /* hi */}}", #""x""#),
            ("comment trim right", "{{/* hi */ -}}\n\n\ty", #""y""#),
            ("comment trim left and right", "x \r\n\t{{- /* */ -}}\n\n\ty", #""x""y""#),
            ("block definition", #"{{block "foo" .}}hello{{end}}"#, #"{{template "foo" .}}"#),
            ("newline in assignment", "{{ $x \n := \n 1 \n }}", "{{$x := 1}}"),
            ("newline in pipeline", "{{\n\"x\"\n|\nprintf\n}}", #"{{"x" | printf}}"#),
            ("newline in comment", "{{/*\nhello\n*/}}", ""),
            ("newline in comment with trims", "{{-\n/*\nhello\n*/\n-}}", ""),
            ("spaces around continue", "{{range .SI}}{{.}}{{ continue }}{{end}}", "{{range .SI}}{{.}}{{continue}}{{end}}"),
            ("spaces around break", "{{range .SI}}{{.}}{{ break }}{{end}}", "{{range .SI}}{{.}}{{break}}{{end}}"),
            ("bug0a", "{{$x := 0}}{{$x}}", "{{$x := 0}}{{$x}}"),
            ("bug1c", "{{$x:=.}}{{$x +2}}", "{{$x := .}}{{$x +2}}"),
            ("bug2a", "{{range $x := 0}}{{$x}}{{end}}", "{{range $x := 0}}{{$x}}{{end}}"),
            ("bug2b", "{{range $x = 0}}{{$x}}{{end}}", "{{range $x = 0}}{{$x}}{{end}}"),
            ("paren nesting", "{{ (( 1 )) }}", "{{((1))}}"),
            ("paren nesting in pipeline", "{{ ((( 1 ))) | printf }}", "{{(((1))) | printf}}"),
            ("paren nesting with other constructs", "{{ if ((( true ))) }}YES{{ end }}", #"{{if (((true)))}}"YES"{{end}}"#),
            ("trim marker needs a space", "{{-3}}", "{{-3}}"),
            ("keyword-like minus", "{{ 3 }}-{{- 4 -}}-", #"{{3}}"-"{{4}}"-""#),
            ("raw string with newline", "{{`a\nb`}}", "{{`a\nb`}}"),
        ]
        for (name, input, expected) in cases {
            XCTAssertEqual(try tree(input), expected, name)
        }
    }

    func testBlockDefinesTemplate() throws {
        let trees = try TemplateParser.parse(TemplateSource(name: "outer", bytes: Array(#"a{{block "inner" .}}bar{{.}}baz{{end}}b"#.utf8)))
        XCTAssertEqual(TemplateNode.listString(trees["outer"] ?? []), #"a{{template "inner" .}}b"#)
        XCTAssertEqual(TemplateNode.listString(trees["inner"] ?? []), "bar{{.}}baz")
    }

    func testRejectedTemplates() {
        let cases: [(String, String)] = [
            ("emptyAction", "{{}}"), ("newline in empty action", "{{\n}}"),
            ("unclosed action", "hello{{range"), ("unmatched end", "{{end}}"), ("unmatched else", "{{else}}"),
            ("unmatched else after if", "{{if .X}}hello{{end}}{{else}}"), ("multiple else", "{{if .X}}1{{else}}2{{else}}3{{end}}"),
            ("missing end", "hello{{range .x}}"), ("missing end after else", "hello{{range .x}}{{else}}"),
            ("undefined function", "hello{{undefined}}"), ("undefined variable", "{{$x}}"),
            ("variable undefined after end", "{{with $x := 4}}{{end}}{{$x}}"), ("variable undefined in template", "{{template $v}}"),
            ("declare with field", "{{with $x.Y := 4}}{{end}}"), ("template with field ref", "{{template .X}}"),
            ("template with var", "{{template $v}}"), ("invalid punctuation", "{{printf 3, 4}}"),
            ("multidecl outside range", "{{with $v, $u := 3}}{{end}}"), ("too many decls in range", "{{range $u, $v, $w := 3}}{{end}}"),
            ("dot applied to parentheses", "{{printf (printf .).}}"), ("adjacent args", "{{printf 3`x`}}"),
            ("adjacent args with .", "{{printf `x`.}}"), ("extra end after if", "{{if .X}}a{{else if .Y}}b{{end}}{{end}}"),
            ("break outside range", "{{range .}}{{end}} {{break}}"), ("continue outside range", "{{range .}}{{end}} {{continue}}"),
            ("break in range else", "{{range .}}{{else}}{{break}}{{end}}"), ("continue in range else", "{{range .}}{{else}}{{continue}}{{end}}"),
            ("bug0b", "{{$x += 1}}{{$x}}"), ("bug0c", "{{$x ! 2}}{{$x}}"), ("bug0d", "{{$x % 3}}{{$x}}"),
            ("bug0e", "{{range $x := $y := 3}}{{end}}"), ("bug1a", "{{$x:=.}}{{$x!2}}"), ("bug1b", "{{$x:=.}}{{$x+2}}"),
            ("dot after integer", "{{1.E}}"), ("dot after float", "{{0.1.E}}"), ("dot after boolean", "{{true.E}}"),
            ("dot after char", "{{'a'.any}}"), ("dot after string", #"{{"hello".guys}}"#), ("dot after dot", "{{..E}}"),
            ("dot after nil", "{{nil.E}}"), ("wrong pipeline dot", "{{12|.}}"), ("wrong pipeline number", "{{.|12|printf}}"),
            ("wrong pipeline string", "{{.|printf|\"error\"}}"), ("wrong pipeline char", "{{12|printf|'e'}}"),
            ("wrong pipeline boolean", "{{.|true}}"), ("wrong pipeline nil", "{{'c'|nil}}"), ("empty pipeline", #"{{printf "%d" ( ) }}"#),
            ("block without pipeline", #"{{block "foo"}}hello{{end}}"#), ("define inside an action", #"{{if 1}}{{define "x"}}{{end}}{{end}}"#),
            ("complex number", "{{1+2i}}"), ("imaginary number", "{{3i}}"), ("bad escape", #"{{"\q"}}"#), ("huge integer", "{{99999999999999999999}}"),
        ]
        for (name, input) in cases {
            XCTAssertThrowsError(try GoTemplate(name: name, text: input), name) { error in
                XCTAssertEqual((error as? TemplateError)?.phase, .parse, name)
            }
        }
    }

    func testErrorMessagesAndLines() {
        // Go's errorTests: the line (Go prints no column) and the message.
        let cases: [(String, String, Int, String)] = [
            ("unclosed1", "line1\n{{", 2, "unclosed action"),
            ("unclosed2", "line1\n{{define `x`}}line2\n{{", 3, "unclosed action"),
            ("unclosed3", "line1\n{{\"x\"\n\"y\"\n", 4, "unclosed action started at unclosed3:2"),
            ("unclosed4", "{{\n\n\n\n\n", 6, "unclosed action started at unclosed4:1"),
            ("var1", "line1\n{{\nx\n}}", 3, #"function "x" not defined"#),
            ("function", "{{foo}}", 1, #"function "foo" not defined"#),
            ("comment1", "{{/*}}", 1, "unclosed comment"),
            ("comment2", "{{/*\nhello\n}}", 1, "unclosed comment"),
            ("comment3", "{{/* x */ y}}", 1, "comment ends before closing delimiter"),
            ("lparen", "{{.X (1 2 3}}", 1, "unclosed left paren"),
            ("rparen", "{{.X 1 2 3 ) }}", 1, "unexpected right paren"),
            ("rparen2", "{{(.X 1 2 3", 1, "unclosed action"),
            ("space", "{{`x`3}}", 1, #"unexpected "3" in operand"#),
            ("idchar", "{{a#}}", 1, "bad character U+0023 '#'"),
            ("charconst", "{{'a}}", 1, "unterminated character constant"),
            ("stringconst", #"{{"a}}"#, 1, "unterminated quoted string"),
            ("rawstringconst", "{{`a}}", 1, "unterminated raw quoted string"),
            ("number", "{{0xi}}", 1, #"illegal number syntax: "0xi""#),
            ("bad number", "{{3k}}", 1, #"bad number syntax: "3k""#),
            ("multidefine", "{{define `a`}}a{{end}}{{define `a`}}b{{end}}", 1, #"template: multiple definition of template "a""#),
            ("eof", "{{range .X}}", 1, "unexpected EOF"),
            ("variable", "{{$x := 23}}{{with $x.y := 3}}{{$x 23}}{{end}}", 1, #"unexpected ":=" in operand"#),
            ("multidecl", "{{$a,$b,$c := 23}}", 1, "too many declarations in command"),
            ("undefvar", "{{$a}}", 1, #"undefined variable "$a""#),
            ("wrongdot", "{{true.any}}", 1, #"unexpected . after term "true""#),
            ("wrongpipeline", "{{12|false}}", 1, "non executable command in pipeline stage 2"),
            ("emptypipeline", "{{ ( ) }}", 1, "missing value for parenthesized pipeline"),
            ("multilinerawstring", "{{ $v := `\n` }} {{", 2, "unclosed action"),
            ("rangeundefvar", "{{range $k}}{{end}}", 1, "undefined variable"),
            ("rangeundefvars", "{{range $k, $v}}{{end}}", 1, "undefined variable"),
            ("rangemissingvalue1", "{{range $k,}}{{end}}", 1, "missing value for range"),
            ("rangemissingvalue2", "{{range $k, $v := }}{{end}}", 1, "missing value for range"),
            ("rangenotvariable1", "{{range $k, .}}{{end}}", 1, "range can only initialize variables"),
            ("rangenotvariable2", "{{range $k, 123 := .}}{{end}}", 1, "range can only initialize variables"),
            ("unterminated raw string line", "hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n", 3, "unterminated raw quoted string"),
            ("unexpected end", "{{end}}", 1, "unexpected {{end}}"),
            ("unexpected else", "x{{else}}", 1, "unexpected {{else}}"),
            ("expected end", "{{if 1}}a{{else}}b{{else}}c{{end}}", 1, "expected end; found {{else}}"),
            ("break outside", "{{break}}", 1, "{{break}} outside {{range}}"),
            ("break with args", "{{range .}}{{break 1}}{{end}}", 1, #"unexpected "1" in {{break}}"#),
            ("keyword in command", "{{.x else}}", 1, "unexpected <else> in operand"),
            ("long token", "{{.x \"abcdefghijklmnop\"x}}", 1, #"unexpected "x" in operand"#),
            ("long token quoted", "{{ 1 | 2 }}", 1, "non executable command in pipeline stage 2"),
            ("bad template name", "{{template .X}}", 1, #"unexpected ".X" in template clause"#),
            ("define name", "{{define x}}{{end}}", 1, #"unexpected "x" in define clause"#),
            ("define not at top level", "{{if 1}}{{define `x`}}{{end}}{{end}}", 1, "unexpected <define> in command"),
            ("illegal number", "{{1e}}", 1, #"illegal number syntax: "1e""#),
            ("bad string escape", #"{{"\z"}}"#, 1, "invalid syntax"),
            ("malformed char", "{{'ab'}}", 1, "malformed character constant: 'ab'"),
            ("unrecognized character", "{{ \u{7} }}", 1, "unrecognized character in action: U+0007"),
            ("colon", "{{$x := 1}}{{$x : 3}}", 1, "expected :="),
            ("undefined before lexer error", "{{$x : 3}}", 1, #"undefined variable "$x""#),
        ]
        for (name, input, line, message) in cases {
            XCTAssertThrowsError(try GoTemplate(name: name, text: input), name) { error in
                guard let e = error as? TemplateError else { return XCTFail(name) }
                XCTAssertEqual(e.line, line, "\(name): \(e)")
                XCTAssertTrue(e.message.contains(message), "\(name): \(e)")
                XCTAssertTrue(e.description.hasPrefix("template: \(name):\(line):"), "\(name): \(e)")
            }
        }
    }

    func testMaxNesting() {
        let deep = String(repeating: "(", count: 101) + "1" + String(repeating: ")", count: 101)
        XCTAssertThrowsError(try GoTemplate(name: "t", text: "{{\(deep)}}")) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "max expression depth exceeded")
        }
        let ok = String(repeating: "(", count: 95) + "1" + String(repeating: ")", count: 95)
        XCTAssertEqual(try renderTemplate("{{\(ok)}}"), "1")
        let ifs = String(repeating: "{{if 1}}", count: 101) + String(repeating: "{{end}}", count: 101)
        XCTAssertThrowsError(try GoTemplate(name: "t", text: ifs)) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "max nesting depth exceeded")
        }
        let nested = String(repeating: "{{with .}}", count: 99) + "{{.}}" + String(repeating: "{{end}}", count: 99)
        XCTAssertEqual(try renderTemplate(nested, "7"), "7")
    }

    func testLongElseIfChainsDoNotNest() throws {
        // 2 000 branches: parsed and executed without recursion.
        var text = "{{if eq . 0}}zero"
        for i in 1..<2000 { text += "{{else if eq . \(i)}}n\(i)" }
        text += "{{else}}other{{end}}"
        let t = try GoTemplate(name: "t", text: text)
        XCTAssertEqual(try t.execute(Value(1999)), "n1999")
        XCTAssertEqual(try t.execute(Value(5000)), "other")
        XCTAssertEqual(try t.execute(Value(0)), "zero")
        var with = "{{with .a}}a"
        for i in 0..<2000 { with += "{{else with .b\(i)}}b\(i){{.}}" }
        with += "{{end}}"
        XCTAssertEqual(try renderTemplate(with, #"{"b1500":"!"}"#), "b1500!")
    }
}

import XCTest
@testable import GatewayCore

/// Parses `text` as template "t" and executes it on the JSON `data`.
func renderTemplate(_ text: String, _ data: String = "null", escaping: TemplateEscaping = .none,
                    template: String? = nil) throws -> String {
    let t = try GoTemplate(name: "t", text: text)
    return try t.execute(try Value(json: data), escaping: escaping, template: template)
}

/// One row of a table test: the output, or nil when an error is expected
/// (with `error`, a substring of its description).
struct TemplateCase {
    let name: String
    let input: String
    let output: String?
    var data = "null"
    var error: String?

    init(_ name: String, _ input: String, _ output: String?, data: String = "null", error: String? = nil) {
        self.name = name
        self.input = input
        self.output = output
        self.data = data
        self.error = error
    }
}

func checkTemplateCases(_ cases: [TemplateCase], file: StaticString = #filePath, line: UInt = #line) {
    for c in cases {
        do {
            let out = try renderTemplate(c.input, c.data)
            if let expected = c.output {
                XCTAssertEqual(out, expected, "\(c.name): \(c.input)", file: file, line: line)
            } else {
                XCTFail("\(c.name): expected an error, got \(out.debugDescription)", file: file, line: line)
            }
        } catch let error as TemplateError {
            if c.output != nil {
                XCTFail("\(c.name): unexpected error \(error)", file: file, line: line)
            } else if let part = c.error, !error.description.contains(part) {
                XCTFail("\(c.name): error \(error) does not contain \(part.debugDescription)", file: file, line: line)
            }
        } catch {
            XCTFail("\(c.name): \(error)", file: file, line: line)
        }
    }
}

final class TemplateTests: XCTestCase {
    static let countryFlag = """
        <?xml version="1.0" encoding="utf-8"?>
        <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
          <soap:Body>
            <CountryFlag xmlns="http://www.oorsprong.org/websamples.countryinfo">
              <sCountryISOCode>{{ .req_params.Country }}</sCountryISOCode>
            </CountryFlag>
          </soap:Body>
        </soap:Envelope>
        """

    func testSOAPCountryFlag() throws {
        let expected = Self.countryFlag.replacingOccurrences(of: "{{ .req_params.Country }}", with: "ES")
        for escaping in [TemplateEscaping.none, .xml] {
            XCTAssertEqual(try renderTemplate(Self.countryFlag, #"{"req_params":{"Country":"ES"}}"#, escaping: escaping), expected)
        }
    }

    func testSOAPTemplateEscapesInjectedValues() throws {
        let out = try renderTemplate(Self.countryFlag, #"{"req_params":{"Country":"</sCountryISOCode><evil/>"}}"#, escaping: .xml)
        XCTAssertTrue(out.contains("<sCountryISOCode>&lt;/sCountryISOCode&gt;&lt;evil/&gt;</sCountryISOCode>"), out)
    }

    func testXMLEscaping() throws {
        let data = #"{"x":"<a&b>","q":"\"it's\"","n":1,"list":["<",">"]}"#
        XCTAssertEqual(try renderTemplate("{{ .x }}", data, escaping: .xml), "&lt;a&amp;b&gt;")
        XCTAssertEqual(try renderTemplate("{{ .x | raw }}", data, escaping: .xml), "<a&b>")
        XCTAssertEqual(try renderTemplate("{{ raw .x }}", data, escaping: .xml), "<a&b>")
        XCTAssertEqual(try renderTemplate("{{ .x }}", data, escaping: .none), "<a&b>")
        XCTAssertEqual(try renderTemplate("{{ .q }}", data, escaping: .xml), "&quot;it&apos;s&quot;")
        // Only actions are escaped, never the template's own text.
        XCTAssertEqual(try renderTemplate("<a>{{ .n }}</a>", data, escaping: .xml), "<a>1</a>")
        // Whatever an action prints is escaped: composite values, function results, missing keys.
        XCTAssertEqual(try renderTemplate("{{ .list }}", data, escaping: .xml), "[&lt; &gt;]")
        XCTAssertEqual(try renderTemplate("{{ .missing }}", data, escaping: .xml), "&lt;no value&gt;")
        XCTAssertEqual(try renderTemplate("{{ printf \"<%s>\" .x }}", data, escaping: .xml), "&lt;&lt;a&amp;b&gt;&gt;")
        XCTAssertEqual(try renderTemplate("{{ toJson .x }}", data, escaping: .xml), "&quot;\\u003ca\\u0026b\\u003e&quot;")
        // raw must be the last command; raw earlier in the pipeline does not count.
        XCTAssertEqual(try renderTemplate("{{ raw .x | printf \"%s\" }}", data, escaping: .xml), "&lt;a&amp;b&gt;")
        XCTAssertEqual(try renderTemplate("{{ printf \"<b>%s</b>\" .x | raw }}", data, escaping: .xml), "<b><a&b></b>")
        // Variables are set, not printed; called templates escape their own actions.
        XCTAssertEqual(try renderTemplate(#"{{define "x"}}<i>{{.}}</i>{{end}}{{ $v := .x }}{{ template "x" $v }}"#, data, escaping: .xml),
                       "<i>&lt;a&amp;b&gt;</i>")
    }

    func testRawWithoutEscapingIsIdentity() throws {
        XCTAssertEqual(try renderTemplate("{{ raw .a }}|{{ .a | raw }}|{{ raw .missing }}", #"{"a":[1,"x"]}"#), "[1 x]|[1 x]|<no value>")
    }

    func testExecuteIntoBufferAppends() throws {
        let t = try GoTemplate(name: "t", text: "<{{.}}>")
        var buffer = Array("start:".utf8)
        try t.execute(.string("a&b"), escaping: .xml, into: &buffer)
        try t.execute(Value(2), into: &buffer)
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self), "start:<a&amp;b><2>")
    }

    func testExecutionErrorKeepsPartialOutputInBuffer() throws {
        let t = try GoTemplate(name: "t", text: "ok {{ index .a 5 }} never")
        var buffer: [UInt8] = []
        XCTAssertThrowsError(try t.execute(try Value(json: #"{"a":[1]}"#), into: &buffer))
        XCTAssertEqual(String(decoding: buffer, as: UTF8.self), "ok ")
    }

    func testNamedTemplatesAndExecuteTemplate() throws {
        let t = try GoTemplate(name: "main", text: #"{{define "a"}}A{{.}}{{end}}{{define "b"}}B{{template "a" .}}{{end}}main"#)
        XCTAssertEqual(t.templateNames, ["a", "b", "main"])
        XCTAssertEqual(try t.execute(Value(1)), "main")
        XCTAssertEqual(try t.execute(Value(1), template: "b"), "BA1")
        XCTAssertThrowsError(try t.execute(Value(1), template: "zzz")) { error in
            XCTAssertEqual((error as? TemplateError)?.description, #"template: main: no template "zzz" associated with template "main""#)
        }
    }

    func testTemplateIsSendableAndReusableConcurrently() throws {
        let t = try GoTemplate(name: "t", text: "{{range .}}{{.}},{{end}}")
        let data = try Value(json: "[1,2,3]")
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<200 { XCTAssertEqual(try? t.execute(data), "1,2,3,") }
        }
    }

    // MARK: Errors

    func testParseErrorPositionAndWording() {
        XCTAssertThrowsError(try GoTemplate(name: "body", text: "line 1\nline 2\n{{ .a } }}")) { error in
            guard let e = error as? TemplateError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.phase, .parse)
            XCTAssertEqual(e.line, 3)
            XCTAssertEqual(e.column, 7)
            XCTAssertEqual(e.message, #"unexpected "}" in operand"#)
            XCTAssertEqual(e.description, #"template: body:3:7: unexpected "}" in operand"#)
        }
    }

    func testParseErrorColumnsCountCharacters() {
        XCTAssertThrowsError(try GoTemplate(name: "t", text: "ñandú {{ foo }}")) { error in
            XCTAssertEqual((error as? TemplateError)?.description, #"template: t:1:10: function "foo" not defined"#)
        }
    }

    func testExecutionErrorCarriesPositionAndAction() throws {
        // Go's TestExecError: the failing action in a nested template (Go prints 7:20, a 0-based byte offset).
        let text = """
            line 1
            line 2
            line 3
            {{template "one" .}}
            {{define "one"}}{{template "two" .}}{{end}}
            {{define "two"}}{{template "three" .}}{{end}}
            {{define "three"}}{{index "hi" $}}{{end}}
            """
        let t = try GoTemplate(name: "top", text: text)
        XCTAssertThrowsError(try t.execute(Value(5))) { error in
            guard let e = error as? TemplateError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.phase, .execution)
            XCTAssertEqual(e.line, 7)
            XCTAssertEqual(e.column, 21)
            XCTAssertEqual(e.executing, "three")
            XCTAssertEqual(e.action, #"index "hi" $"#)
            XCTAssertEqual(e.description,
                           #"template: top:7:21: executing "three" at <index "hi" $>: error calling index: index out of range: 5"#)
        }
    }

    func testExecutionErrorOnChainedFieldPointsAtTheChainedField() {
        XCTAssertThrowsError(try renderTemplate("{{.a.b}}", #"{"a":null}"#)) { error in
            XCTAssertEqual((error as? TemplateError)?.description,
                           #"template: t:1:5: executing "t" at <.a.b>: nil pointer evaluating interface {}.b"#)
        }
    }

    func testMissingKeysPrintNoValue() throws {
        // Go's TestMissingMapKey with missingkey=default.
        XCTAssertEqual(try renderTemplate("{{.x}} {{.y}}", #"{"x":99}"#), "99 <no value>")
        XCTAssertEqual(try renderTemplate("{{.a.b.c}}", #"{"x":99}"#), "<no value>")
        XCTAssertEqual(try renderTemplate("{{.x}}", "null"), "<no value>")
        XCTAssertEqual(try renderTemplate("{{.n}}|{{print .n}}|{{toJson .missing}}", #"{"n":null}"#), "<no value>|<nil>|null")
    }

    func testDocumentedGatewayExamples() throws {
        let data = #"""
            {"resp_status":200,"resp_body":{"some_string":"hi \"there\"","some_integer":3,"some_array":[1,"a"],
             "login":"alombarte","blog":"https://www.krakend.io","x":1},
             "resp_headers":{"Cache-Control":["public, max-age=60"]},
             "req_params":{"Id_user":"25","Input_query_strings.channel":"mobile"}}
            """#
        XCTAssertEqual(try renderTemplate(#"{{- if eq 200 .resp_status -}}{{- toJson .resp_body.some_array -}}{{- else -}}down{{- end -}}"#, data),
                       #"[1,"a"]"#)
        XCTAssertEqual(try renderTemplate(#"{{ toJson (index .resp_headers "Cache-Control") }}"#, data), #"["public, max-age=60"]"#)
        XCTAssertEqual(try renderTemplate(#"{"m": {{toJson .resp_body.some_string}}, "n": {{.resp_body.some_integer}}}"#, data),
                       #"{"m": "hi \"there\"", "n": 3}"#)
        XCTAssertEqual(try renderTemplate(#"{{ index .req_params "Input_query_strings.channel" }}/{{ .req_params.Id_user }}"#, data),
                       "mobile/25")
        let pick = """
            {{- $returned_data := pick .resp_body "login" "blog" -}}
            {
                "hi": "there!",
                {{- range (list "a" "b" "c" ) -}}
                "{{.}}": "{{.}}",
                {{- end -}}
                "github": {{ toJson $returned_data }}
            }
            """
        XCTAssertEqual(try renderTemplate(pick, data), """
            {
                "hi": "there!","a": "a","b": "b","c": "c","github": {"blog":"https://www.krakend.io","login":"alombarte"}
            }
            """)
    }
}

import Testing
@testable import GatewayCore

// KrakenD's non-JSON backend decoders and output encoders, checked against the
// bytes KrakenD CE's integration specs expect (xml_1, xml_2, negotitate_json,
// negotitate_plain, rss) and against outputs of the Go libraries KrakenD uses
// (clbanning/mxj, mmcdole/gofeed 1.1.3, goccy/go-yaml).

/// The body the conformance mock serves on `/xml`.
private let mockXML = """
    <?xml version="1.0" encoding="UTF-8"?>
    <user type="admin">
      <name>Elliot</name>
      <social>
        <facebook>https://facebook.com</facebook>
        <twitter>https://twitter.com</twitter>
        <youtube>https://youtube.com</youtube>
      </social>
    </user>
    """

private func decodeXML(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Value {
    do {
        return .object(try BackendDecoding.xml(Array(text.utf8)))
    } catch {
        Issue.record("unexpected error: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

private func xmlError(_ bytes: [UInt8]) -> String? {
    do {
        _ = try BackendDecoding.xml(bytes)
        return nil
    } catch {
        return error.message
    }
}

private func json(_ text: String) -> Value { (try? Value(json: text)) ?? .string("invalid test JSON") }

private func body(_ r: (contentType: String, body: [UInt8])) -> String { String(decoding: r.body, as: UTF8.self) }

@Suite struct EncodingTests {
    // MARK: - Conformance specs, at the function level

    @Test func conformanceXML1_xmlBackendRenderedAsXML() throws {
        let data = Value.object(try BackendDecoding.xml(Array(mockXML.utf8)))
        let r = ResponseRendering.render(data, encoding: "xml", accept: nil)
        #expect(r.contentType == "application/xml")
        #expect(body(r) == #"<user type="admin"><name>Elliot</name><social><facebook>https://facebook.com</facebook><twitter>https://twitter.com</twitter><youtube>https://youtube.com</youtube></social></user>"#)
    }

    @Test func conformanceXML2_jsonBackendRenderedAsXML() {
        // What the mock's /param_forwarding echo returns to KrakenD in xml_2.
        let echo = json(#"{"foo":42,"headers":{"Accept-Encoding":["gzip"],"Referer":["http://127.0.0.1:8081/param_forwarding"],"User-Agent":["KrakenD Version 2.13.8"],"X-Forwarded-Host":["localhost:8080"]},"path":"/param_forwarding/","query":{}}"#)
        let r = ResponseRendering.render(echo, encoding: "xml", accept: nil)
        #expect(r.contentType == "application/xml")
        #expect(body(r) == #"<doc><foo>42</foo><headers><Accept-Encoding>gzip</Accept-Encoding><Referer>http://127.0.0.1:8081/param_forwarding</Referer><User-Agent>KrakenD Version 2.13.8</User-Agent><X-Forwarded-Host>localhost:8080</X-Forwarded-Host></headers><path>/param_forwarding/</path><query/></doc>"#)
    }

    @Test func conformanceNegotiateJSON() throws {
        let data = Value.object(try BackendDecoding.xml(Array(mockXML.utf8)))
        let r = ResponseRendering.render(data, encoding: "negotiate", accept: "application/json; charset=utf-8")
        #expect(r.contentType == "application/json; charset=utf-8")
        #expect(body(r) == #"{"user":{"-type":"admin","name":"Elliot","social":{"facebook":"https://facebook.com","twitter":"https://twitter.com","youtube":"https://youtube.com"}}}"#)
    }

    @Test func conformanceNegotiatePlainIsYAML() throws {
        let data = Value.object(try BackendDecoding.xml(Array(mockXML.utf8)))
        let r = ResponseRendering.render(data, encoding: "negotiate", accept: "text/plain")
        #expect(r.contentType == "application/yaml; charset=utf-8")
        #expect(body(r) == "user:\n  -type: admin\n  name: Elliot\n  social:\n    facebook: https://facebook.com\n    twitter: https://twitter.com\n    youtube: https://youtube.com\n")
    }

    @Test func conformanceRSS_groupedTitles() throws {
        // The offline stubs of /user/schedule/1482.rss and /user/1482.rss.
        func stub(_ title: String) -> [UInt8] {
            Array(("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rss version=\"2.0\"><channel><title>\(title)</title>"
                + "<link>http://showrss.info/</link><description>offline stub for user 1482</description><item><title>stub item</title>"
                + "<link>http://showrss.info/item</link><guid>stub-1</guid></item></channel></rss>").utf8)
        }
        let schedule = try BackendDecoding.rss(stub("showRSS schedule feed"))
        let available = try BackendDecoding.rss(stub("showRSS personal feed"))
        #expect(Value.object(schedule) == json(#"{"author":null,"categories":null,"copyright":"","custom":null,"description":"offline stub for user 1482","items":[{"title":"stub item","link":"http://showrss.info/item","links":["http://showrss.info/item"],"guid":"stub-1"}],"language":"","published":"","title":"showRSS schedule feed","type":"rss","updated":""}"#))
        // "allow": ["title"] and "group" as the spec configures them.
        let merged = Value.object(["schedule": .object(["title": schedule["title"]!]), "available": .object(["title": available["title"]!])])
        let r = ResponseRendering.render(merged, encoding: "json", accept: nil)
        #expect(r.contentType == "application/json; charset=utf-8")
        #expect(body(r) == #"{"available":{"title":"showRSS personal feed"},"schedule":{"title":"showRSS schedule feed"}}"#)
    }

    // MARK: - The manual's examples (Supported Encodings, Returned encodings)

    @Test func stringEncodingWrapsContent() {
        let data = BackendDecoding.string(Array("Hello World!".utf8))
        #expect(body(ResponseRendering.render(.object(data), encoding: "json", accept: nil)) == #"{"content":"Hello World!"}"#)
        let r = ResponseRendering.render(.object(data), encoding: "string", accept: nil)
        #expect(r.contentType == "text/plain; charset=utf-8")
        #expect(body(r) == "Hello World!")
        #expect(body(ResponseRendering.render(json(#"{"content":42}"#), encoding: "string", accept: nil)) == "")
        #expect(body(ResponseRendering.render(json("{}"), encoding: "string", accept: nil)) == "")
    }

    @Test func collectionWrappingAndJSONCollection() {
        let data = json(#"{"collection":[{"item": 1},{"item": 2}]}"#)
        #expect(body(ResponseRendering.render(data, encoding: "json", accept: nil)) == #"{"collection":[{"item":1},{"item":2}]}"#)
        let r = ResponseRendering.render(data, encoding: "json-collection", accept: nil)
        #expect(r.contentType == "application/json; charset=utf-8")
        #expect(body(r) == #"[{"item":1},{"item":2}]"#)
        #expect(body(ResponseRendering.render(json(#"{"a":1}"#), encoding: "json-collection", accept: nil)) == "[]")
        let xmlCollection = try? BackendDecoding.xml(Array("<a><b>1</b></a>".utf8), isCollection: true)
        #expect(xmlCollection.map(Value.object) == json(#"{"collection":{"a":{"b":"1"}}}"#))
    }

    @Test func mixedEncodingsExample() throws {
        // /abc merges a JSON, an XML and an RSS backend into one JSON object.
        var merged = try Value(json: #"{"a":true}"#).objectValue!
        merged.merge(try BackendDecoding.xml(Array("<b><x>1</x></b>".utf8))) { $1 }
        merged.merge(try BackendDecoding.rss(Array(#"<rss version="2.0"><channel><title>c</title></channel></rss>"#.utf8))) { $1 }
        #expect(merged["b"] == json(#"{"x":"1"}"#))
        #expect(merged["title"] == .string("c"))
        #expect(merged["type"] == .string("rss"))
        #expect(ResponseRendering.render(.object(merged), encoding: "json", accept: nil).contentType == "application/json; charset=utf-8")
    }

    @Test func outputEncodingDefaultsAndFallbacks() {
        let data = json(#"{"supu":"tupu"}"#)
        for encoding in ["json", "", "unknown", "fast-json"] {
            let r = ResponseRendering.render(data, encoding: encoding, accept: "text/plain")
            #expect(r.contentType == "application/json; charset=utf-8")
            #expect(body(r) == #"{"supu":"tupu"}"#)
        }
        #expect(ResponseRendering.effectiveEncoding(outputEncoding: nil, backendEncodings: ["json"]) == "json")
        #expect(ResponseRendering.effectiveEncoding(outputEncoding: "", backendEncodings: ["xml"]) == "xml")
        #expect(ResponseRendering.effectiveEncoding(outputEncoding: "nope", backendEncodings: ["string"]) == "string")
        #expect(ResponseRendering.effectiveEncoding(outputEncoding: "nope", backendEncodings: ["rss"]) == "json")
        #expect(ResponseRendering.effectiveEncoding(outputEncoding: "negotiate", backendEncodings: ["xml", "json"]) == "negotiate")
    }

    @Test func noResponseRendersEmptyForms() {
        #expect(body(ResponseRendering.render(.null, encoding: "json", accept: nil)) == "{}")
        #expect(body(ResponseRendering.render(.null, encoding: "json-collection", accept: nil)) == "[]")
        #expect(body(ResponseRendering.render(.null, encoding: "yaml", accept: nil)) == "{}\n")
        #expect(body(ResponseRendering.render(.null, encoding: "string", accept: nil)) == "")
        let x = ResponseRendering.render(.null, encoding: "xml", accept: nil)
        #expect(x.contentType == "application/xml; charset=utf-8" && x.body.isEmpty)
    }

    @Test func negotiationFollowsGin() {
        let cases: [(String?, String)] = [
            (nil, "json"), ("", "json"), ("application/json", "json"), ("application/xml", "xml"),
            ("text/plain", "yaml"), ("text/plain; charset=utf-8", "yaml"), ("*/*", "json"), ("text/*", "yaml"),
            ("application/*", "json"), ("text/xml", "json"), ("image/png", "json"), ("text/html,application/xml;q=0.9", "xml"),
            ("application/xml;q=0.1, application/json", "xml"), ("text/", "yaml"), ("application/x", "xml"),
        ]
        for (accept, expected) in cases {
            #expect(ResponseRendering.negotiatedEncoding(accept: accept) == expected, "Accept: \(accept ?? "nil")")
        }
        let data = json(##"{"a":{"-id":"1","#text":"x"}}"##)
        let r = ResponseRendering.render(data, encoding: "negotiate", accept: "application/xml")
        #expect(r.contentType == "application/xml")
        #expect(body(r) == #"<a id="1">x</a>"#)
    }

    // MARK: - XML backend decoding (mxj semantics)

    @Test func xmlDecodingFollowsMXJ() {
        let cases: [(String, String)] = [
            ("<a/>", #"{"a":""}"#),
            ("<a> x </a>", #"{"a":"x"}"#),
            (#"<a b="1"/>"#, #"{"a":{"-b":"1"}}"#),
            (#"<a b="1">t</a>"#, ##"{"a":{"#text":"t","-b":"1"}}"##),
            ("<a><b>1</b><b>2</b><c/><b>3</b></a>", #"{"a":{"b":["1","2","3"],"c":""}}"#),
            ("<a>x<b/>y</a>", ##"{"a":{"#text":"x","b":""}}"##),
            ("<a>x<![CDATA[y]]>z</a>", #"{"a":"z"}"#),
            ("<a>x<!--c-->y</a>", #"{"a":"y"}"#),
            ("<a><![CDATA[ <hi> & ]]></a>", #"{"a":"\u003chi\u003e \u0026"}"#),
            ("<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;</a>", #"{"a":"\u003c\u003e\u0026'\"AB"}"#),
            (#"<ns:a xmlns:ns="u"><ns:b ns:c="1">t</ns:b></ns:a>"#, ##"{"a":{"-ns":"u","b":{"#text":"t","-c":"1"}}}"##),
            ("<a>\r\n x \r y</a>", #"{"a":"x \n y"}"#),
            ("\u{FEFF}<a>bom</a>", #"{"a":"bom"}"#),
            ("<a/><b/>", #"{"a":""}"#),
            ("<a/>junk<", #"{"a":""}"#),
            ("<r><x>1</x><y><x>2</x></y><x>3</x></r>", #"{"r":{"x":["1","3"],"y":{"x":"2"}}}"#),
            ("<é>ü</é>", #"{"é":"ü"}"#),
            ("<a><b>  </b></a>", #"{"a":{"b":""}}"#),
            (#"<a b="1" b="2"/>"#, #"{"a":{"-b":"2"}}"#),
            ("<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>t</a>", #"{"a":"t"}"#),
        ]
        for (xml, expected) in cases {
            #expect(decodeXML(xml) == json(expected), "\(xml)")
        }
    }

    @Test func xmlDeclaredCharsetIsTranscoded() throws {
        let latin1: [UInt8] = Array(#"<?xml version="1.0" encoding="ISO-8859-1"?><a>caf"#.utf8) + [0xE9, 0x20, 0x80] + Array("</a>".utf8)
        #expect(Value.object(try BackendDecoding.xml(latin1)) == .object(["a": .string("café €")]))
        #expect(xmlError(Array(#"<?xml version="1.0" encoding="EBCDIC"?><a/>"#.utf8))?.contains("opening charset") == true)
    }

    @Test func malformedXMLIsAnError() {
        let cases: [(String, String)] = [
            ("", "EOF"), ("   ", "EOF"), ("hello", "EOF"),
            ("<a>", "unexpected EOF"), ("<a><b></a>", "element <b> closed by </a>"), ("<a></b>", "element <a> closed by </b>"),
            ("<a>&x;</a>", "invalid character entity &x;"), ("<a>&#0;</a>", "illegal character code U+0000"),
            ("<a b=1/>", "unquoted or missing attribute value"), ("<a b/>", "attribute name without ="),
            ("<a>]]></a>", "unescaped ]]> not in CDATA section"), (#"<a b="x<y"/>"#, "unescaped < inside quoted string"),
            ("<1a/>", "invalid XML name: 1a"), ("<?xml version=\"1.1\"?><a/>", "unsupported version"),
            ("<a>\u{01}</a>", "illegal character code U+0001"),
        ]
        for (xml, message) in cases {
            let error = xmlError(Array(xml.utf8))
            #expect(error?.contains(message) == true, "\(xml): \(error ?? "no error")")
        }
        #expect(xmlError([0x3C, 0x61, 0x3E, 0xFF, 0x3C, 0x2F, 0x61, 0x3E])?.contains("invalid UTF-8") == true)
    }

    @Test func xmlEntitiesAreNeverExpanded() {
        // XXE and "billion laughs": the DTD is skipped, its entities are unknown.
        let xxe = #"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>"#
        #expect(xmlError(Array(xxe.utf8))?.contains("invalid character entity &xxe;") == true)
        var laughs = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for i in 1...9 { laughs += "<!ENTITY lol\(i) \"" + String(repeating: "&lol\(i - 1 == 0 ? "" : String(i - 1));", count: 10) + "\">" }
        laughs += "]><lolz>&lol9;</lolz>"
        #expect(xmlError(Array(laughs.utf8))?.contains("invalid character entity") == true)
        // A DTD without references is harmless and ignored.
        #expect(decodeXML(#"<!DOCTYPE a [<!ENTITY e "v"><!-- > -->]><a>ok</a>"#) == json(#"{"a":"ok"}"#))
    }

    @Test func deepAndHugeXMLIsBounded() throws {
        let deep = String(repeating: "<a>", count: 100_000) + String(repeating: "</a>", count: 100_000)
        #expect(xmlError(Array(deep.utf8))?.contains("nesting deeper than 1000") == true)
        let ok = String(repeating: "<a>", count: 900) + "x" + String(repeating: "</a>", count: 900)
        var v = Value.object(try BackendDecoding.xml(Array(ok.utf8)))
        var levels = 0
        while case .object(let o) = v, let next = o["a"] { v = next; levels += 1 }
        #expect(levels == 900 && v == .string("x"))
        let many = "<r>" + String(repeating: "<i k=\"v\">text &amp; more</i>", count: 100_000) + "</r>"
        let r = try BackendDecoding.xml(Array(many.utf8))
        #expect(r["r"]?["i"]?.arrayValue?.count == 100_000)
    }

    // MARK: - XML output (mxj Map.Xml with XMLEscapeChars)

    @Test func xmlRenderingFollowsMXJ() {
        let cases: [(String, String)] = [
            (#"{"a":1}"#, "<a>1</a>"),
            (#"{"b":"y","a":"x"}"#, "<doc><a>x</a><b>y</b></doc>"),
            ("{}", "<doc/>"),
            (#"{"a":[]}"#, "<a/>"),
            (#"{"a":[1,2]}"#, "<doc><a>1</a><a>2</a></doc>"),
            (#"{"a":[{"b":1},{"c":2}]}"#, "<a><b>1</b></a><a><c>2</c></a>"),
            (#"{"a":null,"b":"","c":{}}"#, "<doc><a/><b/><c/></doc>"),
            (##"{"a":{"-x":"1","-w":true,"#text":"t"}}"##, #"<a w="true" x="1">t</a>"#),
            (##"{"a":{"#text":"t","b":"c"}}"##, "<a>t<b>c</b></a>"),
            (##"{"a":{"#text":{"z":1,"y":[1,null]}}}"##, "<a>map[y:[1 <nil>] z:1]</a>"),
            (#"{"a":"<&>\"'"}"#, "<a>&lt;&amp;&gt;&quot;&apos;</a>"),
            (#"{"a":{"-x":"<&>"}}"#, #"<a x="&lt;&amp;&gt;"/>"#),
            (#"{"a":true,"b":false,"c":1.50}"#, "<doc><a>true</a><b>false</b><c>1.50</c></doc>"),
            (#"{"a":[[1,2],[3]]}"#, "<doc><a>1</a><a>2</a><a>3</a></doc>"),
            (#"{"-":"x"}"#, "<->x</->"),
        ]
        for (input, expected) in cases {
            #expect(body(ResponseRendering.render(json(input), encoding: "xml", accept: nil)) == expected, "\(input)")
        }
        // An attribute holding an object or null makes mxj fail: KrakenD sends nothing.
        #expect(ResponseRendering.render(json(#"{"a":{"-x":{"y":1}}}"#), encoding: "xml", accept: nil).body.isEmpty)
        #expect(ResponseRendering.render(json(#"{"a":{"-x":null}}"#), encoding: "xml", accept: nil).body.isEmpty)
    }

    @Test func xmlRoundTripThroughKrakenDMaps() throws {
        let xml = #"<order id="7"><item sku="a">2</item><item sku="b">1</item><note>fast &amp; cheap</note></order>"#
        let data = Value.object(try BackendDecoding.xml(Array(xml.utf8)))
        #expect(body(ResponseRendering.render(data, encoding: "xml", accept: nil)) == #"<order id="7"><item sku="a">2</item><item sku="b">1</item><note>fast &amp; cheap</note></order>"#)
    }

    // MARK: - YAML output (goccy/go-yaml as gin uses it)

    @Test func yamlRendering() {
        let r = ResponseRendering.render(json(#"{"b":{"c":[1,"x",{"d":"e","f":[]},[],{}]},"a":null,"t":true,"s":"multi\nline","e":""}"#), encoding: "yaml", accept: nil)
        #expect(r.contentType == "application/yaml; charset=utf-8")
        #expect(body(r) == "a: null\nb:\n  c:\n  - \"1\"\n  - x\n  - d: e\n    f: []\n  - []\n  - {}\ne: \"\"\ns: |-\n  multi\n  line\nt: true\n")
        #expect(body(ResponseRendering.render(json(#"{"k":[[1,2],[3]],"m":{"n":"u\nv\n"}}"#), encoding: "yaml", accept: nil))
            == "k:\n- - \"1\"\n  - \"2\"\n- - \"3\"\nm:\n  \"n\": |\n    u\n    v\n")
    }

    @Test func yamlQuotingFollowsGoccy() {
        let quoted = ["", "true", "yes", "n", "null", "~", "1", "-1", "+1", "1.5", "0x1F", "1_000", "1.", ".5", "12:30",
                      "2024-01-02", "2024-01-02T10:00:00Z", "a: b", "#c", "c#d", "back\\slash", " lead", "trail ", "end:",
                      "[x", "{", "%", "@x", "*x", "&x", "!x", "|x", ">x", "'x", "\"x", "`x", ",x", "99999999999999999999"]
        for s in quoted { #expect(YAMLRenderer.needsQuotes(s), "\(s)") }
        let plain = ["x", "a:b", "https://facebook.com", "-", "- x", "?x", "x]", "1e5", "08", "1.2.3", ".inf", "24:00",
                     "2024-13-01", "é", "tab\there", "x\"y"]
        for s in plain { #expect(!YAMLRenderer.needsQuotes(s), "\(s)") }
        #expect(YAMLRenderer.goQuote("a\"b\\c\n\u{01}\u{7F}é\u{A0}\u{1F600}") == #""a\"b\\c\n\x01\x7fé\u00a0😀""#)
    }
}

import Foundation
import GatewayCore
import Testing

/// `backend/soap` against the echo backend: the exact body, method and
/// Content-Type a SOAP service would receive, built from the manual's
/// template variables; and faults, canned as a SOAP service sends them.
@Suite struct SOAPBackendTests {
    static let flagTemplate = """
    <?xml version="1.0" encoding="utf-8"?>
    <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
      <soap:Body>
        <CountryFlag xmlns="http://www.oorsprong.org/websamples.countryinfo">
          <sCountryISOCode>{{ .req_params.Country }}</sCountryISOCode>
        </CountryFlag>
      </soap:Body>
    </soap:Envelope>
    """

    static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

    /// One endpoint whose backend is the echo backend with `soap` settings.
    static func config(_ backend: EchoBackend, endpoint: String = "/country/{country}", method: String = "GET",
                       soap: String, endpointExtra: String = "", backendExtra: String = "", extraConfig: String = "") -> String {
        """
        {"version": 3, "endpoints": [{"endpoint": "\(endpoint)", "method": "\(method)"\(endpointExtra),
          "backend": [{"host": ["\(backend.url)"], "url_pattern": "/soap/service.wso", "method": "POST"\(backendExtra),
                       "extra_config": {"backend/soap": \(soap)\(extraConfig)}}]}]}
        """
    }

    struct Seen {
        var method: String
        var path: String
        var contentType: String?
        var body: String

        init(_ response: TestHTTP.Response) throws {
            let echo = try #require(response.json, "not JSON: \(response.status) \(response.body)")
            method = echo["method"]?.stringValue ?? ""
            path = echo["path"]?.stringValue ?? ""
            contentType = echo["headers"]?["Content-Type"]?.arrayValue?.first?.stringValue
            body = echo["body"]?.stringValue ?? ""
        }
    }

    @Test func theManualsCountryFlagTemplateFromAFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("soap-\(UUID().uuidString).xml")
        try Self.flagTemplate.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try await withBackendAndGateway({ Self.config($0, soap: #"{"path": "\#(file.path)"}"#) }) { _, gateway in
            let seen = try Seen(try await TestHTTP.request(gateway.url + "/country/ES"))
            #expect(seen.method == "POST")
            #expect(seen.path == "/soap/service.wso")
            #expect(seen.contentType == "text/xml")
            #expect(seen.body == Self.flagTemplate.replacingOccurrences(of: "{{ .req_params.Country }}", with: "ES"))
        }
    }

    @Test func everyTemplateVariableAsDocumented() async throws {
        let template = #"""
        <r><p>{{ .req_params.Id }}</p><h>{{ index .req_headers "X-Header" 0 }}</h><q>{{ index .req_querystring.limit 0 }}</q><path>{{ .req_path }}</path><b>{{ .req_body.foo }}</b></r>
        """#
        try await withBackendAndGateway({ Self.config($0, endpoint: "/items/{id}", method: "POST",
            soap: #"{"template": "\#(Self.base64(template))", "content_type": "application/soap+xml"}"#,
            endpointExtra: #", "input_headers": ["X-Header", "Content-Type"], "input_query_strings": ["limit"]"#) }) { _, gateway in
            let response = try await TestHTTP.request(gateway.url + "/items/42?limit=10&other=1", method: .POST,
                headers: [("X-Header", "hdr"), ("Content-Type", "application/json")], body: #"{"foo": "bar"}"#)
            let seen = try Seen(response)
            #expect(seen.contentType == "application/soap+xml")
            #expect(seen.body == "<r><p>42</p><h>hdr</h><q>10</q><path>/soap/service.wso</path><b>bar</b></r>")
        }
    }

    @Test(arguments: [
        ("application/xml", "<req><foo>bar</foo></req>", "{{ .req_body.req.foo }}", "bar"),
        ("application/x-www-form-urlencoded", "foo=bar&foo=baz", "{{ index .req_body.foo 1 }}", "baz"),
        ("multipart/form-data; boundary=XyZ", "--XyZ\r\nContent-Disposition: form-data; name=\"foo\"\r\n\r\nbar\r\n--XyZ--\r\n", "{{ index .req_body.foo 0 }}", "bar"),
        ("text/plain", "just text", "{{ .req_body }}", "just text"),
    ])
    func theBodyIsReadByItsContentType(contentType: String, body: String, action: String, expected: String) async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/b", method: "POST",
            soap: #"{"template": "\#(Self.base64("<v>\(action)</v>"))"}"#, endpointExtra: #", "input_headers": ["Content-Type"]"#) }) { _, gateway in
            let response = try await TestHTTP.request(gateway.url + "/b", method: .POST, headers: [("Content-Type", contentType)], body: body)
            #expect(try Seen(response).body == "<v>\(expected)</v>")
        }
    }

    @Test func withoutAnAllowedContentTypeTheBodyIsNotRead() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/b", method: "POST",
            soap: #"{"template": "\#(Self.base64("<v>{{ .req_body }}</v>"))"}"#) }) { _, gateway in
            let response = try await TestHTTP.request(gateway.url + "/b", method: .POST, headers: [("Content-Type", "application/json")], body: #"{"a":1}"#)
            // Go prints a missing value as `<no value>`; escaped, the envelope stays well-formed.
            let seen = try Seen(response)
            #expect(seen.body == "<v>&lt;no value&gt;</v>", "\(response.status) \(response.body)")
        }
    }

    @Test func aBodyOfAnUnreadableTypeIsTheClientsError() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/b", method: "POST",
            soap: #"{"template": "\#(Self.base64("<v>{{ .req_body }}</v>"))"}"#, endpointExtra: #", "input_headers": ["Content-Type"]"#) }) { backend, gateway in
            for (type, body) in [("image/png", "x"), ("application/json", "{oops")] {
                let response = try await TestHTTP.request(gateway.url + "/b", method: .POST, headers: [("Content-Type", type)], body: body)
                #expect(response.status == 400, "\(type)")
            }
            #expect(backend.hits("/soap/service.wso") == 0)
        }
    }

    @Test func interpolatedValuesAreXMLEscapedUnlessRaw() async throws {
        let template = #"<v>{{ .req_params.Name }}</v><raw>{{ .req_params.Name | raw }}</raw>"#
        try await withBackendAndGateway({ Self.config($0, endpoint: "/n/{name}", soap: #"{"template": "\#(Self.base64(template))"}"#) }) { _, gateway in
            let seen = try Seen(try await TestHTTP.request(gateway.url + "/n/%3Cb%3E%26%22x%22"))
            #expect(seen.body == #"<v>&lt;b&gt;&amp;&quot;x&quot;</v><raw><b>&"x"</raw>"#)
        }
    }

    static let fault11 = """
    <?xml version='1.0' encoding='UTF-8'?>
    <soap11env:Envelope xmlns:soap11env="http://schemas.xmlsoap.org/soap/envelope/"><soap11env:Body><soap11env:Fault><faultcode>soap11env:Client.UnknownCountry</faultcode><faultstring>Country not found</faultstring></soap11env:Fault></soap11env:Body></soap11env:Envelope>
    """
    static let fault12 = """
    <env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code><env:Reason><env:Text xml:lang="en">Bad country</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>
    """

    @Test(arguments: [(500, fault11, "soap11env:Client.UnknownCountry", "Country not found"), (200, fault12, "env:Sender", "Bad country")])
    func faultsFailTheBackendWithTheirCodeAndReason(status: Int, fault: String, code: String, reason: String) async throws {
        try await withBackendAndGateway({ Self.config($0, soap: #"{"template": "\#(Self.base64("<x/>"))"}"#,
            backendExtra: #", "encoding": "xml""#, extraConfig: #", "backend/http": {"return_error_details": "soap"}"#) }) { backend, gateway in
            backend.serve("/soap/service.wso", bytes: Array(fault.utf8), status: status, headers: [("Content-Type", "text/xml; charset=utf-8")])
            let response = try await TestHTTP.request(gateway.url + "/country/XX")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "X-Krakend-Completed") == "false")
            let details = try #require(response.json?["error_soap"])
            #expect(details["http_status_code"] == Value(status))
            #expect(details["faultcode"]?.stringValue == code)
            #expect(details["faultstring"]?.stringValue == reason)
        }
    }

    @Test func entitiesAreNeverResolved() async throws {
        let xxe = """
        <?xml version="1.0"?>
        <!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
        <Envelope><Body><r>&xxe;&b;</r></Body></Envelope>
        """
        try await withBackendAndGateway({ Self.config($0, soap: #"{"template": "\#(Self.base64("<x/>"))"}"#, backendExtra: #", "encoding": "xml""#) }) { backend, gateway in
            backend.serve("/soap/service.wso", bytes: Array(xxe.utf8), headers: [("Content-Type", "text/xml")])
            let response = try await TestHTTP.request(gateway.url + "/country/XX")
            #expect(response.status == 500)
            #expect(!response.body.contains("root:"))
        }
    }

    @Test func aFaultWithoutErrorDetailsIsA500() async throws {
        try await withBackendAndGateway({ Self.config($0, soap: #"{"template": "\#(Self.base64("<x/>"))"}"#, backendExtra: #", "encoding": "xml""#) }) { backend, gateway in
            backend.serve("/soap/service.wso", bytes: Array(Self.fault12.utf8), headers: [("Content-Type", "application/soap+xml")])
            let response = try await TestHTTP.request(gateway.url + "/country/XX")
            #expect(response.status == 500)
        }
    }

    @Test func startUpReportsWhereATemplateBreaks() async throws {
        let config = """
        {"version": 3, "endpoints": [{"endpoint": "/x", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/s",
          "extra_config": {"backend/soap": {"template": "\(Self.base64("<a>\n  {{ end }}\n</a>"))"}}}]}]}
        """
        let error = await #expect(throws: ConfigError.self) { try await withGateway(config) { _ in } }
        #expect(error?.problems.first?.path == "endpoints[0].backend[0].extra_config.backend/soap")
        #expect(error?.description.contains("backend/soap.template:2:") == true, "\(String(describing: error))")
    }
}

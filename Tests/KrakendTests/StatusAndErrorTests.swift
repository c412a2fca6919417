import Foundation
import GatewayCore
import NIOCore
import Testing

/// What the client sees when things go wrong: the manual's "API Gateway
/// Status Codes" and "Returning the backend headers and errors" pages
/// (`return_error_msg`, `return_error_code`, `return_error_details`).
@Suite struct StatusAndErrorTests {
    static let returnErrorMsg = #""extra_config": {"router": {"return_error_msg": true}}"#

    /// The Go HTTP server's own 404 page: what the manual's backends answer.
    static func serveGoNotFound(_ api: EchoBackend, _ path: String, contentType: String? = "text/plain; charset=utf-8") {
        api.serve(path, bytes: Array("404 page not found\n".utf8), status: 404,
                  headers: contentType.map { [("Content-Type", $0), ("X-Content-Type-Options", "nosniff")] } ?? [])
    }

    // MARK: - Default status codes (manual table)

    /// "200 OK: at least one backend returned a 200 or 201 status code on time."
    @Test func twoHundredWhenAtLeastOneBackendAnswered() async throws {
        try await withBackend { api in
            api.serve("/created", json: #"{"created": true}"#, status: 201)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [
              {"endpoint": "/one", "backend": [{"url_pattern": "/created"}]},
              {"endpoint": "/some", "backend": [{"url_pattern": "/created"}, {"url_pattern": "/status/503"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let one = try await TestHTTP.request(gateway.url + "/one")
                #expect(one.status == 200, "a backend's 201 is the gateway's 200")
                #expect(one.body == #"{"created":true}"#)
                #expect(one.completed == "true")
                let some = try await TestHTTP.request(gateway.url + "/some")
                #expect(some.status == 200)
                #expect(some.completed == "false")
            }
        }
    }

    /// "404: the requested endpoint is not configured"; "405: the endpoint
    /// exists but not for the requested method".
    @Test func notConfiguredIs404AndWrongMethodIs405() async throws {
        try await withBackend { api in
            api.serve("/ok", json: #"{"ok": true}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/only-get", "method": "GET", "backend": [{"url_pattern": "/ok"}]}]}
            """
            try await withGateway(config) { gateway in
                let missing = try await TestHTTP.request(gateway.url + "/nowhere")
                #expect(missing.status == 404)
                let wrong = try await TestHTTP.request(gateway.url + "/only-get", method: .POST, body: "{}")
                #expect(wrong.status == 405)
                #expect(api.hits("/ok") == 0)
            }
        }
    }

    /// "500: default error code, and in general, when backends return any
    /// status above 400". The backend's status and body stay hidden.
    @Test(arguments: [400, 401, 403, 404, 429, 500, 502, 503])
    func backendErrorsBecome500(_ status: Int) async throws {
        try await withBackend { api in
            // The echo backend's `/json` route: this status, this body.
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/json?status=\(status)&body=%7B%22secret%22%3A%22backend%20detail%22%7D"}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 500)
                #expect(r.body.isEmpty)
                #expect(r.completed == "false")
            }
        }
    }

    // MARK: - return_error_details (manual)

    /// The manual's "Example": `backend_a` answers `{"foo": 42}`, `backend_b`
    /// answers Go's 404 page. The manual prints the body as
    /// `"404 page not found\\n"`, a doubled backslash from the docs' escaping:
    /// the backend's body ends with a newline, which JSON writes `\n`. Its
    /// backend sends no Content-Type here, so no `http_body_encoding` either,
    /// exactly as printed.
    @Test func manualReturnErrorDetailsExample() async throws {
        try await withBackend { api in
            api.serve("/foo", json: #"{"foo": 42}"#)
            Self.serveGoNotFound(api, "/bar", contentType: nil)
            let endpoint = """
            {
                    "endpoint": "/detail_error",
                    "backend": [
                        {
                            "host": ["\(api.url)"],
                            "url_pattern": "/foo",
                            "extra_config": {
                                "backend/http": {
                                    "return_error_details": "backend_a"
                                }
                            }
                        },
                        {
                            "host": ["\(api.url)"],
                            "url_pattern": "/bar",
                            "extra_config": {
                                "backend/http": {
                                    "return_error_details": "backend_b"
                                }
                            }
                        }
                    ]
                }
            """
            try await withGateway(#"{"version": 3, "endpoints": [\#(endpoint)]}"#) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/detail_error")
                #expect(r.status == 200, "all status are 200")
                #expect(r.body == GoJSON.compact(#"""
                {
                    "error_backend_b": {
                        "http_status_code": 404,
                        "http_body": "404 page not found\n"
                    },
                    "foo": 42
                }
                """#))
                #expect(r.completed == "false")
            }
        }
    }

    /// The manual's first error example (`error_backend_alias`), with the
    /// backend's Content-Type reported as `http_body_encoding`.
    @Test func returnErrorDetailsCarriesStatusBodyAndEncoding() async throws {
        try await withBackend { api in
            Self.serveGoNotFound(api, "/return-my-errors")
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "60s", "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/return-my-errors", "extra_config": {"backend/http": {"return_error_details": "backend_alias"}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 200)
                #expect(r.body == #"{"error_backend_alias":{"http_body":"404 page not found\n","http_body_encoding":"text/plain; charset=utf-8","http_status_code":404}}"#)
                #expect(r.completed == "false")
                #expect(r.cacheControl == nil)
            }
        }
    }

    /// "If there are no errors, the key won't exist"; an empty error body is
    /// left out (`http_body` is `omitempty` in Lura's `HTTPResponseError`).
    @Test func returnErrorDetailsOnlyWhenFailingAndWithoutEmptyBody() async throws {
        try await withBackend { api in
            api.serve("/fine", json: #"{"fine": true}"#)
            api.serve("/empty-error", bytes: [], status: 503, headers: [])
            let details = #""extra_config": {"backend/http": {"return_error_details": "x"}}"#
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [
              {"endpoint": "/fine", "backend": [{"url_pattern": "/fine", \(details)}]},
              {"endpoint": "/empty", "backend": [{"url_pattern": "/empty-error", \(details)}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let fine = try await TestHTTP.request(gateway.url + "/fine")
                #expect(fine.body == #"{"fine":true}"#)
                #expect(fine.completed == "true")
                let empty = try await TestHTTP.request(gateway.url + "/empty")
                #expect(empty.status == 200)
                #expect(empty.body == #"{"error_x":{"http_status_code":503}}"#)
            }
        }
    }

    /// Only an unexpected *status* becomes `error_<alias>` data (Lura's status
    /// handler builds it); a backend that drops the connection, or answers
    /// something that cannot be decoded, is just missing.
    @Test func returnErrorDetailsIsAboutStatusCodesOnly() async throws {
        try await withBackend { api in
            api.serve("/ok", json: #"{"ok": true}"#)
            api.serve("/garbled", json: #"{"not json"#)
            let details = { (alias: String) in #""extra_config": {"backend/http": {"return_error_details": "\#(alias)"}}"# }
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/ok"},
              {"url_pattern": "/reset", \(details("reset"))},
              {"url_pattern": "/garbled", \(details("garbled"))}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 200)
                #expect(r.body == #"{"ok":true}"#)
                #expect(r.completed == "false")
            }
        }
    }

    /// Every backend failing with details: still 200, one key per backend.
    @Test func returnErrorDetailsOfEveryBackendIsStill200() async throws {
        try await withBackend { api in
            api.serve("/a", json: #"{"reason": "a"}"#, status: 500)
            api.serve("/b", json: #"{"reason": "b"}"#, status: 418)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/a", "extra_config": {"backend/http": {"return_error_details": "a"}}},
              {"url_pattern": "/b", "extra_config": {"backend/http": {"return_error_details": "b"}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 200)
                #expect(r.body == #"{"error_a":{"http_body":"{\"reason\": \"a\"}","http_body_encoding":"application/json","http_status_code":500},"error_b":{"http_body":"{\"reason\": \"b\"}","http_body_encoding":"application/json","http_status_code":418}}"#)
                #expect(r.completed == "false")
            }
        }
    }

    // MARK: - return_error_code (manual)

    /// The manual's `/return-status-and-error`: with `return_error_msg`, the
    /// backend's status and its body reach the client.
    @Test func manualReturnStatusAndErrorExample() async throws {
        try await withBackend { api in
            Self.serveGoNotFound(api, "/404")
            let config = """
            {
              "version": 3,
              "$schema": "http://www.krakend.io/schema/krakend.json",
              "extra_config": {
                "router": {
                  "return_error_msg": true
                }
              },
              "endpoints": [
                {
                  "endpoint": "/return-status-and-error",
                  "backend": [
                    {
                      "url_pattern": "/404",
                      "host": [
                        "\(api.url)"
                      ],
                      "extra_config": {
                        "backend/http": {
                          "return_error_code": true
                        }
                      }
                    }
                  ]
                }
              ]
            }
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/return-status-and-error")
                #expect(r.status == 404)
                #expect(r.body == "404 page not found\n")
                #expect(r.completed == "false")
            }
        }
    }

    /// "The body of the error will be empty unless you complement it with the
    /// return_error_msg."
    @Test(arguments: [400, 401, 403, 404, 409, 422, 503])
    func returnErrorCodeAloneHidesTheBody(_ status: Int) async throws {
        try await withBackend { api in
            api.serve("/fail", json: #"{"why": "secret"}"#, status: status)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/fail", "extra_config": {"backend/http": {"return_error_code": true}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == status)
                #expect(r.body.isEmpty)
                #expect(r.completed == "false")
            }
        }
    }

    /// `return_error_code` is for one backend: with several, a total failure
    /// is the merge's 500.
    @Test func returnErrorCodeNeedsASingleBackend() async throws {
        try await withBackend { api in
            api.serve("/a", json: "{}", status: 404)
            api.serve("/b", json: "{}", status: 404)
            let code = #""extra_config": {"backend/http": {"return_error_code": true}}"#
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/a", \(code)}, {"url_pattern": "/b", \(code)}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 500)
            }
        }
    }

    /// "If you declare them together, the gateway will use only return_error_details."
    @Test func returnErrorDetailsWinsOverReturnErrorCode() async throws {
        try await withBackend { api in
            Self.serveGoNotFound(api, "/404")
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/e", "backend": [
              {"url_pattern": "/404", "extra_config": {"backend/http": {"return_error_code": true, "return_error_details": "both"}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 200)
                #expect(r.body == #"{"error_both":{"http_body":"404 page not found\n","http_body_encoding":"text/plain; charset=utf-8","http_status_code":404}}"#)
            }
        }
    }

    /// A backend that fails without a status (here it drops the connection)
    /// has no status to return: 500.
    @Test func returnErrorCodeWithoutAStatusIs500() async throws {
        try await withBackend { api in
            let config = """
            {"version": 3, \(Self.returnErrorMsg), "endpoints": [{"endpoint": "/e", "backend": [
              {"host": ["\(api.url)"], "url_pattern": "/reset", "extra_config": {"backend/http": {"return_error_code": true}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/e")
                #expect(r.status == 500)
                #expect(!r.body.isEmpty, "the gateway's interpretation, with return_error_msg")
            }
        }
    }

    // MARK: - return_error_msg (manual: "Show an interpretation but not the error body")

    /// The gateway's interpretation (KrakenD's wording), never the backend's body.
    @Test func returnErrorMsgShowsTheInterpretationNotTheBody() async throws {
        try await withBackend { api in
            api.serve("/fail", json: #"{"secret": "do not show"}"#, status: 403)
            let never = Gate()
            defer { never.open() }
            api.serve("/slow", json: "{}", gate: never)
            let config = """
            {"version": 3, "host": ["\(api.url)"], \(Self.returnErrorMsg), "endpoints": [
              {"endpoint": "/status", "backend": [{"url_pattern": "/fail"}]},
              {"endpoint": "/timeout", "timeout": "500ms", "backend": [{"url_pattern": "/slow"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let status = try await TestHTTP.request(gateway.url + "/status")
                #expect(status.status == 500)
                #expect(status.body == "invalid status code 403 [GET /fail]: \(api.url)/fail")
                #expect(status.contentType == "text/plain; charset=utf-8")
                let timeout = try await TestHTTP.request(gateway.url + "/timeout")
                #expect(timeout.status == 500)
                #expect(timeout.body == "context deadline exceeded")
            }
        }
    }

    /// A partial answer is rendered as data: no error text appended.
    @Test func returnErrorMsgLeavesPartialAnswersAlone() async throws {
        try await withBackend { api in
            api.serve("/ok", json: #"{"ok": true}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], \(Self.returnErrorMsg), "endpoints": [
              {"endpoint": "/p", "backend": [{"url_pattern": "/ok"}, {"url_pattern": "/status/500"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/p")
                #expect(r.status == 200)
                #expect(r.body == #"{"ok":true}"#)
                #expect(r.contentType == "application/json; charset=utf-8")
            }
        }
    }
}

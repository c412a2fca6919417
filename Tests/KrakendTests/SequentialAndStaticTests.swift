import Foundation
import GatewayCore
import NIOCore
import Testing

/// The manual's "Sequential Proxying" (`proxy.sequential`, `{respN_field}`)
/// and "Static Proxy Endpoints" (`proxy.static` and its strategies) pages.
@Suite struct SequentialAndStaticTests {
    // MARK: - Sequential proxy (manual)

    /// "Example of sequential proxy passing values on the url_pattern": the
    /// hotel's `destination_id` picks the second call, both merged.
    @Test func manualHotelDestinationsExample() async throws {
        try await withTwoBackends { hotels, destinations in
            hotels.serve("/hotels/25", json: """
            {
                "hotel_id": 25,
                "name": "Hotel California",
                "destination_id": 1034
            }
            """)
            destinations.serve("/destinations/1034", json: """
            {
                "destination_id": 1034,
                "destinations": [
                    "LAX",
                    "SFO",
                    "OAK"
                ]
            }
            """)
            let config = """
            {"version": 3, "endpoints": [{
                "endpoint": "/hotel-destinations/{id}",
                "backend": [
                    {
                        "@comment": "This is the index position 0",
                        "host": [
                            "\(hotels.url)"
                        ],
                        "url_pattern": "/hotels/{id}"
                    },
                    {
                        "@comment": "This is the index position 1",
                        "host": [
                            "\(destinations.url)"
                        ],
                        "@comment2": "resp0_ is the response of index position 0",
                        "url_pattern": "/destinations/{resp0_destination_id}"
                    }
                ],
                "extra_config": {
                    "proxy": {
                        "sequential": true
                    }
                }
            }]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/hotel-destinations/25")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                    "hotel_id": 25,
                    "name": "Hotel California",
                    "destination_id": 1034,
                    "destinations": [
                        "LAX",
                        "SFO",
                        "OAK"
                    ]
                }
                """))
                #expect(r.completed == "true")
                #expect(destinations.hits("/destinations/1034") == 1)
            }
        }
    }

    /// `{resp0_user.hash}` reaches into nested objects, in the path and in the query.
    @Test func nestedResponseFieldsInPathAndQuery() async throws {
        try await withBackend { api in
            api.serve("/login", json: #"{"user": {"hash": "abcdef", "id": 7}}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/me",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/login", "group": "login"},
                {"url_pattern": "/echo/user/{resp0_login.user.hash}", "group": "by_path"},
                {"url_pattern": "/echo/user?hash={resp0_login.user.hash}&id={resp0_login.user.id}", "group": "by_query"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/me")
                #expect(r.status == 200)
                #expect(r.json?["by_path"]?["path"] == .string("/echo/user/abcdef"))
                #expect(r.json?["by_query"]?["path"] == .string("/echo/user"))
                #expect(r.json?["by_query"]?["query"] == .object(["hash": .array([.string("abcdef")]), "id": .array([.string("7")])]))
                #expect(r.completed == "true")
            }
        }
    }

    /// The manual's note on values: always strings; `null` is `<nil>`. Lura's
    /// `sequentialMerge` writes numbers as their JSON text, booleans as
    /// `true`/`false` and an array as its items joined by commas.
    @Test func responseValuesAsStrings() async throws {
        try await withBackend { api in
            api.serve("/first", json: #"{"user": {"hash": null}, "n": 1.5, "ok": true, "ids": [1, 2, 3], "codes": ["LAX", "SFO"]}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/v",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/first", "group": "first"},
                {"url_pattern": "/echo/user?hash={resp0_first.user.hash}&n={resp0_first.n}&ok={resp0_first.ok}&ids={resp0_first.ids}&codes={resp0_first.codes}", "group": "second"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/v")
                #expect(r.status == 200)
                let query = r.json?["second"]?["query"]
                #expect(query?["hash"] == .array([.string("<nil>")]))
                #expect(query?["n"] == .array([.string("1.5")]))
                #expect(query?["ok"] == .array([.string("true")]))
                #expect(query?["ids"] == .array([.string("1,2,3")]))
                #expect(query?["codes"] == .array([.string("LAX,SFO")]))
            }
        }
    }

    /// `/user/<nil>`: a null in the path (sent escaped, as Go's URL does).
    @Test func nullValueInThePath() async throws {
        try await withBackend { api in
            api.serve("/first", json: #"{"user": {"hash": null}}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/v",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/first", "group": "first"},
                {"url_pattern": "/echo/user/{resp0_first.user.hash}", "group": "second"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/v")
                #expect(r.status == 200)
                #expect(r.completed == "true")
                #expect(r.json?["second"]?["path"]?.stringValue?.removingPercentEncoding == "/echo/user/<nil>")
            }
        }
    }

    /// A value with a space (a name, say) still makes a valid request:
    /// Go's URL escapes it (`%20`).
    @Test func valueWithASpaceIsEscapedInThePath() async throws {
        try await withBackend { api in
            api.serve("/hotels/25", json: #"{"name": "Hotel California"}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/h/{id}",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/hotels/{id}"},
                {"url_pattern": "/echo/by-name/{resp0_name}", "group": "second"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/h/25")
                #expect(r.status == 200)
                #expect(r.completed == "true")
                #expect(r.json?["second"]?["path"] == .string("/echo/by-name/Hotel%20California"))
            }
        }
    }

    /// "When the encoding of your backend is string ... use resp0_content."
    @Test func stringEncodingIsReachedAsContent() async throws {
        try await withBackend { api in
            api.serve("/token", bytes: Array("s3cr3t".utf8), headers: [("Content-Type", "text/plain")])
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/t",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/token", "encoding": "string", "group": "token"},
                {"url_pattern": "/echo/with/{resp0_token.content}", "group": "call"}
              ]},
              {"endpoint": "/plain",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/token", "encoding": "string"},
                {"url_pattern": "/echo/with/{resp0_content}", "group": "call"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let grouped = try await TestHTTP.request(gateway.url + "/t")
                #expect(grouped.json?["token"] == .object(["content": .string("s3cr3t")]))
                #expect(grouped.json?["call"]?["path"] == .string("/echo/with/s3cr3t"))
                let plain = try await TestHTTP.request(gateway.url + "/plain")
                #expect(plain.json?["content"] == .string("s3cr3t"))
                #expect(plain.json?["call"]?["path"] == .string("/echo/with/s3cr3t"))
            }
        }
    }

    /// The data a later step sees is the previous backend's after its
    /// manipulation: a field `deny` removed is not there (Lura keeps the
    /// formatted response), and a chain can go on through later steps.
    @Test func laterStepsSeeManipulatedDataAndChainOn() async throws {
        try await withBackend { api in
            api.serve("/a", json: #"{"next": "b", "hidden": "h"}"#)
            api.serve("/b", json: #"{"then": "c", "from_b": 1}"#)
            api.serve("/c", json: #"{"from_c": 2}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/chain",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/a", "deny": ["hidden"]},
                {"url_pattern": "/{resp0_next}"},
                {"url_pattern": "/{resp1_then}"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/chain")
                #expect(r.status == 200)
                #expect(r.body == #"{"from_b":1,"from_c":2,"next":"b","then":"c"}"#)
                #expect(r.completed == "true")
                #expect(api.hits("/a") == 1 && api.hits("/b") == 1 && api.hits("/c") == 1)
            }
        }
    }

    /// "If a backend in a sequence fails, the process aborts and the next
    /// backend is never reached": a partial answer with what came before.
    @Test func failingStepStopsTheChain() async throws {
        try await withBackend { api in
            api.serve("/a", json: #"{"next": "b", "from_a": 1}"#)
            api.serve("/b", json: #"{"then": "c"}"#, status: 500)
            api.serve("/c", json: #"{"from_c": 2}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "60s", "endpoints": [{"endpoint": "/chain",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [
                {"url_pattern": "/a"},
                {"url_pattern": "/{resp0_next}"},
                {"url_pattern": "/c"}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/chain")
                #expect(r.status == 200)
                #expect(r.body == #"{"from_a":1,"next":"b"}"#)
                #expect(r.completed == "false")
                #expect(r.cacheControl == nil)
                #expect(api.hits("/b") == 1)
                #expect(api.hits("/c") == 0, "never reached")
            }
        }
    }

    /// The first step failing leaves nothing: 500, and no other call.
    @Test func failingFirstStepIs500() async throws {
        try await withBackend { api in
            api.serve("/a", json: #"{"next": "b"}"#, status: 404)
            api.serve("/b", json: #"{"b": 1}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/chain",
              "extra_config": {"proxy": {"sequential": true}},
              "backend": [{"url_pattern": "/a"}, {"url_pattern": "/b"}]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/chain")
                #expect(r.status == 500)
                #expect(r.completed == "false")
                #expect(api.hits("/b") == 0)
            }
        }
    }

    // MARK: - Static proxy (manual)

    /// The manual's `/static/errored`: both backends fail (the manual's
    /// example.com has no `/foo` nor `/bar`; here a backend answers 404 on
    /// both), so the static data is the whole answer.
    @Test func manualStaticErroredExample() async throws {
        try await withBackend { nowhere in
            nowhere.serve("/foo", json: "404 page not found", status: 404)
            nowhere.serve("/bar", json: "404 page not found", status: 404)
            let config = """
            {
                "version": 3,
                "endpoints": [
                    {
                        "endpoint": "/static/errored",
                        "backend": [
                            {
                                "host": ["\(nowhere.url)"],
                                "url_pattern": "/foo",
                                "group": "foo"
                            },
                            {
                                "host": ["\(nowhere.url)"],
                                "url_pattern": "/bar",
                                "group": "bar"
                            }
                        ],
                        "extra_config": {
                            "proxy": {
                                "static": {
                                    "strategy": "errored",
                                    "data": {
                                        "errors_happened": {
                                            "foo": 42,
                                            "bar": "default bar"
                                        }
                                    }
                                }
                            }
                        }
                    }
                ]
            }
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/static/errored")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                    "errors_happened": {
                        "foo": 42,
                        "bar": "default bar"
                    }
                }
                """))
                #expect(r.completed == "false")
            }
        }
    }

    /// The manual's `/static/incomplete`: one backend fails, the other works
    /// (the manual uses the gateway's own `/__health`; a backend answering
    /// the same stands in for it), so the defaults join the partial answer.
    @Test func manualStaticIncompleteExample() async throws {
        try await withTwoBackends { nowhere, api in
            nowhere.serve("/foo", json: "404 page not found", status: 404)
            api.serve("/__health", json: #"{"status": "ok"}"#)
            let config = """
            {
                "version": 3,
                "endpoints": [
                    {
                        "endpoint": "/static/incomplete",
                        "backend": [
                            {
                                "host": ["\(nowhere.url)"],
                                "url_pattern": "/foo",
                                "group": "foo"
                            },
                            {
                                "host": ["\(api.url)"],
                                "url_pattern": "/__health",
                                "group": "bar"
                            }
                        ],
                        "extra_config": {
                            "proxy": {
                                "static": {
                                    "strategy": "incomplete",
                                    "data": {
                                        "defaults": {
                                            "foo": 42,
                                            "bar": "default bar"
                                        }
                                    }
                                }
                            }
                        }
                    }
                ]
            }
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/static/incomplete")
                #expect(r.status == 200)
                #expect(r.json?["defaults"] == (try Value(json: """
                {
                    "foo": 42,
                    "bar": "default bar"
                }
                """)))
                #expect(r.body == #"{"bar":{"status":"ok"},"defaults":{"bar":"default bar","foo":42}}"#)
                #expect(r.completed == "false")
            }
        }
    }

    enum Outcome: String, CaseIterable, Sendable {
        /// Every backend answered.
        case complete
        /// One of two backends failed.
        case partial
        /// Every backend failed.
        case failed
        /// The failing backend has `return_error_details`: Lura turns its
        /// failure into data, so there is no error, only an incomplete answer.
        case detailed
    }

    /// The manual's table of strategies, against each way the backends can do:
    /// `success`: err == nil; `complete`: err == nil and complete; `errored`:
    /// err != nil; `incomplete`: no response or not complete.
    @Test(arguments: [
        ("always", Outcome.complete, true), ("always", .partial, true), ("always", .failed, true), ("always", .detailed, true),
        ("success", .complete, true), ("success", .partial, false), ("success", .failed, false), ("success", .detailed, true),
        ("complete", .complete, true), ("complete", .partial, false), ("complete", .failed, false), ("complete", .detailed, false),
        ("errored", .complete, false), ("errored", .partial, true), ("errored", .failed, true), ("errored", .detailed, false),
        ("incomplete", .complete, false), ("incomplete", .partial, true), ("incomplete", .failed, true), ("incomplete", .detailed, true),
    ])
    func staticStrategies(_ strategy: String, _ outcome: Outcome, _ injected: Bool) async throws {
        try await withBackend { api in
            api.serve("/ok", json: #"{"ok": true, "shared": "backend"}"#)
            api.serve("/other", json: #"{"other": true}"#)
            api.serve("/fail", json: #"{"nope": true}"#, status: 503)
            let second: String
            switch outcome {
            case .complete: second = #"{"url_pattern": "/other"}"#
            case .partial, .failed: second = #"{"url_pattern": "/fail"}"#
            case .detailed: second = #"{"url_pattern": "/fail", "extra_config": {"backend/http": {"return_error_details": "b"}}}"#
            }
            let first = outcome == .failed ? #"{"url_pattern": "/fail", "group": "first"}"# : #"{"url_pattern": "/ok"}"#
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "60s", "endpoints": [{"endpoint": "/s",
              "extra_config": {"proxy": {"static": {"strategy": "\(strategy)", "data": {"static": 1, "shared": "static"}}}},
              "backend": [\(first), \(second)]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/s")
                var expected: [String: Value] = [:]
                switch outcome {
                case .complete: expected = ["ok": .bool(true), "shared": .string("backend"), "other": .bool(true)]
                case .partial: expected = ["ok": .bool(true), "shared": .string("backend")]
                case .failed: break
                case .detailed:
                    expected = ["ok": .bool(true), "shared": .string("backend"),
                                "error_b": .object(["http_status_code": .number("503"), "http_body": .string(#"{"nope": true}"#),
                                                    "http_body_encoding": .string("application/json")])]
                }
                if injected {
                    // The static data wins every collision.
                    expected["static"] = .number("1")
                    expected["shared"] = .string("static")
                }
                if expected.isEmpty {
                    #expect(r.status == 500)
                } else {
                    #expect(r.status == 200)
                    #expect(r.body == Value.object(expected).jsonString)
                }
                #expect(r.completed == (outcome == .complete ? "true" : "false"))
                #expect(r.cacheControl == (outcome == .complete ? "public, max-age=60" : nil))
            }
        }
    }

    /// A single backend works the same way (no merge involved).
    @Test func staticOnASingleBackendEndpoint() async throws {
        try await withBackend { api in
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [
              {"endpoint": "/down", "extra_config": {"proxy": {"static": {"strategy": "errored", "data": {"fallback": true}}}},
               "backend": [{"url_pattern": "/status/500"}]},
              {"endpoint": "/up", "extra_config": {"proxy": {"static": {"strategy": "errored", "data": {"fallback": true}}}},
               "backend": [{"url_pattern": "/echo/up", "allow": ["path"]}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let down = try await TestHTTP.request(gateway.url + "/down")
                #expect(down.status == 200)
                #expect(down.body == #"{"fallback":true}"#)
                #expect(down.completed == "false")
                let up = try await TestHTTP.request(gateway.url + "/up")
                #expect(up.body == #"{"path":"/echo/up"}"#)
                #expect(up.completed == "true")
            }
        }
    }

    @Test func unknownStaticStrategyIsAConfigError() async throws {
        let config = """
        {"version": 3, "host": ["http://127.0.0.1:1"], "endpoints": [{"endpoint": "/x",
          "extra_config": {"proxy": {"static": {"strategy": "sometimes", "data": {}}}},
          "backend": [{"url_pattern": "/x"}]}]}
        """
        await #expect(throws: (any Error).self) {
            try await withGateway(config) { _ in }
        }
    }
}

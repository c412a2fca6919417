import Foundation
import GatewayCore
import NIOHTTP1
import Testing

/// Zero-trust forwarding: what of the client's request reaches a backend.
/// The echo backend answers with what it received, and the gateway merges
/// that answer into its response, so `response.json` is the backend's view.
@Suite struct ParameterForwardingTests {
    /// A gateway with one endpoint on the echo backend. `endpoint` and
    /// `backend` are extra JSON members for the endpoint and its backend.
    static func config(_ backend: EchoBackend, path: String = "/foo", endpoint: String = "", urlPattern: String = "/echo/catalog", backendExtra: String = "") -> String {
        """
        {"version": 3, "host": ["\(backend.url)"], "endpoints": [
          {"endpoint": "\(path)" \(endpoint.isEmpty ? "" : ", " + endpoint),
           "backend": [{"url_pattern": "\(urlPattern)" \(backendExtra.isEmpty ? "" : ", " + backendExtra)}]}
        ]}
        """
    }

    // MARK: - Query strings

    @Test func noQueryStringReachesTheBackendByDefault() async throws {
        try await withBackendAndGateway({ Self.config($0) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?items=10&page=2")
            #expect(r.status == 200)
            #expect(r.echoedQuery.isEmpty)
        }
    }

    @Test func onlyDeclaredQueryStringsPassCaseSensitively() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_query_strings": ["items", "page"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?items=10&page=2&evil=here&Page=3&ITEMS=4")
            #expect(r.status == 200)
            #expect(r.echoedQuery == ["items": ["10"], "page": ["2"]])

            // A subset is fine; the missing one is simply missing.
            let subset = try await TestHTTP.request(gateway.url + "/foo?items=10")
            #expect(subset.echoedQuery == ["items": ["10"]])
        }
    }

    @Test func repeatedQueryKeysAreKept() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_query_strings": ["page"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?page=1&evil=x&page=2")
            #expect(r.echoedQuery == ["page": ["1", "2"]])
        }
    }

    @Test func starForwardsEveryQueryString() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_query_strings": ["*"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?a=1&B=2&a=3&evil=here")
            #expect(r.echoedQuery == ["a": ["1", "3"], "B": ["2"], "evil": ["here"]])
        }
    }

    @Test func queryValuesKeepTheirMeaning() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_query_strings": ["q", "empty"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?q=a%20b+c%26d%3D&empty=")
            #expect(r.echoedQuery == ["q": ["a b c&d="], "empty": [""]])
        }
    }

    @Test func versionTwoQuerystringParamsWork() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""querystring_params": ["a", "b"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?a=1&b=2&evil=here")
            #expect(r.echoedQuery == ["a": ["1"], "b": ["2"]])
        }
    }

    @Test func backendInputQueryStringsNarrowTheEndpointList() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/foo", "input_query_strings": ["a", "b"],
               "backend": [{"url_pattern": "/echo/1", "group": "all"},
                           {"url_pattern": "/echo/2", "group": "one", "input_query_strings": ["b", "c"]}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo?a=1&b=2&c=3")
                #expect(r.status == 200)
                #expect(r.json?["all"]?["query"] == .object(["a": .array([.string("1")]), "b": .array([.string("2")])]))
                #expect(r.json?["one"]?["query"] == .object(["b": .array([.string("2")])]), "c is not allowed by the endpoint")
            }
        }
    }

    // MARK: - Placeholders and mandatory query strings

    @Test func placeholdersFillTheURLPattern() async throws {
        try await withBackendAndGateway({
            Self.config($0, path: "/v1/users/{user}/{kind}", urlPattern: "/echo/{kind}/x/{user}")
        }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/v1/users/42/profile")
            #expect(r.json?["path"] == .string("/echo/profile/x/42"))
        }
    }

    /// The manual's `/v3/{channel}/foo` example, without `input_query_strings`.
    @Test func mandatoryQueryStringFromAPlaceholder() async throws {
        try await withBackendAndGateway({
            Self.config($0, path: "/v3/{channel}/foo", urlPattern: "/echo/foo?channel={channel}")
        }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/v3/iOS/foo?limit=10&evil=here")
            #expect(r.status == 200)
            #expect(r.json?["path"] == .string("/echo/foo"))
            #expect(r.echoedQuery == ["channel": ["iOS"]])

            // Without a channel the endpoint does not exist.
            let missing = try await TestHTTP.request(gateway.url + "/v3/foo?limit=10")
            #expect(missing.status == 404)
        }
    }

    /// The manual's special case: an allowed client query replaces the
    /// hard-coded one; with none of them the hard-coded one is used.
    @Test func allowedQueryReplacesTheHardCodedOne() async throws {
        try await withBackendAndGateway({
            Self.config($0, path: "/v3/{channel}/foo", endpoint: #""input_query_strings": ["page", "limit"]"#, urlPattern: "/echo/foo?channel={channel}")
        }) { _, gateway in
            let optional = try await TestHTTP.request(gateway.url + "/v3/iOS/foo?limit=10&evil=here")
            #expect(optional.json?["path"] == .string("/echo/foo"))
            #expect(optional.echoedQuery == ["limit": ["10"]], "no mandatory channel: limit was declared")

            let mandatory = try await TestHTTP.request(gateway.url + "/v3/iOS/foo?evil=here")
            #expect(mandatory.echoedQuery == ["channel": ["iOS"]], "no optional parameter: the mandatory one is used")
        }
    }

    // MARK: - Headers

    @Test func gatewaySetsItsOwnHeadersAndNothingElsePasses() async throws {
        try await withBackendAndGateway({ Self.config($0) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [
                ("User-Agent", "Mozilla/5.0"), ("Accept", "text/html"), ("Cookie", "session=1"),
                ("X-Custom", "nope"), ("Cache-Control", "no-cache"), ("Authorization", "Bearer x"),
            ])
            #expect(r.status == 200)
            #expect(r.echoedHeader("User-Agent") == [GatewayVersion.userAgent])
            #expect(GatewayVersion.userAgent.hasPrefix("KrakenD Version "))
            #expect(r.echoedHeader("Accept-Encoding") == ["gzip"])
            #expect(r.echoedHeader("X-Forwarded-For") == ["127.0.0.1"])
            #expect(r.echoedHeader("X-Forwarded-Host") == ["127.0.0.1:\(gateway.port)"])
            #expect(r.echoedHeader("X-Forwarded-Via") == nil, "only when User-Agent is allowed")
            for name in ["Accept", "Cookie", "X-Custom", "Cache-Control", "Authorization"] {
                #expect(r.echoedHeader(name) == nil, "\(name) must not reach the backend")
            }
            // What reaches the backend is exactly this (Content-Length/Transfer-Encoding
            // and Connection belong to the backend connection).
            let allowed: Set<String> = ["User-Agent", "Accept-Encoding", "X-Forwarded-For", "X-Forwarded-Host", "Content-Length", "Transfer-Encoding", "Connection"]
            #expect(r.echoedHeaderNames.subtracting(allowed).isEmpty, "\(r.echoedHeaderNames)")
        }
    }

    @Test func declaredHeadersPassCaseInsensitivelyInCanonicalForm() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["x-tenant", "ACCEPT", "X-Request-ID"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [
                ("X-TENANT", "acme"), ("accept", "application/json"), ("x-request-id", "r1"), ("X-Other", "no"),
            ])
            #expect(r.echoedHeader("X-Tenant") == ["acme"])
            #expect(r.echoedHeader("Accept") == ["application/json"])
            #expect(r.echoedHeader("X-Request-Id") == ["r1"])
            #expect(r.echoedHeader("X-Other") == nil)
            let raw = r.echoedRawHeaderNames
            #expect(raw.contains("X-Tenant") && raw.contains("Accept") && raw.contains("X-Request-Id"), "canonical on the wire: \(raw)")
            #expect(!raw.contains("X-TENANT") && !raw.contains("accept") && !raw.contains("x-request-id"), "\(raw)")
        }
    }

    @Test func repeatedHeaderValuesAllPass() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["X-Multi"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [("X-Multi", "a"), ("x-multi", "b")])
            #expect(r.echoedHeader("X-Multi") == ["a", "b"])
        }
    }

    @Test func allowedUserAgentAddsForwardedVia() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["User-Agent"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [("User-Agent", "Mozilla/5.0")])
            #expect(r.echoedHeader("User-Agent") == ["Mozilla/5.0"])
            #expect(r.echoedHeader("X-Forwarded-Via") == [GatewayVersion.userAgent])
            #expect(r.echoedHeader("Accept-Encoding") == ["gzip"])
        }
    }

    @Test func allowedButAbsentHeadersKeepTheGatewayDefaults() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["User-Agent", "Accept-Encoding"]"#) }) { _, gateway in
            // The request is written by hand so that no client adds a User-Agent of its own.
            let raw = try await RawSocket.exchange(port: gateway.port, "GET /foo HTTP/1.1\r\nHost: gw.test\r\nConnection: close\r\n\r\n")
            let body = String(raw[(raw.range(of: "\r\n\r\n")?.upperBound ?? raw.endIndex)...])
            let echo = try Value(json: body)
            #expect(echo["headers"]?["User-Agent"] == .array([.string(GatewayVersion.userAgent)]))
            #expect(echo["headers"]?["Accept-Encoding"] == .array([.string("gzip")]))
            #expect(echo["headers"]?["X-Forwarded-Host"] == .array([.string("gw.test")]))
            #expect(echo["headers"]?["X-Forwarded-Via"] == nil, "the client sent no User-Agent to be forwarded")
        }
    }

    @Test func allowedAcceptEncodingReplacesGzip() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["Accept-Encoding"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [("Accept-Encoding", "identity")])
            #expect(r.echoedHeader("Accept-Encoding") == ["identity"])
        }
    }

    @Test func contentTypePassesWithoutBeingDeclared() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""method": "POST""#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", method: .POST, headers: [("Content-Type", "application/json")], body: #"{"a":1}"#)
            #expect(r.status == 200)
            #expect(r.echoedHeader("Content-Type") == ["application/json"])
            #expect(r.json?["method"] == .string("POST"))
            #expect(r.json?["body"] == .string(#"{"a":1}"#))
        }
    }

    @Test func cookiesPassOnlyWhenDeclared() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/closed", "backend": [{"url_pattern": "/echo/closed"}]},
              {"endpoint": "/open", "input_headers": ["Cookie"], "backend": [{"url_pattern": "/echo/open"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let closed = try await TestHTTP.request(gateway.url + "/closed", headers: [("Cookie", "session=1; theme=dark")])
                #expect(closed.echoedHeader("Cookie") == nil)
                let open = try await TestHTTP.request(gateway.url + "/open", headers: [("Cookie", "session=1; theme=dark")])
                #expect(open.echoedHeader("Cookie") == ["session=1; theme=dark"])
            }
        }
    }

    @Test func starForwardsEveryHeaderButForwardedOnesStayComputed() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["*"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [
                ("X-Anything", "yes"), ("Cookie", "a=1"), ("User-Agent", "curl/8"),
                ("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-Host", "evil.example"), ("X-Forwarded-Via", "evil"),
            ])
            #expect(r.echoedHeader("X-Anything") == ["yes"])
            #expect(r.echoedHeader("Cookie") == ["a=1"])
            #expect(r.echoedHeader("User-Agent") == ["curl/8"])
            #expect(r.echoedHeader("X-Forwarded-For") == ["127.0.0.1"])
            #expect(r.echoedHeader("X-Forwarded-Host") == ["127.0.0.1:\(gateway.port)"])
            #expect(r.echoedHeader("X-Forwarded-Via") == [GatewayVersion.userAgent])
        }
    }

    @Test func declaredForwardedHeadersCannotBeOverridden() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""input_headers": ["X-Forwarded-For", "X-Forwarded-Host"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-Host", "evil.example")])
            #expect(r.echoedHeader("X-Forwarded-For") == ["127.0.0.1"])
            #expect(r.echoedHeader("X-Forwarded-Host") == ["127.0.0.1:\(gateway.port)"])
        }
    }

    /// The manual's "granular header filtering" example.
    @Test func backendInputHeadersNarrowTheEndpointList() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/v1/foo", "input_headers": ["User-Agent", "Accept"],
               "backend": [{"url_pattern": "/echo/receive-defined-headers", "group": "both"},
                           {"url_pattern": "/echo/receive-one-header-only", "group": "one", "input_headers": ["User-Agent", "X-Not-In-Endpoint"]}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/v1/foo", headers: [("User-Agent", "ua"), ("Accept", "text/plain"), ("X-Not-In-Endpoint", "x")])
                #expect(r.status == 200)
                let both = r.json?["both"]?["headers"], one = r.json?["one"]?["headers"]
                #expect(both?["User-Agent"] == .array([.string("ua")]))
                #expect(both?["Accept"] == .array([.string("text/plain")]))
                #expect(one?["User-Agent"] == .array([.string("ua")]))
                #expect(one?["Accept"] == nil)
                #expect(one?["X-Not-In-Endpoint"] == nil, "a backend list cannot widen the endpoint's")
            }
        }
    }

    @Test func backendStarDoesNotWidenAndBackendListNarrowsAStar() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/narrow", "input_headers": ["X-A"], "backend": [{"url_pattern": "/echo/1", "input_headers": ["*"]}]},
              {"endpoint": "/star", "input_headers": ["*"], "backend": [{"url_pattern": "/echo/2", "input_headers": ["X-A"]}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let narrow = try await TestHTTP.request(gateway.url + "/narrow", headers: [("X-A", "a"), ("X-B", "b")])
                #expect(narrow.echoedHeader("X-A") == ["a"])
                #expect(narrow.echoedHeader("X-B") == nil)
                let star = try await TestHTTP.request(gateway.url + "/star", headers: [("X-A", "a"), ("X-B", "b")])
                #expect(star.echoedHeader("X-A") == ["a"])
                #expect(star.echoedHeader("X-B") == nil)
            }
        }
    }

    @Test func versionTwoHeadersToPassWork() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: #""headers_to_pass": ["X-Tenant"]"#) }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo", headers: [("x-tenant", "acme"), ("X-Other", "no")])
            #expect(r.echoedHeader("X-Tenant") == ["acme"])
            #expect(r.echoedHeader("X-Other") == nil)
        }
    }

    @Test func noOpEndpointsFilterTheSameWay() async throws {
        try await withBackendAndGateway({
            Self.config($0, endpoint: #""output_encoding": "no-op", "input_headers": ["X-Tenant"], "input_query_strings": ["page"]"#)
        }) { _, gateway in
            let r = try await TestHTTP.request(gateway.url + "/foo?page=2&evil=1", headers: [("X-Tenant", "acme"), ("X-Other", "no"), ("Cookie", "a=1")])
            #expect(r.status == 200)
            #expect(r.echoedQuery == ["page": ["2"]])
            #expect(r.echoedHeader("X-Tenant") == ["acme"])
            #expect(r.echoedHeader("X-Other") == nil)
            #expect(r.echoedHeader("Cookie") == nil)
            #expect(r.echoedHeader("User-Agent") == [GatewayVersion.userAgent])
        }
    }
}

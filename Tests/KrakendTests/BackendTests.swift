import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import Testing

/// Regular (merging) endpoints against real backends: balancing, merging,
/// failures, timeouts, caching headers, decoding and redirects.
@Suite struct BackendTests {
    /// `backends` are the JSON objects of the endpoint's backend list.
    static func config(_ backends: [String], endpoint: String = "/foo", endpointExtra: String = "", root: String = "") -> String {
        """
        {"version": 3 \(root.isEmpty ? "" : ", " + root), "endpoints": [
          {"endpoint": "\(endpoint)" \(endpointExtra.isEmpty ? "" : ", " + endpointExtra),
           "backend": [\(backends.joined(separator: ",\n"))]}
        ]}
        """
    }

    static let returnErrorMessage = #""extra_config": {"router": {"return_error_msg": true}}"#

    // MARK: - Hosts

    @Test func hostsAreBalancedRoundRobin() async throws {
        try await withTwoBackends { a, b in
            let config = Self.config([#"{"host": ["\#(a.url)", "\#(b.url)"], "url_pattern": "/echo/x"}"#])
            try await withGateway(config) { gateway in
                for _ in 0..<6 {
                    let r = try await TestHTTP.request(gateway.url + "/foo")
                    #expect(r.status == 200)
                }
                #expect(a.requestCount == 3)
                #expect(b.requestCount == 3)
            }
        }
    }

    @Test func rootHostIsUsedByBackendsWithout() async throws {
        try await withTwoBackends { root, own in
            let config = Self.config([
                #"{"url_pattern": "/echo/root", "group": "root"}"#,
                #"{"url_pattern": "/echo/own", "group": "own", "host": ["\#(own.url)"]}"#,
            ], root: #""host": ["\#(root.url)"]"#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.json?["root"]?["path"] == .string("/echo/root"))
                #expect(r.json?["own"]?["path"] == .string("/echo/own"))
                #expect(root.requestCount == 1 && own.requestCount == 1)
            }
        }
    }

    @Test func hostWithoutSchemeGetsHTTP() async throws {
        try await withBackend { backend in
            let config = Self.config([#"{"host": ["127.0.0.1:\#(backend.port)/"], "url_pattern": "/echo/x"}"#])
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.json?["path"] == .string("/echo/x"))
            }
        }
    }

    @Test func disableHostSanitizeUsesTheHostAsWritten() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "endpoints": [
              {"endpoint": "/kept", "backend": [{"host": ["\(backend.url)"], "url_pattern": "/echo/kept", "disable_host_sanitize": true}]},
              {"endpoint": "/bare", "backend": [{"host": ["127.0.0.1:\(backend.port)"], "url_pattern": "/echo/bare", "disable_host_sanitize": true}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let kept = try await TestHTTP.request(gateway.url + "/kept")
                #expect(kept.status == 200)
                #expect(kept.json?["path"] == .string("/echo/kept"))
                // No scheme is added, so this host is not a usable URL.
                let bare = try await TestHTTP.request(gateway.url + "/bare")
                #expect(bare.status == 500)
                #expect(backend.requestCount == 1)
            }
        }
    }

    // MARK: - Requests

    @Test func urlPatternParametersAndBackendMethod() async throws {
        try await withBackend { backend in
            let config = Self.config([
                #"{"host": ["\#(backend.url)"], "url_pattern": "/echo/{b}/and/{a}", "group": "same"}"#,
                #"{"host": ["\#(backend.url)"], "url_pattern": "/echo/{a}", "method": "DELETE", "group": "other"}"#,
            ], endpoint: "/v1/{a}/{b}", endpointExtra: #""method": "PUT""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/v1/one/two", method: .PUT, body: "x")
                #expect(r.status == 200)
                #expect(r.json?["same"]?["path"] == .string("/echo/two/and/one"))
                #expect(r.json?["same"]?["method"] == .string("PUT"), "inherited from the endpoint")
                #expect(r.json?["other"]?["path"] == .string("/echo/one"))
                #expect(r.json?["other"]?["method"] == .string("DELETE"))
            }
        }
    }

    @Test func requestBodyReachesEveryBackend() async throws {
        try await withBackend { backend in
            let config = Self.config([
                #"{"host": ["\#(backend.url)"], "url_pattern": "/echo/1", "group": "one"}"#,
                #"{"host": ["\#(backend.url)"], "url_pattern": "/echo/2", "group": "two"}"#,
            ], endpointExtra: #""method": "POST""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo", method: .POST, headers: [("Content-Type", "application/json")], body: #"{"n":1}"#)
                #expect(r.status == 200)
                #expect(r.json?["one"]?["body"] == .string(#"{"n":1}"#))
                #expect(r.json?["two"]?["body"] == .string(#"{"n":1}"#))
            }
        }
    }

    // MARK: - Merging

    @Test func twoBackendsAreMerged() async throws {
        try await withBackend { backend in
            let config = Self.config([
                #"{"host": ["\#(backend.url)"], "url_pattern": "/gzip"}"#,
                #"{"host": ["\#(backend.url)"], "url_pattern": "/cookies"}"#,
            ], root: #""cache_ttl": "60s""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.json == .object(["hello": .string("world"), "cookies": .number("2")]))
                #expect(r.headers.first(name: "X-Krakend-Completed") == "true")
                #expect(r.headers.first(name: "X-Krakend") == "Version \(GatewayVersion.current)")
                #expect(r.headers.first(name: "Content-Type")?.hasPrefix("application/json") == true)
                #expect(r.headers.first(name: "Cache-Control") == "public, max-age=60")
                #expect(r.headers.first(name: "Set-Cookie") == nil, "backend headers are not passed by merging endpoints")
            }
        }
    }

    @Test func groupsKeepEachBackendUnderItsKey() async throws {
        try await withBackend { backend in
            let config = Self.config([
                #"{"host": ["\#(backend.url)"], "url_pattern": "/gzip", "group": "greeting"}"#,
                #"{"host": ["\#(backend.url)"], "url_pattern": "/cookies"}"#,
            ])
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.json == .object(["greeting": .object(["hello": .string("world")]), "cookies": .number("2")]))
            }
        }
    }

    @Test func collectionsAndStringsAreWrapped() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/coll", "backend": [{"url_pattern": "/array", "is_collection": true}]},
              {"endpoint": "/safe", "backend": [{"url_pattern": "/array", "encoding": "safejson"}]},
              {"endpoint": "/text", "backend": [{"url_pattern": "/status/200", "encoding": "string"}]},
              {"endpoint": "/plain", "backend": [{"url_pattern": "/array"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let array = Value.array([.number("1"), .number("2"), .number("3")])
                let collection = try await TestHTTP.request(gateway.url + "/coll")
                #expect(collection.json == .object(["collection": array]))
                let safe = try await TestHTTP.request(gateway.url + "/safe")
                #expect(safe.json == .object(["collection": array]))
                let text = try await TestHTTP.request(gateway.url + "/text")
                #expect(text.json == .object(["content": .string("status 200\n")]))
                // An array where an object is expected cannot be decoded.
                let plain = try await TestHTTP.request(gateway.url + "/plain")
                #expect(plain.status == 500)
            }
        }
    }

    @Test func gzipAnswerIsDecoded() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/gzip"}"#])) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.json == .object(["hello": .string("world")]))
                #expect(r.headers.first(name: "Content-Encoding") == nil)
            }
        }
    }

    // MARK: - Failures

    @Test(arguments: [404, 500, 302, 204])
    func backendErrorStatusBecomes500(_ status: Int) async throws {
        try await withBackend { backend in
            try await withGateway(Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/status/\#(status)"}"#], root: #""cache_ttl": "60s""#)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                #expect(r.headers.first(name: "Cache-Control") == nil)
                #expect(r.body.isEmpty, "no error message unless return_error_msg: \(r.body)")
            }
        }
    }

    @Test func returnErrorMessageShowsTheReason() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/status/404"}"#], root: Self.returnErrorMessage)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                // KrakenD's exact wording (its conformance suite checks it).
                #expect(r.body == "invalid status code 404 [GET /status/404]: \(backend.url)/status/404")
                #expect(r.headers.first(name: "Content-Type") == "text/plain; charset=utf-8")
            }
        }
    }

    @Test func partialResponseIsOKButNotCompleted() async throws {
        try await withBackend { backend in
            let config = Self.config([
                #"{"host": ["\#(backend.url)"], "url_pattern": "/gzip"}"#,
                #"{"host": ["\#(backend.url)"], "url_pattern": "/status/500", "group": "failing"}"#,
            ], root: #""cache_ttl": "60s""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                #expect(r.json == .object(["hello": .string("world")]))
                #expect(r.headers.first(name: "Cache-Control") == nil, "only complete responses are cacheable")
            }
        }
    }

    @Test func endpointCacheTTLOverridesRoot() async throws {
        try await withBackend { backend in
            let config = Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/gzip"}"#], endpointExtra: #""cache_ttl": "5m""#, root: #""cache_ttl": "60s""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.headers.first(name: "Cache-Control") == "public, max-age=300")
            }
        }
    }

    @Test func noCacheControlWithoutCacheTTL() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/gzip"}"#])) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.headers.first(name: "Cache-Control") == nil)
            }
        }
    }

    @Test func endpointTimeoutGives500() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], \(Self.returnErrorMessage), "endpoints": [
              {"endpoint": "/warm", "backend": [{"url_pattern": "/gzip"}]},
              {"endpoint": "/foo", "timeout": "200ms", "backend": [{"url_pattern": "/slow/3000"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                // A kept-alive connection first, so the deadline strikes while
                // the backend thinks, not while connecting on a busy machine.
                let warm = try await TestHTTP.request(gateway.url + "/warm")
                #expect(warm.status == 200)
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                #expect(r.body == "context deadline exceeded", "KrakenD's wording")
            }
        }
    }

    @Test func rootTimeoutIsInherited() async throws {
        try await withBackend { backend in
            let config = Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/slow/3000"}"#], root: #""timeout": "200ms""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 500)
            }
        }
    }

    @Test func timeoutWithOneAnswerIsPartial() async throws {
        try await withBackend { backend in
            let config = Self.config([
                #"{"host": ["\#(backend.url)"], "url_pattern": "/gzip"}"#,
                #"{"host": ["\#(backend.url)"], "url_pattern": "/slow/6000", "group": "slow"}"#,
            ], endpointExtra: #""timeout": "4s""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                #expect(r.json == .object(["hello": .string("world")]))
            }
        }
    }

    @Test func backendDownGives500() async throws {
        try await withClosedLoopbackPort { port in
            // The timeout is far longer than the test client's, so waiting for it would fail the test.
            let config = Self.config([#"{"host": ["http://127.0.0.1:\#(port)"], "url_pattern": "/x"}"#], endpointExtra: #""timeout": "60s""#, root: #""dialer_timeout": "30s", "# + Self.returnErrorMessage)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                #expect(!r.body.contains("deadline"), "a refused connection is reported as such, not waited on: \(r.body)")
                #expect(r.body.contains("127.0.0.1:\(port)"), "\(r.body)")
            }
        }
    }

    @Test func connectionResetGives500() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/reset"}"#])) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                // And the gateway keeps serving.
                let again = try await TestHTTP.request(gateway.url + "/__health")
                #expect(again.status == 200)
            }
        }
    }

    // MARK: - Redirects

    @Test(arguments: [301, 302, 303, 307, 308])
    func redirectsAreFollowedWithReferer(_ status: Int) async throws {
        try await withBackend { backend in
            try await withGateway(Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/redirect/\#(status)"}"#])) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.json?["path"] == .string("/echo/redirected"))
                #expect(r.json?["method"] == .string("GET"))
                #expect(r.echoedHeader("Referer") == ["\(backend.url)/redirect/\(status)"])
            }
        }
    }

    /// Go's client: 301/302/303 turn a POST into a body-less GET.
    @Test(arguments: [301, 302, 303])
    func redirectTurnsPostIntoGet(_ status: Int) async throws {
        try await withBackend { backend in
            let config = Self.config([#"{"host": ["\#(backend.url)"], "url_pattern": "/redirect/\#(status)"}"#], endpointExtra: #""method": "POST""#)
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo", method: .POST, headers: [("Content-Type", "text/plain")], body: "payload")
                #expect(r.status == 200)
                #expect(r.json?["method"] == .string("GET"))
                #expect(r.json?["body"] == .string(""))
                #expect(r.echoedHeader("Content-Type") == nil)
            }
        }
    }
}

import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import Testing

/// `"output_encoding": "no-op"`: the backend's status, headers and body reach
/// the client as they are, and the request's body streams to the backend.
@Suite struct NoOpTests {
    /// One no-op endpoint, `/proxy` (any `method`), on `urlPattern`.
    static func config(_ host: String, urlPattern: String, method: String = "GET", endpointExtra: String = "", root: String = "") -> String {
        """
        {"version": 3 \(root.isEmpty ? "" : ", " + root), "endpoints": [
          {"endpoint": "/proxy", "method": "\(method)", "output_encoding": "no-op" \(endpointExtra.isEmpty ? "" : ", " + endpointExtra),
           "backend": [{"host": ["\(host)"], "url_pattern": "\(urlPattern)", "encoding": "no-op"}]}
        ]}
        """
    }

    @Test(arguments: [404, 201, 500, 503, 400])
    func backendStatusAndBodyPassAsTheyAre(_ status: Int) async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/status/\(status)")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == status, "no-op does not convert backend statuses")
                #expect(r.body == "status \(status)\n")
                #expect(r.headers.first(name: "Content-Type") == "text/plain; charset=utf-8")
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                #expect(r.headers.first(name: "X-Krakend") == "Version \(GatewayVersion.current)")
            }
        }
    }

    @Test func backendHeadersIncludingEverySetCookiePass() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/cookies")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 200)
                #expect(r.headers[canonicalForm: "Set-Cookie"].map(String.init) == ["a=1", "b=2"])
                #expect(r.headers.first(name: "Content-Type") == "application/json")
                #expect(r.body == #"{"cookies":2}"#)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
            }
        }
    }

    @Test func noCacheControlEvenWithCacheTTL() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/echo/x", endpointExtra: #""cache_ttl": "60s""#)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 200)
                #expect(r.headers.first(name: "Cache-Control") == nil, "a no-op response is never complete")
            }
        }
    }

    @Test func hopByHopHeadersAreNotDuplicated() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/big/64")) { gateway in
                let raw = try await RawSocket.exchange(port: gateway.port, "GET /proxy HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let head = raw[..<(raw.range(of: "\r\n\r\n")?.lowerBound ?? raw.endIndex)].lowercased()
                let lines = head.split(separator: "\r\n")
                #expect(lines.first?.hasPrefix("http/1.1 200") == true, "\(head)")
                let framing = lines.filter { $0.hasPrefix("transfer-encoding:") || $0.hasPrefix("content-length:") }
                #expect(framing.count == 1, "exactly one framing header: \(head)")
                #expect(lines.filter { $0.hasPrefix("connection:") }.count <= 1, "\(head)")
            }
        }
    }

    @Test func requestBodyMethodAndContentTypeReachTheBackend() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/echo/login", method: "POST")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy", method: .POST, headers: [("Content-Type", "application/x-www-form-urlencoded")], body: "user=a&pass=b")
                #expect(r.status == 200)
                #expect(r.json?["method"] == .string("POST"))
                #expect(r.json?["path"] == .string("/echo/login"))
                #expect(r.json?["body"] == .string("user=a&pass=b"))
                #expect(r.echoedHeader("Content-Type") == ["application/x-www-form-urlencoded"])
            }
        }
    }

    @Test func emptyBodiesStayEmpty() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/get", "output_encoding": "no-op", "backend": [{"url_pattern": "/echo/get"}]},
              {"endpoint": "/post", "method": "POST", "output_encoding": "no-op", "backend": [{"url_pattern": "/echo/post"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let get = try await TestHTTP.request(gateway.url + "/get")
                #expect(get.json?["body"] == .string(""))
                let post = try await TestHTTP.request(gateway.url + "/post", method: .POST, body: "")
                #expect(post.status == 200)
                #expect(post.json?["method"] == .string("POST"))
                #expect(post.json?["body"] == .string(""))
                #expect(post.echoedHeader("Content-Length") == ["0"], "an empty body keeps its length, as in KrakenD")
            }
        }
    }

    @Test(arguments: [false, true])
    func largeRequestBodyStreamsToTheBackend(chunked: Bool) async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/count", method: "POST", endpointExtra: #""timeout": "30s""#)) { gateway in
                let size = 8 << 20
                let body = ByteBuffer(repeating: UInt8(ascii: "a"), count: size)
                let r = try await TestHTTP.request(gateway.url + "/proxy", method: .POST, headers: [("Content-Type", "application/octet-stream")], bytes: body, chunked: chunked)
                #expect(r.status == 200)
                #expect(r.json == .object(["bytes": Value(size)]))
            }
        }
    }

    @Test func largeResponseStreamsBackComplete() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/big/8192", endpointExtra: #""timeout": "30s""#)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 200)
                #expect(r.headers.first(name: "Content-Type") == "application/octet-stream")
                #expect(r.body.utf8.count == 8192 * 1024)
                #expect(r.body.utf8.allSatisfy { $0 == UInt8(ascii: "x") })
            }
        }
    }

    @Test func gzipAnswerReachesTheClientReadable() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/gzip")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 200)
                if r.headers.first(name: "Content-Encoding") == nil {
                    #expect(r.body == #"{"hello":"world"}"#, "a decompressed body loses its Content-Encoding")
                    #expect(r.headers.first(name: "Content-Length").map { Int($0) == r.body.utf8.count } ?? true)
                } else {
                    #expect(r.headers.first(name: "Content-Encoding") == "gzip")
                    #expect(r.body.utf8.count == EchoApp.gzippedHello.count)
                }
            }
        }
    }

    @Test func redirectsAreFollowed() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/redirect/302")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 200)
                #expect(r.json?["path"] == .string("/echo/redirected"))
                #expect(r.echoedHeader("Referer") == ["\(backend.url)/redirect/302"])
            }
        }
    }

    /// A streamed body cannot be sent twice: as Go's client without
    /// `GetBody`, the gateway hands the 307/308 to the client (it used to
    /// crash, creating a second iterator over the request body).
    @Test(arguments: [307, 308])
    func redirectKeepingTheBodyIsReturnedAsItIs(_ status: Int) async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/redirect/\(status)", method: "POST")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy", method: .POST, headers: [("Content-Type", "text/plain")], body: "payload")
                #expect(r.status == status)
                #expect(r.headers.first(name: "Location") == "/echo/redirected")
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
                let health = try await TestHTTP.request(gateway.url + "/__health")
                #expect(health.status == 200, "the gateway keeps serving")
            }
        }
    }

    /// 301/302/303 drop the body, so they are followed (as a GET).
    @Test(arguments: [301, 302, 303])
    func redirectDroppingTheBodyIsFollowed(_ status: Int) async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/redirect/\(status)", method: "POST")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy", method: .POST, headers: [("Content-Type", "text/plain")], body: "payload")
                #expect(r.status == 200)
                #expect(r.json?["method"] == .string("GET"))
                #expect(r.json?["body"] == .string(""))
            }
        }
    }

    @Test func backendDownGives500() async throws {
        try await withClosedLoopbackPort { port in
            try await withGateway(Self.config("http://127.0.0.1:\(port)", urlPattern: "/x", endpointExtra: #""timeout": "60s""#, root: #""dialer_timeout": "30s""#)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
            }
        }
    }

    @Test func connectionResetGives500() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/reset")) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
            }
        }
    }

    @Test func timeoutGives500() async throws {
        try await withBackend { backend in
            try await withGateway(Self.config(backend.url, urlPattern: "/slow/3000", endpointExtra: #""timeout": "200ms""#)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/proxy")
                #expect(r.status == 500)
                #expect(r.headers.first(name: "X-Krakend-Completed") == "false")
            }
        }
    }
}

import Testing
@testable import GatewayCore

@Suite("Backend URL")
struct BackendURLTests {
    @Test(arguments: [
        ("http://127.0.0.1:8081/a/b?x=1", "http", "127.0.0.1", 8081, "/a/b?x=1", "127.0.0.1:8081"),
        ("http://example.com", "http", "example.com", 80, "/", "example.com"),
        ("https://example.com/p", "https", "example.com", 443, "/p", "example.com"),
        ("HTTP://Host:80?q", "http", "Host", 80, "/?q", "Host"),
        ("http://user:pw@h:9/x", "http", "h", 9, "/x", "h:9"),
        ("http://[::1]:8080/v", "http", "::1", 8080, "/v", "[::1]:8080"),
        ("https://[::1]/v", "https", "::1", 443, "/v", "[::1]"),
    ])
    func splitsURLs(url: String, scheme: String, host: String, port: Int, target: String, hostHeader: String) throws {
        let parsed = try #require(BackendURL(url))
        #expect(parsed.scheme == scheme)
        #expect(parsed.host == host)
        #expect(parsed.port == port)
        #expect(parsed.target == target)
        #expect(parsed.hostHeader == hostHeader)
    }

    @Test(arguments: ["127.0.0.1:8080/x", "/just/a/path", "http:/x", "http://:80/x", "http://h:port/x", ""])
    func rejectsWhatIsNotAnAbsoluteURL(url: String) {
        #expect(BackendURL(url) == nil)
    }
}

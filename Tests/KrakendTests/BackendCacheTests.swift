import GatewayCore
import Testing

/// `qos/http-cache`: backend answers reused while their Cache-Control allows.
@Suite("Backend cache")
struct BackendCacheTests {
    static func config(_ backend: EchoBackend, cacheControl: String, cache: String = "{}") -> String {
        """
        {"version": 3, "endpoints": [
          {"endpoint": "/c", "backend": [{"host": ["\(backend.url)"], "url_pattern": "/cacheable/\(cacheControl)",
            "extra_config": {"qos/http-cache": \(cache)}}]},
          {"endpoint": "/other", "backend": [{"host": ["\(backend.url)"], "url_pattern": "/cacheable/\(cacheControl)",
            "extra_config": {"qos/http-cache": \(cache)}}]}
        ]}
        """
    }

    @Test func freshAnswersAreServedFromMemory() async throws {
        try await withBackendAndGateway({ Self.config($0, cacheControl: "max-age=60") }) { backend, gateway in
            let first = try await TestHTTP.request(gateway.url + "/c")
            let second = try await TestHTTP.request(gateway.url + "/c")
            #expect(first.body == #"{"served":1}"#)
            #expect(second.body == #"{"served":1}"#)
            #expect(backend.requestCount == 1)
        }
    }

    @Test(arguments: ["no-store", "no-cache", "max-age=0", "public"])
    func answersThatMayNotBeKeptAreFetchedEachTime(cacheControl: String) async throws {
        try await withBackendAndGateway({ Self.config($0, cacheControl: cacheControl) }) { backend, gateway in
            _ = try await TestHTTP.request(gateway.url + "/c")
            let second = try await TestHTTP.request(gateway.url + "/c")
            #expect(second.body == #"{"served":2}"#)
            #expect(backend.requestCount == 2)
        }
    }

    @Test func individualCachesAreNotShared() async throws {
        try await withBackendAndGateway({ Self.config($0, cacheControl: "max-age=60") }) { backend, gateway in
            _ = try await TestHTTP.request(gateway.url + "/c")
            _ = try await TestHTTP.request(gateway.url + "/other")
            #expect(backend.requestCount == 2)
        }
    }

    @Test func sharedCachesServeEveryBackendThatShares() async throws {
        try await withBackendAndGateway({ Self.config($0, cacheControl: "max-age=60", cache: #"{"shared": true}"#) }) { backend, gateway in
            _ = try await TestHTTP.request(gateway.url + "/c")
            let other = try await TestHTTP.request(gateway.url + "/other")
            #expect(other.body == #"{"served":1}"#)
            #expect(backend.requestCount == 1)
        }
    }

    @Test func maxItemsWithoutMaxSizeIsAConfigurationError() async throws {
        let backend = try await EchoBackend.start()
        await #expect(throws: ConfigError.self) {
            let g = try await GatewayHarness.start(Self.config(backend, cacheControl: "max-age=60", cache: #"{"max_items": 10}"#))
            await g.stop()
        }
        await backend.stop()
    }
}

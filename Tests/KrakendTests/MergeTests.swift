import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import Testing

/// The merge layer of regular endpoints, through the gateway: the manual's
/// "API Composition and aggregation", "Handling Concurrent Requests" and
/// "Traffic shadowing and mirroring" pages, partial responses, timeouts,
/// caching headers and backends that answer something unusable.
@Suite struct MergeTests {
    // MARK: - API Composition and aggregation (manual)

    /// The manual's "Merge example": `/users/{user}` from `/users/{user}` and
    /// `/posts/{user}`, both answering as printed, merged as printed.
    @Test func manualMergeExample() async throws {
        try await withBackend { api in
            api.serve("/users/1", json: Manual.user1)
            api.serve("/posts/1", json: Manual.post1)
            // The manual says 800ms; widened so that a loaded machine does not turn this into a timeout test.
            let config = """
            {"version": 3, "endpoints": [
              {
                "endpoint": "/users/{user}",
                "method": "GET",
                "timeout": "3s",
                "backend": [
                  {"url_pattern": "/users/{user}", "host": ["\(api.url)"]},
                  {"url_pattern": "/posts/{user}", "host": ["\(api.url)"]}
                ]
              }
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/users/1")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                    "id": 1,
                    "name": "Leanne Graham",
                    "username": "Bret",
                    "email": "Sincere@april.biz",
                    "address": {
                        "street": "Kulas Light",
                        "suite": "Apt. 556",
                        "city": "Gwenborough",
                        "zipcode": "92998-3874",
                        "geo": {
                            "lat": "-37.3159",
                            "lng": "81.1496"
                        }
                    },
                    "phone": "1-770-736-8031 x56442",
                    "website": "hildegard.org",
                    "company": {
                        "name": "Romaguera-Crona",
                        "catchPhrase": "Multi-layered client-server neural-net",
                        "bs": "harness real-time e-markets"
                    },
                    "userId": 1,
                    "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit",
                    "body": "quia et suscipit\\nsuscipit recusandae consequuntur expedita et cum\\nreprehenderit molestiae ut ut quas totam\\nnostrum rerum est autem sunt rem eveniet architecto"
                }
                """))
                #expect(r.completed == "true")
                #expect(r.contentType == "application/json; charset=utf-8")
                #expect(api.hits("/users/1") == 1 && api.hits("/posts/1") == 1)
            }
        }
    }

    /// The manual's `/abc` aggregation (three services, one endpoint), with the
    /// JSON services answering: each backend's object lands in the root.
    @Test func threeServicesMergeIntoOneObject() async throws {
        try await withTwoBackends { a, c in
            a.serve("/a", json: #"{"from_a": "A", "list": [1, 2]}"#)
            c.serve("/c", json: #"{"from_c": {"nested": true}}"#)
            try await withBackend { b in
                b.serve("/b", json: #"{"from_b": null}"#)
                let config = """
                {"version": 3, "endpoints": [{"endpoint": "/abc", "timeout": "3s", "method": "GET", "backend": [
                  {"url_pattern": "/a", "encoding": "json", "host": ["\(a.url)"]},
                  {"url_pattern": "/b", "encoding": "json", "host": ["\(b.url)"]},
                  {"url_pattern": "/c", "encoding": "json", "host": ["\(c.url)"]}
                ]}]}
                """
                try await withGateway(config) { gateway in
                    let r = try await TestHTTP.request(gateway.url + "/abc")
                    #expect(r.status == 200)
                    #expect(r.body == #"{"from_a":"A","from_b":null,"from_c":{"nested":true},"list":[1,2]}"#)
                    #expect(r.completed == "true")
                }
            }
        }
    }

    // MARK: - Parallel merge with groups

    @Test func parallelMergeOfSeveralBackendsWithGroups() async throws {
        try await withBackend { api in
            api.serve("/root", json: #"{"id": 7, "name": "root"}"#)
            api.serve("/one", json: #"{"id": 1, "tags": ["x"]}"#)
            api.serve("/two", json: #"{"id": 2}"#)
            api.serve("/empty", json: #"{}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/all", "backend": [
              {"url_pattern": "/root"},
              {"url_pattern": "/one", "group": "first"},
              {"url_pattern": "/two", "group": "second"},
              {"url_pattern": "/empty", "group": "nothing"}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/all")
                #expect(r.status == 200)
                // Groups keep colliding `id`s apart; an empty answer still gets its group.
                #expect(r.body == #"{"first":{"id":1,"tags":["x"]},"id":7,"name":"root","nothing":{},"second":{"id":2}}"#)
                #expect(r.completed == "true")
            }
        }
    }

    /// "When grouping different backend responses don't share the same group
    /// name, as the slowest backend would overwrite the response with the same
    /// group." The slow backend is declared first here, so declaration order
    /// and arrival order disagree.
    @Test func sharedGroupIsWonByTheSlowestBackend() async throws {
        try await withBackend { api in
            api.serve("/late", json: #"{"who": "late", "only_late": 1}"#, delay: 1500)
            api.serve("/early", json: #"{"who": "early", "only_early": 1}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/g", "timeout": "10s", "backend": [
              {"url_pattern": "/late", "group": "same"},
              {"url_pattern": "/early", "group": "same"}
            ]}, {"endpoint": "/root", "timeout": "10s", "backend": [
              {"url_pattern": "/late"},
              {"url_pattern": "/early"}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let grouped = try await TestHTTP.request(gateway.url + "/g")
                #expect(grouped.body == #"{"same":{"only_late":1,"who":"late"}}"#)
                let root = try await TestHTTP.request(gateway.url + "/root")
                #expect(root.body == #"{"only_early":1,"only_late":1,"who":"late"}"#)
            }
        }
    }

    // MARK: - Completeness, timeouts, caching

    @Test func completedHeaderTellsWhetherEveryBackendAnswered() async throws {
        try await withBackend { api in
            api.serve("/ok", json: #"{"ok": true}"#)
            api.serve("/other", json: #"{"other": true}"#)
            api.serve("/broken", json: #"{"error": "boom"}"#, status: 503)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [
              {"endpoint": "/complete", "backend": [{"url_pattern": "/ok"}, {"url_pattern": "/other"}]},
              {"endpoint": "/partial", "backend": [{"url_pattern": "/ok"}, {"url_pattern": "/broken"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let complete = try await TestHTTP.request(gateway.url + "/complete")
                #expect(complete.status == 200)
                #expect(complete.completed == "true")
                #expect(complete.body == #"{"ok":true,"other":true}"#)

                let partial = try await TestHTTP.request(gateway.url + "/partial")
                #expect(partial.status == 200)
                #expect(partial.completed == "false")
                #expect(partial.body == #"{"ok":true}"#, "a failed backend's body is never merged")
            }
        }
    }

    /// A backend that has not answered when the endpoint `timeout` strikes is
    /// left out: 200 with what arrived, not completed, not cacheable.
    @Test func endpointTimeoutCutsASlowBackendIntoAPartialResponse() async throws {
        try await withBackend { api in
            let never = Gate()
            defer { never.open() }
            api.serve("/fast", json: #"{"fast": true}"#)
            api.serve("/stuck", json: #"{"stuck": true}"#, gate: never)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "300s", "endpoints": [
              {"endpoint": "/cut", "timeout": "4s", "backend": [
                {"url_pattern": "/fast"},
                {"url_pattern": "/stuck", "group": "stuck"}
              ]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/cut")
                #expect(r.status == 200)
                #expect(r.body == #"{"fast":true}"#)
                #expect(r.completed == "false")
                #expect(r.cacheControl == nil, "incomplete answers are never cacheable")
                #expect(never.arrivals == 1, "the stuck backend was called")
            }
        }
    }

    /// "The timeout value can be introduced inside each endpoint or globally
    /// ... The most specific definition always overwrites the generic one."
    @Test func endpointTimeoutOverridesTheRootOne() async throws {
        try await withBackend { api in
            let never = Gate()
            defer { never.open() }
            api.serve("/fast", json: #"{"fast": true}"#)
            api.serve("/stuck", json: #"{"stuck": true}"#, gate: never)
            api.serve("/late", json: #"{"late": true}"#, delay: 6000)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "timeout": "4s", "endpoints": [
              {"endpoint": "/root", "backend": [{"url_pattern": "/fast"}, {"url_pattern": "/stuck"}]},
              {"endpoint": "/own", "timeout": "10s", "backend": [{"url_pattern": "/fast"}, {"url_pattern": "/late"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                async let rootAnswer = TestHTTP.request(gateway.url + "/root")
                // Later than the root timeout, well within the endpoint's own.
                async let ownAnswer = TestHTTP.request(gateway.url + "/own")
                let (root, own) = try await (rootAnswer, ownAnswer)
                #expect(root.status == 200)
                #expect(root.body == #"{"fast":true}"#)
                #expect(root.completed == "false")
                #expect(own.body == #"{"fast":true,"late":true}"#)
                #expect(own.completed == "true")
            }
        }
    }

    @Test func cacheTTLOnlyOnCompleteResponses() async throws {
        try await withBackend { api in
            api.serve("/ok", json: #"{"ok": true}"#)
            api.serve("/down", json: #"{}"#, status: 500)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "1h", "endpoints": [
              {"endpoint": "/root-ttl", "backend": [{"url_pattern": "/ok"}, {"url_pattern": "/ok", "group": "again"}]},
              {"endpoint": "/own-ttl", "cache_ttl": "90s", "backend": [{"url_pattern": "/ok"}]},
              {"endpoint": "/partial", "cache_ttl": "90s", "backend": [{"url_pattern": "/ok"}, {"url_pattern": "/down"}]},
              {"endpoint": "/failed", "cache_ttl": "90s", "backend": [{"url_pattern": "/down"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let root = try await TestHTTP.request(gateway.url + "/root-ttl")
                #expect(root.cacheControl == "public, max-age=3600")
                #expect(root.completed == "true")
                let own = try await TestHTTP.request(gateway.url + "/own-ttl")
                #expect(own.cacheControl == "public, max-age=90")
                let partial = try await TestHTTP.request(gateway.url + "/partial")
                #expect(partial.status == 200)
                #expect(partial.cacheControl == nil)
                let failed = try await TestHTTP.request(gateway.url + "/failed")
                #expect(failed.status == 500)
                #expect(failed.cacheControl == nil)
            }
        }
    }

    /// KrakenD marks a response completed only when it carries data
    /// (`len(response.Data) > 0` in Lura's endpoint handler): a backend that
    /// answers `{}` gives a 200 `{}` that is neither completed nor cacheable.
    @Test func emptySuccessfulAnswerIsNotMarkedCompleted() async throws {
        try await withBackend { api in
            api.serve("/empty", json: "{}")
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "60s", "endpoints": [
              {"endpoint": "/one", "backend": [{"url_pattern": "/empty"}]},
              {"endpoint": "/two", "backend": [{"url_pattern": "/empty"}, {"url_pattern": "/empty"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                for path in ["/one", "/two"] {
                    let r = try await TestHTTP.request(gateway.url + path)
                    #expect(r.status == 200)
                    #expect(r.body == "{}")
                    #expect(r.completed == "false", "\(path)")
                    #expect(r.cacheControl == nil, "\(path)")
                }
            }
        }
    }

    // MARK: - Every backend failed

    @Test func allBackendsFailedIs500WithoutBody() async throws {
        try await withBackend { api in
            let config = """
            {"version": 3, "host": ["\(api.url)"], "cache_ttl": "60s", "endpoints": [
              {"endpoint": "/down", "backend": [{"url_pattern": "/status/500"}, {"url_pattern": "/status/404", "group": "g"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/down")
                #expect(r.status == 500)
                #expect(r.body.isEmpty)
                #expect(r.completed == "false")
                #expect(r.cacheControl == nil)
            }
        }
    }

    /// With `return_error_msg` the body is the merge error: every backend's
    /// error, one per line (Lura's `mergeError`).
    @Test func allBackendsFailedShowsEveryErrorWithReturnErrorMsg() async throws {
        try await withBackend { api in
            let config = """
            {"version": 3, "host": ["\(api.url)"], "extra_config": {"router": {"return_error_msg": true}}, "endpoints": [
              {"endpoint": "/down", "backend": [{"url_pattern": "/status/500"}, {"url_pattern": "/status/404"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/down")
                #expect(r.status == 500)
                #expect(r.contentType == "text/plain; charset=utf-8")
                let lines = Set(r.body.split(separator: "\n").map(String.init))
                #expect(lines == [
                    "invalid status code 500 [GET /status/500]: \(api.url)/status/500",
                    "invalid status code 404 [GET /status/404]: \(api.url)/status/404",
                ], "\(r.body)")
            }
        }
    }

    // MARK: - Handling Concurrent Requests (manual)

    /// `concurrent_calls: 3`: the backend sees three requests (nobody answers
    /// before the three arrived), the client one answer.
    @Test func concurrentCallsSendTheSameRequestThreeTimes() async throws {
        try await withBackend { api in
            let barrier = Gate(opensAfter: 3)
            defer { barrier.open() }
            api.serve("/foo", json: #"{"product": 1}"#, gate: barrier)
            let config = """
            {"version": 3, "endpoints": [{
              "endpoint": "/products", "method": "GET", "concurrent_calls": 3, "timeout": "5s",
              "backend": [{"host": ["\(api.url)"], "url_pattern": "/foo"}]
            }]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/products")
                #expect(r.status == 200)
                #expect(r.body == #"{"product":1}"#)
                #expect(r.completed == "true")
                #expect(api.hits("/foo") == 3)
            }
        }
    }

    /// The manual's example: two servers behind the backend, three calls, the
    /// first success wins and earlier failures are ignored.
    @Test func concurrentCallsIgnoreFailuresWhenOneSucceeds() async throws {
        try await withTwoBackends { good, bad in
            good.serve("/foo", json: #"{"server": "good"}"#)
            bad.serve("/foo", json: #"{"server": "bad"}"#, status: 500)
            let config = """
            {"version": 3, "endpoints": [{
              "endpoint": "/products", "method": "GET", "concurrent_calls": 3,
              "backend": [{"host": ["\(bad.url)", "\(good.url)"], "url_pattern": "/foo"}]
            }]}
            """
            try await withGateway(config) { gateway in
                for _ in 0..<3 {
                    let r = try await TestHTTP.request(gateway.url + "/products")
                    #expect(r.status == 200)
                    #expect(r.body == #"{"server":"good"}"#)
                }
                // The calls not waited for arrive in their own time.
                #expect(await eventually { good.hits("/foo") + bad.hits("/foo") == 9 })
            }
        }
    }

    @Test func concurrentCallsFailOnlyWhenAllFail() async throws {
        try await withBackend { api in
            let config = """
            {"version": 3, "endpoints": [{
              "endpoint": "/products", "concurrent_calls": 3,
              "backend": [{"host": ["\(api.url)"], "url_pattern": "/status/500"}]
            }]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/products")
                #expect(r.status == 500)
                #expect(r.completed == "false")
                #expect(api.requestCount == 3)
            }
        }
    }

    /// "When the first successful response is received, KrakenD cancels the
    /// remaining requests": the answer must not wait for a call that hangs.
    /// The endpoint timeout is far longer than the test client's (10 s), so
    /// waiting for the stuck call fails the request.
    @Test func concurrentCallsDoNotWaitForTheSlowerCalls() async throws {
        try await withTwoBackends { fast, stuck in
            let never = Gate()
            defer { never.open() }
            fast.serve("/foo", json: #"{"server": "fast"}"#)
            stuck.serve("/foo", json: #"{"server": "stuck"}"#, gate: never)
            let config = """
            {"version": 3, "endpoints": [{
              "endpoint": "/products", "concurrent_calls": 3, "timeout": "60s",
              "backend": [{"host": ["\(fast.url)", "\(stuck.url)"], "url_pattern": "/foo"}]
            }]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/products")
                #expect(r.status == 200)
                #expect(r.body == #"{"server":"fast"}"#)
                #expect(!never.opened, "answered while a call was still held")
            }
        }
    }

    // MARK: - Traffic shadowing (manual)

    /// The manual's example: `/v2` is a shadow of `/v1`: it gets a copy of the
    /// request, its answer is never merged. (The manual's 150 ms timeout is
    /// raised so that a busy test machine does not turn this into a timeout test.)
    @Test func shadowBackendIsCalledButNeverMerged() async throws {
        try await withBackend { api in
            api.serve("/v1/user/42", json: #"{"id": 42, "version": "v1"}"#)
            api.serve("/v2/user/42", json: #"{"id": 42, "version": "v2", "extra": "from v2"}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{
              "endpoint": "/user/{id}",
              "timeout": "3s",
              "backend": [
                {"host": ["\(api.url)"], "url_pattern": "/v1/user/{id}"},
                {"host": ["\(api.url)"], "url_pattern": "/v2/user/{id}", "extra_config": {"proxy": {"shadow": true}}}
              ]
            }]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/user/42")
                #expect(r.status == 200)
                #expect(r.body == #"{"id":42,"version":"v1"}"#)
                #expect(r.completed == "true")
                #expect(await eventually { api.hits("/v2/user/42") == 1 }, "the shadow got its copy")
                #expect(api.hits("/v1/user/42") == 1)
            }
        }
    }

    /// A shadow that hangs does not hold the answer back: the client gets it
    /// while the shadow's request is still held (the endpoint timeout is
    /// longer than the test client's, so waiting would fail the request).
    @Test func slowShadowDoesNotDelayTheAnswer() async throws {
        try await withTwoBackends { v1, v2 in
            let held = Gate()
            defer { held.open() }
            v1.serve("/v1/user/1", json: #"{"id": 1}"#)
            v2.serve("/v2/user/1", json: #"{"shadow": true}"#, gate: held)
            let config = """
            {"version": 3, "endpoints": [{
              "endpoint": "/user/{id}", "timeout": "60s",
              "backend": [
                {"host": ["\(v1.url)"], "url_pattern": "/v1/user/{id}"},
                {"host": ["\(v2.url)"], "url_pattern": "/v2/user/{id}", "extra_config": {"proxy": {"shadow": true}}}
              ]
            }]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/user/1")
                #expect(r.status == 200)
                #expect(r.body == #"{"id":1}"#)
                #expect(r.completed == "true")
                #expect(await eventually { held.arrivals == 1 }, "the shadow was called")
                #expect(!held.opened)
            }
        }
    }

    /// A failing shadow changes nothing: still completed.
    @Test func failingShadowDoesNotMakeTheAnswerIncomplete() async throws {
        try await withBackend { api in
            api.serve("/v1", json: #"{"ok": true}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/s", "backend": [
              {"url_pattern": "/v1"},
              {"url_pattern": "/status/500", "extra_config": {"proxy": {"shadow": true}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/s")
                #expect(r.status == 200)
                #expect(r.body == #"{"ok":true}"#)
                #expect(r.completed == "true")
            }
        }
    }

    /// With one regular backend and a shadow, KrakenD builds a single-backend
    /// endpoint (the shadows are split off first), so the endpoint-level
    /// flatmap, which needs more than one backend, is not loaded.
    @Test func shadowBackendDoesNotCountForTheEndpointFlatmap() async throws {
        try await withBackend { api in
            api.serve("/v1", json: #"{"a": 1, "b": 2}"#)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [{"endpoint": "/s",
              "extra_config": {"proxy": {"flatmap_filter": [{"type": "del", "args": ["a"]}]}},
              "backend": [
                {"url_pattern": "/v1"},
                {"url_pattern": "/v1", "extra_config": {"proxy": {"shadow": true}}}
              ]}]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/s")
                #expect(r.body == #"{"a":1,"b":2}"#)
            }
        }
    }

    // MARK: - Unusable backend answers

    /// Invalid JSON, an array without `is_collection`, a body that claims gzip
    /// but is not: each such backend is left out, the others merged.
    @Test(arguments: ["invalid-json", "array", "garbage-gzip", "truncated-json"])
    func badBackendInputIsLeftOut(_ kind: String) async throws {
        try await withBackend { api in
            api.serve("/good", json: #"{"good": true}"#)
            switch kind {
            case "invalid-json": api.serve("/bad", json: #"{"bad": tru"#)
            case "truncated-json": api.serve("/bad", json: #"{"bad": [1, 2"#)
            case "array": api.serve("/bad", json: #"[{"bad": true}]"#)
            default:
                api.serve("/bad", bytes: Array("this is not gzip at all".utf8),
                          headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")])
            }
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [
              {"endpoint": "/mixed", "backend": [{"url_pattern": "/good"}, {"url_pattern": "/bad", "group": "bad"}]},
              {"endpoint": "/alone", "backend": [{"url_pattern": "/bad"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let mixed = try await TestHTTP.request(gateway.url + "/mixed")
                #expect(mixed.status == 200)
                #expect(mixed.body == #"{"good":true}"#)
                #expect(mixed.completed == "false")

                let alone = try await TestHTTP.request(gateway.url + "/alone")
                #expect(alone.status == 500)
                #expect(alone.completed == "false")

                // The gateway keeps serving after it.
                let again = try await TestHTTP.request(gateway.url + "/mixed")
                #expect(again.body == #"{"good":true}"#)
            }
        }
    }

    /// Backends whose status is 200 or 201 count as success; any other status
    /// (even another 2xx) is a failure.
    @Test(arguments: [(200, true), (201, true), (202, false), (204, false), (400, false), (503, false)])
    func onlyStatus200And201AreMerged(_ status: Int, _ merged: Bool) async throws {
        try await withBackend { api in
            api.serve("/good", json: #"{"good": true}"#)
            api.serve("/maybe", json: #"{"maybe": true}"#, status: status)
            let config = """
            {"version": 3, "host": ["\(api.url)"], "endpoints": [
              {"endpoint": "/x", "backend": [{"url_pattern": "/good"}, {"url_pattern": "/maybe"}]}
            ]}
            """
            try await withGateway(config) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/x")
                #expect(r.status == 200)
                #expect(r.body == (merged ? #"{"good":true,"maybe":true}"# : #"{"good":true}"#))
                #expect(r.completed == (merged ? "true" : "false"))
            }
        }
    }
}

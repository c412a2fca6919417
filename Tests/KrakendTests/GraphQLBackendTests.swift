import Foundation
import GatewayCore
import Testing

/// The manual's "GraphQL Backend Integration" examples, each backend pointed
/// at the echo backend so the test sees exactly the request the GraphQL
/// server would get: method, URL, Content-Type and body.
@Suite struct GraphQLBackendTests {
    static let review = """
    mutation CreateReviewForEpisode($ep: Episode!, $review: ReviewInput!) {
      createReview(episode: $ep, review: $review) {
        stars
        commentary
      }
    }

    """
    static let hero = """
    query Hero($episode: Episode, $withFriends: Boolean!) {
      hero(episode: $episode) {
        name
        friends @include(if: $withFriends) {
          name
        }
      }
    }
    """

    /// A query file for the test, removed afterwards.
    static func withQueryFile<T>(_ text: String, _ body: (String) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("graphql-\(UUID().uuidString).graphql")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url.path)
    }

    static func config(_ backend: EchoBackend, endpoint: String, method: String, graphql: String, extra: String = "") -> String {
        """
        {"version": 3, "endpoints": [{
          "endpoint": "\(endpoint)", "method": "\(method)",
          "backend": [{
            "host": ["\(backend.url)"], "url_pattern": "/graphql?timeout=4s", "timeout": "4100ms"\(extra),
            "extra_config": {"backend/graphql": \(graphql)}
          }]
        }]}
        """
    }

    /// What the echo backend saw, as the gateway relays it.
    struct Seen {
        var method: String
        var query: [String: Value]
        var contentType: String?
        var body: String

        init(_ response: TestHTTP.Response) throws {
            let echo = try #require(response.json, "not JSON: \(response.body)")
            method = echo["method"]?.stringValue ?? ""
            query = echo["query"]?.objectValue ?? [:]
            contentType = echo["headers"]?["Content-Type"]?.arrayValue?.first?.stringValue
            body = echo["body"]?.stringValue ?? ""
        }

        func single(_ key: String) -> String? { query[key]?.arrayValue?.first?.stringValue }
    }

    @Test func postMutationSendsTheUserBodyCompletedByTheConfiguredVariables() async throws {
        try await Self.withQueryFile(Self.review) { file in
            try await withBackendAndGateway({ Self.config($0, endpoint: "/review/{id_show}", method: "POST", graphql: """
                {"type": "mutation", "query_path": "\(file)", "operationName": "CreateReviewForEpisode",
                 "variables": {"review": {"stars": 3, "commentary": "meh"}, "ep": "JEDI", "id_show": "{id_show}"}}
                """) }) { _, gateway in
                let response = try await TestHTTP.request(gateway.url + "/review/1500", method: .POST,
                    body: #"{ "review": { "stars": 5, "commentary": "This is a great movie!" } }"#)
                #expect(response.status == 200)
                let seen = try Seen(response)
                #expect(seen.method == "POST")
                #expect(seen.contentType == "application/json")
                #expect(seen.single("timeout") == "4s")
                // Go's encoder: the struct's field order, then the variables' keys sorted.
                let expected = #"{"query":"# + GoJSON.compact(Value.string(Self.review).jsonString) + #","operationName":"CreateReviewForEpisode","variables":"#
                    + GoJSON.compact(#"{"ep": "JEDI", "id_show": "{id_show}", "review": {"stars": 5, "commentary": "This is a great movie!"}}"#) + "}"
                #expect(seen.body == expected)
            }
        }
    }

    @Test func getMutationSendsAQueryStringFromTheBodyAndNoPlaceholders() async throws {
        try await Self.withQueryFile(Self.review) { file in
            try await withBackendAndGateway({ Self.config($0, endpoint: "/review/{stars}", method: "GET", graphql: """
                {"type": "mutation", "query_path": "\(file)", "operationName": "CreateReviewForEpisode",
                 "variables": {"review": {"stars": "{stars}"}, "ep": "JEDI", "id_show": "1500"}}
                """) }) { _, gateway in
                let response = try await TestHTTP.request(gateway.url + "/review/5", body: "")
                let seen = try Seen(response)
                #expect(seen.method == "GET")
                #expect(seen.body == "")
                #expect(seen.single("query") == Self.review)
                #expect(seen.single("operationName") == "CreateReviewForEpisode")
                #expect(seen.single("timeout") == "4s")
                // A mutation takes its input from the body: `{stars}` stays as configured (Lura).
                #expect(seen.single("variables") == GoJSON.compact(#"{"ep":"JEDI","id_show":"1500","review":{"stars":"{stars}"}}"#))
            }
        }
    }

    @Test func postQueryIgnoresTheBodyAndFillsPlaceholders() async throws {
        try await Self.withQueryFile(Self.hero) { file in
            try await withBackendAndGateway({ Self.config($0, endpoint: "/hero/{episode}", method: "POST", graphql: """
                {"type": "query", "query_path": "\(file)", "operationName": "Hero",
                 "variables": {"episode": "{episode}", "withFriends": false}}
                """) }) { _, gateway in
                let response = try await TestHTTP.request(gateway.url + "/hero/JEDI", method: .POST, body: #"{"ignored": true}"#)
                let seen = try Seen(response)
                #expect(seen.method == "POST")
                #expect(seen.contentType == "application/json")
                #expect(seen.body == #"{"query":"# + Value.string(Self.hero).jsonString + #","operationName":"Hero","variables":{"episode":"JEDI","withFriends":false}}"#)
            }
        }
    }

    @Test func getQuerySendsAnEncodedQueryString() async throws {
        try await Self.withQueryFile(Self.hero) { file in
            try await withBackendAndGateway({ Self.config($0, endpoint: "/hero/{episode}", method: "GET", graphql: """
                {"type": "query", "query_path": "\(file)", "operationName": "Hero",
                 "variables": {"episode": "{episode}", "withFriends": false}}
                """) }) { _, gateway in
                let response = try await TestHTTP.request(gateway.url + "/hero/NEW%20HOPE")
                let seen = try Seen(response)
                #expect(seen.method == "GET")
                #expect(seen.single("query") == Self.hero)
                #expect(seen.single("operationName") == "Hero")
                // The parameter arrives decoded, as gin hands it to Lura.
                #expect(seen.single("variables") == #"{"episode":"NEW HOPE","withFriends":false}"#)
            }
        }
    }

    @Test func aQueryWithoutPlaceholdersSendsTheSameBodyEveryTime() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/static", method: "POST", graphql: #"""
            {"type": "query", "query": "{ q(func: uid(1)) { uid } }"}
            """#) }) { _, gateway in
            for _ in 0..<2 {
                let seen = try Seen(try await TestHTTP.request(gateway.url + "/static", method: .POST, body: "x"))
                // No operationName and no variables: both omitted, as Go's omitempty does.
                #expect(seen.body == #"{"query":"{ q(func: uid(1)) { uid } }"}"#)
            }
        }
    }

    @Test func aMutationBodyThatIsNotAJSONObjectIsTheClientsError() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/m", method: "POST", graphql: #"""
            {"type": "mutation", "query": "mutation M($a: Int) { m(a: $a) }"}
            """#) }) { backend, gateway in
            for body in ["not json", "[1,2]"] {
                let response = try await TestHTTP.request(gateway.url + "/m", method: .POST, body: body)
                #expect(response.status == 400, "\(body)")
                #expect(response.headers.first(name: "X-Krakend-Completed") == "false")
            }
            #expect(backend.hits("/graphql") == 0)
        }
    }

    static let errorsOnly = #"{"errors":[{"message":"Cannot query field \"nope\" on type \"Query\".","locations":[{"line":1,"column":3}]}],"data":null}"#
    static let partial = #"{"data":{"hero":{"name":"R2-D2"},"broken":null},"errors":[{"message":"the broken field always fails","path":["broken"]}]}"#

    @Test func anErrorsOnlyAnswerFailsTheBackend() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/e", method: "GET", graphql: #"{"type": "query", "query": "{ nope }"}"#) }) { backend, gateway in
            backend.serve("/graphql", json: Self.errorsOnly)
            let response = try await TestHTTP.request(gateway.url + "/e")
            #expect(response.status == 500)
            #expect(response.headers.first(name: "X-Krakend-Completed") == "false")
        }
    }

    @Test func errorDetailsCarryTheGraphQLAnswer() async throws {
        try await withBackend { backend in
            let config = """
            {"version": 3, "endpoints": [{"endpoint": "/e", "backend": [{
              "host": ["\(backend.url)"], "url_pattern": "/graphql",
              "extra_config": {"backend/graphql": {"type": "query", "query": "{ nope }"},
                               "backend/http": {"return_error_details": "gql"}}}]}]}
            """
            backend.serve("/graphql", json: Self.errorsOnly)
            try await withGateway(config) { gateway in
                let response = try await TestHTTP.request(gateway.url + "/e")
                #expect(response.status == 200)
                #expect(response.headers.first(name: "X-Krakend-Completed") == "false")
                let details = try #require(response.json?["error_gql"])
                #expect(details["http_status_code"] == Value(200))
                #expect(details["http_body"]?.stringValue == Self.errorsOnly)
                #expect(details["http_body_encoding"]?.stringValue == "application/json")
            }
        }
    }

    @Test func partialDataIsKeptAndMarkedIncomplete() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/p", method: "GET", graphql: #"{"type": "query", "query": "{ hero { name } broken }"}"#,
                                                      extra: #", "target": "data""#) }) { backend, gateway in
            backend.serve("/graphql", json: Self.partial)
            let response = try await TestHTTP.request(gateway.url + "/p")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "X-Krakend-Completed") == "false")
            #expect(response.body == #"{"broken":null,"hero":{"name":"R2-D2"}}"#)
        }
    }

    @Test func aNonJSONAnswerFailsTheBackend() async throws {
        try await withBackendAndGateway({ Self.config($0, endpoint: "/n", method: "GET", graphql: #"{"type": "query", "query": "{ a }"}"#) }) { backend, gateway in
            backend.serve("/graphql", bytes: Array("<html>oops</html>".utf8), headers: [("Content-Type", "text/html")])
            let response = try await TestHTTP.request(gateway.url + "/n")
            #expect(response.status == 500)
        }
    }

    @Test func anAnswerBeyondTheBodyLimitFailsTheBackendAndTheGatewayGoesOn() async throws {
        try await withBackendAndGateway({ backend in """
            {"version": 3, "timeout": "20s", "endpoints": [
              {"endpoint": "/huge", "backend": [{"host": ["\(backend.url)"], "url_pattern": "/huge",
                "extra_config": {"backend/graphql": {"type": "query", "query": "{ a }"}}}]},
              {"endpoint": "/small", "backend": [{"host": ["\(backend.url)"], "url_pattern": "/graphql",
                "extra_config": {"backend/graphql": {"type": "query", "query": "{ a }"}}}]}]}
            """ }) { backend, gateway in
            // Past the gateway's 64 MiB limit for a backend answer, in one write.
            backend.serve("/huge", bytes: [UInt8](repeating: UInt8(ascii: " "), count: (64 << 20) + 4096), headers: [("Content-Type", "application/json")])
            let huge = try await TestHTTP.request(gateway.url + "/huge")
            #expect(huge.status == 500)
            let small = try await TestHTTP.request(gateway.url + "/small")
            #expect(small.status == 200)
        }
    }

    @Test func federationQueriesTwoSubgraphsInParallelEachGrouped() async throws {
        try await withTwoBackends { users, metadata in
            let config = """
            {"version": 3, "endpoints": [{"endpoint": "/user-data/{id_user}", "backend": [
              {"timeout": "3100ms", "url_pattern": "/graphql?timeout=3s", "group": "user", "method": "GET", "host": ["\(users.url)"],
               "extra_config": {"backend/graphql": {"type": "query", "query": "query getUserData($user: ID!) { user(id: $user) { name } }",
                                "variables": {"user": "{id_user}"}, "operationName": "getUserData"}}},
              {"timeout": "2100ms", "url_pattern": "/graphql?timeout=2s", "group": "user_metadata", "method": "GET", "host": ["\(metadata.url)"],
               "extra_config": {"backend/graphql": {"type": "query", "query": "query getUserMetadata($user: ID!) { userMetadata(id: $user) { plan } }",
                                "variables": {"user": "{id_user}"}, "operationName": "getUserMetadata"}}}
            ]}]}
            """
            try await withGateway(config) { gateway in
                let response = try await TestHTTP.request(gateway.url + "/user-data/42")
                #expect(response.status == 200)
                #expect(response.headers.first(name: "X-Krakend-Completed") == "true")
                let user = try #require(response.json?["user"])
                let meta = try #require(response.json?["user_metadata"])
                #expect(user["query"]?["operationName"]?.arrayValue?.first?.stringValue == "getUserData")
                #expect(user["query"]?["variables"]?.arrayValue?.first?.stringValue == #"{"user":"42"}"#)
                #expect(meta["query"]?["operationName"]?.arrayValue?.first?.stringValue == "getUserMetadata")
                #expect(meta["query"]?["timeout"]?.arrayValue?.first?.stringValue == "2s")
            }
        }
    }

    @Test func aNoOpEndpointRelaysTheGraphQLAnswerAsItIs() async throws {
        try await withBackendAndGateway({ backend in """
            {"version": 3, "endpoints": [{"endpoint": "/raw/{episode}", "output_encoding": "no-op", "backend": [{
              "host": ["\(backend.url)"], "url_pattern": "/graphql", "encoding": "no-op",
              "extra_config": {"backend/graphql": {"type": "query", "query": "query H($e: Episode) { hero(episode: $e) { name } }",
                               "variables": {"e": "{episode}"}}}}]}]}
            """ }) { _, gateway in
            let seen = try Seen(try await TestHTTP.request(gateway.url + "/raw/JEDI"))
            #expect(seen.method == "GET")
            #expect(seen.contentType == "application/json")
            #expect(seen.single("variables") == #"{"e":"JEDI"}"#)
        }
    }

    @Test func startUpRefusesAnIncompleteSection() async throws {
        let config = """
        {"version": 3, "endpoints": [{"endpoint": "/x", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/graphql",
          "extra_config": {"backend/graphql": {"type": "subscription", "query_path": "/nonexistent/q.graphql", "variables": []}}}]}]}
        """
        let error = await #expect(throws: ConfigError.self) { try await withGateway(config) { _ in } }
        let paths = error?.problems.map(\.path) ?? []
        let section = "endpoints[0].backend[0].extra_config.backend/graphql"
        #expect(paths == [section + ".type", section + ".query_path", section + ".variables"])
    }
}

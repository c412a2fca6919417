import Foundation
import GatewayCore
import Testing

/// The manual's GraphQL examples against graphql-core (Tests/interop/graphql),
/// a GraphQL server the project did not write: what the server received,
/// and the REST answer the user gets.
@Suite struct GraphQLInteropTests {
    static let review = "mutation CreateReviewForEpisode($ep: Episode!, $review: ReviewInput!) {\n  createReview(episode: $ep, review: $review) {\n    stars\n    commentary\n  }\n}\n"
    static let hero = "query Hero($episode: Episode, $withFriends: Boolean!) {\n  hero(episode: $episode) {\n    name\n    friends @include(if: $withFriends) {\n      name\n    }\n  }\n}"

    static func endpoint(_ path: String, method: String, backendMethod: String? = nil, graphql: String, extra: String = "") -> String {
        """
        {"endpoint": "\(path)", "method": "\(method)", "backend": [{
          "url_pattern": "/graphql?timeout=4s"\(backendMethod.map { #", "method": "\#($0)""# } ?? "")\(extra),
          "extra_config": {"backend/graphql": \(graphql)}}]}
        """
    }

    /// The gateway in front of the GraphQL server, with `endpoints`.
    static func withServer(_ endpoints: [String], _ body: (InteropPeer, GatewayHarness) async throws -> Void) async throws {
        try await withInteropPeer("graphql/server.py") { server in
            let config = #"{"version": 3, "host": ["\#(server.url)"], "endpoints": [\#(endpoints.joined(separator: ","))]}"#
            try await withGateway(config) { gateway in try await body(server, gateway) }
        }
    }

    /// The GraphQL requests the server received, oldest first.
    static func received(_ server: InteropPeer) async throws -> [Value] {
        try #require(try await TestHTTP.request(server.url + "/__requests").json?.arrayValue)
    }

    @Test func postMutationReachesTheServerAndAnswers() async throws {
        let review = Value.string(Self.review).jsonString
        try await Self.withServer([Self.endpoint("/review/{id_show}", method: "POST", graphql: """
            {"type": "mutation", "query": \(review), "operationName": "CreateReviewForEpisode",
             "variables": {"review": {"stars": 3, "commentary": "meh"}, "ep": "JEDI", "id_show": "{id_show}"}}
            """)]) { server, gateway in
            let response = try await TestHTTP.request(gateway.url + "/review/1500", method: .POST,
                body: #"{ "review": { "stars": 5, "commentary": "This is a great movie!" } }"#)
            #expect(response.status == 200)
            #expect(response.headers.first(name: "X-Krakend-Completed") == "true")
            #expect(response.body == #"{"data":{"createReview":{"commentary":"This is a great movie!","stars":5}}}"#)
            let request = try #require(try await Self.received(server).last)
            #expect(request["method"]?.stringValue == "POST")
            #expect(request["content_type"]?.stringValue == "application/json")
            let body = try Value(json: request["body"]?.stringValue ?? "")
            #expect(body["query"]?.stringValue == Self.review)
            #expect(body["operationName"]?.stringValue == "CreateReviewForEpisode")
            #expect(body["variables"] == (try Value(json: #"{"ep":"JEDI","id_show":"{id_show}","review":{"stars":5,"commentary":"This is a great movie!"}}"#)))
        }
    }

    @Test func getMutationTakesTheConfiguredVariablesWhenTheBodyIsEmpty() async throws {
        let review = Value.string(Self.review).jsonString
        try await Self.withServer([Self.endpoint("/review/{stars}", method: "GET", graphql: """
            {"type": "mutation", "query": \(review), "operationName": "CreateReviewForEpisode",
             "variables": {"review": {"stars": 4, "commentary": "fine"}, "ep": "JEDI", "id_show": "1500"}}
            """, extra: #", "target": "data.createReview""#)]) { server, gateway in
            let response = try await TestHTTP.request(gateway.url + "/review/5", body: "")
            #expect(response.status == 200)
            #expect(response.body == #"{"commentary":"fine","stars":4}"#)
            let request = try #require(try await Self.received(server).last)
            #expect(request["method"]?.stringValue == "GET")
            #expect(request["query"]?["timeout"] == .array([.string("4s")]))
            #expect(request["query"]?["operationName"] == .array([.string("CreateReviewForEpisode")]))
            #expect(request["query"]?["variables"] == .array([.string(#"{"ep":"JEDI","id_show":"1500","review":{"commentary":"fine","stars":4}}"#)]))
        }
    }

    @Test(arguments: ["GET", "POST"])
    func heroQueryFillsTheEpisodeFromTheURL(method: String) async throws {
        try await Self.withServer([Self.endpoint("/hero/{episode}", method: method, graphql: """
            {"type": "query", "query": \(Value.string(Self.hero).jsonString), "operationName": "Hero",
             "variables": {"episode": "{episode}", "withFriends": false}}
            """)]) { server, gateway in
            let response = try await TestHTTP.request(gateway.url + "/hero/EMPIRE", method: .init(rawValue: method),
                                                      body: method == "POST" ? #"{"episode": "JEDI"}"# : nil)
            #expect(response.status == 200)
            #expect(response.body == #"{"data":{"hero":{"name":"Luke Skywalker"}}}"#)
            let request = try #require(try await Self.received(server).last)
            #expect(request["method"]?.stringValue == method)
        }
    }

    @Test func proxyModeForwardsTheClientsGraphQLRequest() async throws {
        let proxy = """
        {"endpoint": "/graphql", "method": "POST", "input_query_strings": ["query", "operationName", "variables"],
         "backend": [{"url_pattern": "/graphql?timeout=4s"}]},
        {"endpoint": "/graphql", "method": "GET", "input_query_strings": ["query", "operationName", "variables"],
         "backend": [{"url_pattern": "/graphql"}]}
        """
        try await Self.withServer([proxy]) { server, gateway in
            let post = try await TestHTTP.request(gateway.url + "/graphql", method: .POST, headers: [("Content-Type", "application/json")],
                body: #"{"query": "query H($e: Episode) { hero(episode: $e) { name } }", "variables": {"e": "JEDI"}}"#)
            #expect(post.body == #"{"data":{"hero":{"name":"R2-D2"}}}"#)
            let get = try await TestHTTP.request(gateway.url + "/graphql?query=%7Bhero%7Bname%7D%7D&evil=1")
            #expect(get.body == #"{"data":{"hero":{"name":"R2-D2"}}}"#)
            let requests = try await Self.received(server)
            #expect(requests.count == 2)
            // Only the allowed query strings reach the server.
            #expect(requests.last?["query"]?.objectValue?.keys.sorted() == ["query"])
        }
    }

    @Test func federationMergesTwoSubgraphs() async throws {
        let user = #"{"type": "query", "query": "query getUserData($user: ID!) { user(id: $user) { name } }", "variables": {"user": "{id_user}"}, "operationName": "getUserData"}"#
        let meta = #"{"type": "query", "query": "query getUserMetadata($user: ID!) { userMetadata(id: $user) { plan } }", "variables": {"user": "{id_user}"}, "operationName": "getUserMetadata"}"#
        let endpoint = """
        {"endpoint": "/user-data/{id_user}", "backend": [
          {"timeout": "3100ms", "url_pattern": "/graphql?timeout=3s", "group": "user", "method": "GET", "target": "data.user",
           "extra_config": {"backend/graphql": \(user)}},
          {"timeout": "2100ms", "url_pattern": "/graphql?timeout=2s", "group": "user_metadata", "method": "GET", "target": "data.userMetadata",
           "extra_config": {"backend/graphql": \(meta)}}]}
        """
        try await Self.withServer([endpoint]) { server, gateway in
            let response = try await TestHTTP.request(gateway.url + "/user-data/7")
            #expect(response.status == 200)
            #expect(response.headers.first(name: "X-Krakend-Completed") == "true")
            #expect(response.body == #"{"user":{"name":"user 7"},"user_metadata":{"plan":"gold"}}"#)
            #expect(try await Self.received(server).count == 2)
        }
    }

    @Test func serverErrorsFailOrMarkTheAnswerIncomplete() async throws {
        try await Self.withServer([
            Self.endpoint("/partial", method: "GET", graphql: #"{"type": "query", "query": "{ hero { name } broken }"}"#),
            Self.endpoint("/invalid", method: "GET", graphql: #"{"type": "query", "query": "{ nope }"}"#),
            """
            {"endpoint": "/detailed", "backend": [{"url_pattern": "/graphql",
              "extra_config": {"backend/http": {"return_error_details": "gql"}, "backend/graphql": {"type": "query", "query": "{ nope }"}}}]}
            """,
        ]) { _, gateway in
            let partial = try await TestHTTP.request(gateway.url + "/partial")
            #expect(partial.status == 200)
            #expect(partial.headers.first(name: "X-Krakend-Completed") == "false")
            #expect(partial.json?["data"]?["hero"]?["name"]?.stringValue == "R2-D2")
            #expect(partial.json?["errors"]?.arrayValue?.first?["message"]?.stringValue == "the broken field always fails")

            let invalid = try await TestHTTP.request(gateway.url + "/invalid")
            #expect(invalid.status == 500)

            let detailed = try await TestHTTP.request(gateway.url + "/detailed")
            #expect(detailed.status == 200)
            #expect(detailed.headers.first(name: "X-Krakend-Completed") == "false")
            let details = try #require(detailed.json?["error_gql"])
            #expect(details["http_status_code"] == Value(200))
            #expect(details["http_body"]?.stringValue?.contains("Cannot query field 'nope'") == true)
        }
    }
}

import Foundation
import GatewayCore
import NIOCore
import Testing

/// Backend and endpoint data manipulation through the gateway: every example
/// of the manual's "Data Manipulation" and "Array manipulation" pages with
/// its config and backend answer as printed, plus the rules those pages state.
@Suite struct ManipulationEndpointTests {
    /// One endpoint whose backends point at `host`.
    static func config(_ endpoint: String, host: String, root: String = "") -> String {
        """
        {"version": 3, "host": ["\(host)"] \(root.isEmpty ? "" : ", " + root), "endpoints": [\(endpoint)]}
        """
    }

    /// GETs `path` and compares the whole body.
    static func expectBody(_ gateway: GatewayHarness, _ path: String, _ expected: String,
                           sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let r = try await TestHTTP.request(gateway.url + path)
        #expect(r.body == expected, "\(path)", sourceLocation: sourceLocation)
    }

    // MARK: - Data Manipulation: filtering (manual)

    /// "Deny list example": `body` and `userId` removed from `/posts/1`.
    @Test func manualDenyListExample() async throws {
        try await withBackend { api in
            api.serve("/posts/1", json: Manual.post1)
            let endpoint = """
            {
              "endpoint": "/posts/{user}",
              "method": "GET",
              "backend": [
                {
                  "url_pattern": "/posts/{user}",
                  "host": ["\(api.url)"],
                  "deny": ["body", "userId"]
                }
              ]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/posts/1")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                  "id": 1,
                  "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit"
                }
                """))
            }
        }
    }

    /// "Allow list example": only `id` and `title`, the same output.
    @Test func manualAllowListExample() async throws {
        try await withBackend { api in
            api.serve("/posts/1", json: Manual.post1)
            let endpoint = """
            {
              "endpoint": "/posts/{user}",
              "method": "GET",
              "backend": [{
                "url_pattern": "/posts/{user}",
                "host": ["\(api.url)"],
                "allow": ["id", "title"]
              }]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/posts/1")
                #expect(r.status == 200)
                #expect(r.body == #"{"id":1,"title":"sunt aut facere repellat provident occaecati excepturi optio reprehenderit"}"#)
            }
        }
    }

    /// Nested fields with the dot operator (`a.a1`), objects only: a path
    /// through an array does not reach inside it.
    @Test func nestedAllowAndDenyWorkOnObjectsOnly() async throws {
        try await withBackend { api in
            api.serve("/object", json: #"{ "a": { "a1": 1, "a2": 2 }, "b": 3 }"#)
            api.serve("/array", json: #"{ "a": [ { "a1": 1, "a2": 2 } ], "b": 3 }"#)
            let endpoints = """
            {"endpoint": "/deny/object", "backend": [{"url_pattern": "/object", "deny": ["a.a1"]}]},
            {"endpoint": "/deny/array", "backend": [{"url_pattern": "/array", "deny": ["a.a1"]}]},
            {"endpoint": "/allow/object", "backend": [{"url_pattern": "/object", "allow": ["a.a1"]}]},
            {"endpoint": "/allow/array", "backend": [{"url_pattern": "/array", "allow": ["a.a1", "b"]}]}
            """
            try await withGateway(Self.config(endpoints, host: api.url)) { gateway in
                try await Self.expectBody(gateway, "/deny/object", #"{"a":{"a2":2},"b":3}"#)
                try await Self.expectBody(gateway, "/deny/array", #"{"a":[{"a1":1,"a2":2}],"b":3}"#)
                try await Self.expectBody(gateway, "/allow/object", #"{"a":{"a1":1}}"#)
                try await Self.expectBody(gateway, "/allow/array", #"{"b":3}"#)
            }
        }
    }

    /// The pre-1.2 names `whitelist` and `blacklist` still work.
    @Test func oldFilterNamesStillWork() async throws {
        try await withBackend { api in
            api.serve("/posts/1", json: Manual.post1)
            let endpoints = """
            {"endpoint": "/white", "backend": [{"url_pattern": "/posts/1", "whitelist": ["id"]}]},
            {"endpoint": "/black", "backend": [{"url_pattern": "/posts/1", "blacklist": ["body", "title"]}]}
            """
            try await withGateway(Self.config(endpoints, host: api.url)) { gateway in
                try await Self.expectBody(gateway, "/white", #"{"id":1}"#)
                try await Self.expectBody(gateway, "/black", #"{"id":1,"userId":1}"#)
            }
        }
    }

    // MARK: - Grouping, mapping, target (manual)

    /// "Grouping example": the post goes under `last_post`.
    @Test func manualGroupingExample() async throws {
        try await withBackend { api in
            api.serve("/users/1", json: Manual.user1)
            api.serve("/posts/1", json: Manual.post1)
            let endpoint = """
            {
                "endpoint": "/users/{user}",
                "method": "GET",
                "backend": [
                  {
                    "url_pattern": "/users/{user}",
                    "host": ["\(api.url)"]
                  },
                  {
                    "url_pattern": "/posts/{user}",
                    "host": ["\(api.url)"],
                    "group": "last_post"
                  }
                ]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/users/1")
                #expect(r.status == 200)
                #expect(r.completed == "true")
                #expect(r.body == GoJSON.compact(#"""
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
                  "last_post": {
                    "id": 1,
                    "userId": 1,
                    "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit",
                    "body": "quia et suscipit\nsuscipit recusandae consequuntur expedita et cum\nreprehenderit molestiae ut ut quas totam\nnostrum rerum est autem sunt rem eveniet architecto"
                  }
                }
                """#))
            }
        }
    }

    /// "Mapping example": `email` shown as `personal_email`.
    @Test func manualMappingExample() async throws {
        try await withBackend { api in
            api.serve("/users/1", json: Manual.user1)
            let endpoint = """
            {
              "endpoint": "/users/{user}",
              "method": "GET",
              "backend": [
                {
                  "url_pattern": "/users/{user}",
                  "host": ["\(api.url)"],
                  "mapping": {
                    "email": "personal_email"
                  }
                }
              ]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/users/1")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                  "id": 1,
                  "name": "Leanne Graham",
                  "username": "Bret",
                  "personal_email": "Sincere@april.biz",
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
                  }
                }
                """))
            }
        }
    }

    /// "Capturing a target example": only what is inside `data`.
    @Test func manualTargetExample() async throws {
        try await withBackend { api in
            api.serve("/bar", json: """
            {
              "apiVersion":"2.0",
              "data": {
                "updated":"2010-01-07T19:58:42.949Z",
                "totalItems":800,
                "startIndex":1,
                "itemsPerPage":1,
                "items":[]
              }
            }
            """)
            let endpoint = """
            {
                "endpoint": "/foo",
                "method": "GET",
                "backend": [
                  {
                    "url_pattern": "/bar",
                    "target": "data"
                  }
                ]
              }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/foo")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                  "updated":"2010-01-07T19:58:42.949Z",
                  "totalItems":800,
                  "startIndex":1,
                  "itemsPerPage":1,
                  "items":[]
                }
                """))
            }
        }
    }

    /// "The capture takes place before other options like allow list or
    /// mapping": target, then allow, then mapping, then group.
    @Test func targetThenFilterThenMappingThenGroup() async throws {
        try await withBackend { api in
            api.serve("/wrapped", json: #"{"status": "ok", "data": {"user": {"id": 1, "secret": "x"}, "name": "a", "noise": 1}}"#)
            let endpoint = """
            {"endpoint": "/u", "backend": [{"url_pattern": "/wrapped", "target": "data",
              "allow": ["user.id", "name"], "mapping": {"name": "login"}, "group": "profile"}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/u")
                #expect(r.body == #"{"profile":{"login":"a","user":{"id":1}}}"#)
            }
        }
    }

    /// A `target` that is missing, or not an object, leaves an empty answer.
    @Test func missingTargetGivesAnEmptyObject() async throws {
        try await withBackend { api in
            api.serve("/t", json: #"{"data": [1, 2], "other": 1}"#)
            let endpoints = """
            {"endpoint": "/missing", "backend": [{"url_pattern": "/t", "target": "nope", "group": "g"}]},
            {"endpoint": "/array", "backend": [{"url_pattern": "/t", "target": "data", "group": "g"}]}
            """
            try await withGateway(Self.config(endpoints, host: api.url)) { gateway in
                try await Self.expectBody(gateway, "/missing", #"{"g":{}}"#)
                try await Self.expectBody(gateway, "/array", #"{"g":{}}"#)
            }
        }
    }

    // MARK: - Collections (manual)

    /// `[ {"a": true }, {"b": false} ]` with `is_collection` becomes `{"collection": [...]}`.
    @Test func manualCollectionIsWrapped() async throws {
        try await withBackend { api in
            api.serve("/list", json: #"[ {"a": true }, {"b": false} ]"#)
            let endpoints = """
            {"endpoint": "/collection", "backend": [{"url_pattern": "/list", "is_collection": true}]},
            {"endpoint": "/safejson", "backend": [{"url_pattern": "/list", "encoding": "safejson"}]}
            """
            try await withGateway(Self.config(endpoints, host: api.url)) { gateway in
                let expected = GoJSON.compact("""
                {
                  "collection": [
                    {"a": true },
                    {"b": false}
                  ]
                }
                """)
                try await Self.expectBody(gateway, "/collection", expected)
                // "The use of is_collection can be avoided when the backend uses safejson."
                try await Self.expectBody(gateway, "/safejson", expected)
            }
        }
    }

    /// The manual's `/posts` example: the collection renamed `myposts` with `mapping`.
    @Test func manualCollectionRenamedWithMapping() async throws {
        try await withBackend { api in
            api.serve("/posts", json: #"[ {  }, {  } ]"#)
            let endpoint = """
            {
              "endpoint": "/posts",
              "backend": [
                {
                  "url_pattern": "/posts",
                  "host": ["\(api.url)"],
                  "sd": "static",
                  "is_collection": true,
                  "mapping": {
                    "collection": "myposts"
                  }
                }
              ]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/posts")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                  "myposts": [
                    {  },
                    {  }
                  ]
                }
                """))
            }
        }
    }

    /// "You can also return directly the array to the end-user, without any
    /// wrapping, if the endpoint has "output_encoding": "json-collection"."
    @Test func jsonCollectionOutputReturnsTheArray() async throws {
        try await withBackend { api in
            api.serve("/posts", json: #"[ {"id": 1}, {"id": 2} ]"#)
            let endpoint = """
            {"endpoint": "/posts", "output_encoding": "json-collection",
             "backend": [{"url_pattern": "/posts", "is_collection": true}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/posts")
                #expect(r.status == 200)
                #expect(r.body == #"[{"id":1},{"id":2}]"#)
            }
        }
    }

    // MARK: - Array manipulation (manual)

    /// "Example: Extract objects to another level" (on both manual pages).
    @Test func manualFlatmapExtractExample() async throws {
        try await withBackend { api in
            api.serve("/shipping", json: """
            {
                "shipping_id": "f15f8c62-8c63-46de-a7f6-a08f131848c5",
                "zone": {
                    "state": "NY",
                    "zip": "10001"
                }
            }
            """)
            let endpoint = """
            {
              "endpoint": "/shipping",
              "backend": [{
                  "url_pattern": "/shipping",
                  "extra_config": {
                      "proxy": {
                          "flatmap_filter": [
                              { "type": "move", "args": ["zone.state","shipping_state"] },
                              { "type": "move", "args": ["zone.zip","shipping_zip"] },
                              { "type": "del","args": ["zone"] }
                          ]
                      }
                  }
              }]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/shipping")
                #expect(r.status == 200)
                #expect(r.body == GoJSON.compact("""
                {
                    "shipping_id": "f15f8c62-8c63-46de-a7f6-a08f131848c5",
                    "shipping_state": "NY",
                    "shipping_zip": "10001"
                }
                """))
            }
        }
    }

    /// "Delete zone as it became a null object after emptying it": without
    /// the `del`, the emptied `zone` is `null`.
    @Test func flatmapEmptiedObjectBecomesNull() async throws {
        try await withBackend { api in
            api.serve("/shipping", json: #"{"shipping_id": "x", "zone": {"state": "NY", "zip": "10001"}}"#)
            let endpoint = """
            {"endpoint": "/shipping", "backend": [{"url_pattern": "/shipping", "extra_config": {"proxy": {"flatmap_filter": [
              {"type": "move", "args": ["zone.state", "shipping_state"]},
              {"type": "move", "args": ["zone.zip", "shipping_zip"]}
            ]}}}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/shipping")
                #expect(r.body == #"{"shipping_id":"x","shipping_state":"NY","shipping_zip":"10001","zone":null}"#)
            }
        }
    }

    /// "Example: Moving around data in arrays". The manual prints the
    /// kindergartens first, but KrakenD's `append` (flatmap's `Tree.Append`:
    /// `append(elements2, elements1...)`) puts the appended items after the
    /// destination's own, so the schools come first. Compared with KrakenD's
    /// order; the manual's is checked to be the same items.
    @Test func manualFlatmapArraysExample() async throws {
        try await withBackend { api in
            api.serve("/education", json: """
            {
                "kindergarten": [
                    { "name": "TEST Kinder" },
                    { "name": "Lil' Elephants" },
                    { "name": "Bright Rainbows" }
                ],
                "schools": [
                    { "title": "Brookside Elementary" },
                    { "title": "Oak Tree School" }
                ]
            }
            """)
            let endpoint = """
            {
                "endpoint": "/education-clean",
                "backend": [{
                    "url_pattern": "/education",
                    "extra_config": {
                        "proxy": {
                            "flatmap_filter": [
                                {
                                    "type": "del",
                                    "args": ["kindergarten.0"]
                                },
                                {
                                    "type": "move",
                                    "args": ["schools.*.title", "schools.*.name"]
                                },
                                {
                                    "type": "append",
                                    "args": ["kindergarten", "schools"]
                                }
                            ]
                        }
                    }
                }]
            }
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/education-clean")
                #expect(r.status == 200)
                #expect(r.body == #"{"schools":[{"name":"Brookside Elementary"},{"name":"Oak Tree School"},{"name":"Lil' Elephants"},{"name":"Bright Rainbows"}]}"#)
                let manual = try Value(json: """
                {
                    "schools":[
                        {"name":"Lil' Elephants"},
                        {"name":"Bright Rainbows"},
                        {"name":"Brookside Elementary"},
                        {"name":"Oak Tree School"}
                    ]
                }
                """)
                let items = { (v: Value?) in Set((v?["schools"]?.arrayValue ?? []).map(\.jsonString)) }
                #expect(items(r.json) == items(manual))
            }
        }
    }

    /// The rows of the manual's "Practical examples" table marked correct, on
    /// its example structure.
    @Test(arguments: [
        // Rename `c` to `d` ... here to `e`, a free name (a taken one is a random pick in Go).
        (#"["a.*.b1.*.c", "a.*.b1.*.e"]"#,
         #"{"a":[{"b1":[{"d":"foo","e":1},{"d":"bar","e":2}],"b2":true},{"b1":[{"d":"vaz","e":3}]}]}"#),
        // Extract only `c` from the first and first items.
        (#"["a.0.b1.0.c", "c"]"#,
         #"{"a":[{"b1":[{"d":"foo"},{"c":2,"d":"bar"}],"b2":true},{"b1":[{"c":3,"d":"vaz"}]}],"c":1}"#),
        // Add additional levels.
        (#"["a.*.b1.*.c", "a.*.b1.*.c.d.e.f.g"]"#,
         #"{"a":[{"b1":[{"c":{"d":{"e":{"f":{"g":1}}}},"d":"foo"},{"c":{"d":{"e":{"f":{"g":2}}}},"d":"bar"}],"b2":true},{"b1":[{"c":{"d":{"e":{"f":{"g":3}}}},"d":"vaz"}]}]}"#),
    ])
    func manualNotationTableMoves(_ args: String, _ expected: String) async throws {
        try await withBackend { api in
            api.serve("/a", json: """
            {
                "a": [
                    {
                        "b1": [
                            { "c": 1, "d": "foo" },
                            { "c": 2, "d": "bar" }
                        ],
                        "b2": true
                    },
                    {
                        "b1": [
                            { "c": 3, "d": "vaz" }
                        ]
                    }
                ]
            }
            """)
            let endpoint = """
            {"endpoint": "/a", "backend": [{"url_pattern": "/a", "extra_config": {"proxy": {"flatmap_filter": [
              {"type": "move", "args": \(args)}
            ]}}}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/a")
                #expect(r.status == 200)
                #expect(r.body == expected)
            }
        }
    }

    /// `del` with several arguments and wildcards: "all matching items".
    @Test func flatmapDeleteEveryMatch() async throws {
        try await withBackend { api in
            api.serve("/a", json: #"{"a": [{"b1": [{"c": 1, "d": "foo"}, {"c": 2, "d": "bar"}], "b2": true}, {"b1": [{"c": 3, "d": "vaz"}]}], "z": 0}"#)
            let endpoint = """
            {"endpoint": "/a", "backend": [{"url_pattern": "/a", "extra_config": {"proxy": {"flatmap_filter": [
              {"type": "del", "args": ["a.*.b1.*.d", "a.0.b2", "z"]}
            ]}}}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/a")
                #expect(r.body == #"{"a":[{"b1":[{"c":1},{"c":2}]},{"b1":[{"c":3}]}]}"#)
            }
        }
    }

    /// "When the flatmap filter is enabled, the operations group and target
    /// keep their functionality, but allow, deny, and mapping are ignored."
    @Test func flatmapKeepsTargetAndGroupButIgnoresAllowDenyMapping() async throws {
        try await withBackend { api in
            api.serve("/wrapped", json: #"{"meta": 1, "data": {"items": [{"id": 1, "x": "a"}, {"id": 2, "x": "b"}], "keep": true}}"#)
            let endpoint = """
            {"endpoint": "/mixed", "backend": [{"url_pattern": "/wrapped", "target": "data", "group": "out",
              "allow": ["nothing"], "deny": ["keep"], "mapping": {"keep": "renamed"},
              "extra_config": {"proxy": {"flatmap_filter": [{"type": "del", "args": ["items.*.x"]}]}}}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/mixed")
                #expect(r.body == #"{"out":{"items":[{"id":1},{"id":2}],"keep":true}}"#)
            }
        }
    }

    /// An empty `flatmap_filter` is no flatmap: allow, deny and mapping apply.
    @Test func emptyFlatmapListKeepsBasicManipulation() async throws {
        try await withBackend { api in
            api.serve("/p", json: #"{"a": 1, "b": 2}"#)
            let endpoint = """
            {"endpoint": "/p", "backend": [{"url_pattern": "/p", "deny": ["b"], "mapping": {"a": "A"},
              "extra_config": {"proxy": {"flatmap_filter": []}}}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                try await Self.expectBody(gateway, "/p", #"{"A":1}"#)
            }
        }
    }

    /// The endpoint-level flatmap runs on the merged data, and only when the
    /// endpoint has more than one backend.
    @Test func endpointFlatmapRunsAfterTheMergeWithSeveralBackends() async throws {
        try await withBackend { api in
            api.serve("/kids", json: #"{"kindergarten": [{"name": "K1"}]}"#)
            api.serve("/schools", json: #"{"schools": [{"name": "S1"}]}"#)
            let flatmap = #""extra_config": {"proxy": {"flatmap_filter": [{"type": "append", "args": ["kindergarten", "schools"]}]}}"#
            let endpoints = """
            {"endpoint": "/merged", \(flatmap), "backend": [{"url_pattern": "/kids"}, {"url_pattern": "/schools"}]},
            {"endpoint": "/single", \(flatmap), "backend": [{"url_pattern": "/kids"}]}
            """
            try await withGateway(Self.config(endpoints, host: api.url)) { gateway in
                let merged = try await TestHTTP.request(gateway.url + "/merged")
                #expect(merged.body == #"{"schools":[{"name":"S1"},{"name":"K1"}]}"#)
                #expect(merged.completed == "true")
                // "If you have a single backend then move the flatmap operation to the backend level."
                let single = try await TestHTTP.request(gateway.url + "/single")
                #expect(single.body == #"{"kindergarten":[{"name":"K1"}]}"#)
            }
        }
    }

    /// Backend and endpoint flatmaps combined: each backend first, the
    /// endpoint's after the merge.
    @Test func backendThenEndpointFlatmap() async throws {
        try await withBackend { api in
            api.serve("/one", json: #"{"list": [{"v": 1, "drop": true}]}"#)
            api.serve("/two", json: #"{"more": [{"v": 2}]}"#)
            let endpoint = """
            {"endpoint": "/both",
             "extra_config": {"proxy": {"flatmap_filter": [{"type": "append", "args": ["more", "list"]}]}},
             "backend": [
               {"url_pattern": "/one", "extra_config": {"proxy": {"flatmap_filter": [{"type": "del", "args": ["list.*.drop"]}]}}},
               {"url_pattern": "/two"}
             ]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/both")
                #expect(r.body == #"{"list":[{"v":1},{"v":2}]}"#)
            }
        }
    }

    /// Lura applies the endpoint's flatmap only when the merge had no error
    /// (`NewFlatmapMiddleware`: `if err != nil { return resp, err }`): a
    /// partial answer is returned as merged.
    @Test func endpointFlatmapIsSkippedOnPartialResponses() async throws {
        try await withBackend { api in
            api.serve("/kids", json: #"{"kindergarten": [{"name": "K1"}], "schools": []}"#)
            let endpoint = """
            {"endpoint": "/partial",
             "extra_config": {"proxy": {"flatmap_filter": [{"type": "append", "args": ["kindergarten", "schools"]}]}},
             "backend": [{"url_pattern": "/kids"}, {"url_pattern": "/status/500"}]}
            """
            try await withGateway(Self.config(endpoint, host: api.url)) { gateway in
                let r = try await TestHTTP.request(gateway.url + "/partial")
                #expect(r.status == 200)
                #expect(r.completed == "false")
                #expect(r.body == #"{"kindergarten":[{"name":"K1"}],"schools":[]}"#)
            }
        }
    }

    /// A flatmap configuration KrakenD would crash on is refused at start-up.
    @Test func invalidFlatmapIsAConfigError() async throws {
        let config = """
        {"version": 3, "host": ["http://127.0.0.1:1"], "endpoints": [{"endpoint": "/x", "backend": [
          {"url_pattern": "/x", "extra_config": {"proxy": {"flatmap_filter": [{"type": "move", "args": ["only-one"]}]}}}
        ]}]}
        """
        await #expect(throws: (any Error).self) {
            try await withGateway(config) { _ in }
        }
    }
}

import Testing
@testable import GatewayCore

// The manual's "Data Manipulation" page (backends/data-manipulation), example by
// example, then Lura's edge cases and KrakenD CE's collection.json spec.

/// A JSON object, or an empty one (with a recorded issue) if `text` is not one.
private func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Value] {
    do {
        if case .object(let members) = try Value(json: text) { return members }
        Issue.record("not a JSON object: \(text)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected parse error: \(error)", sourceLocation: sourceLocation)
    }
    return [:]
}

private func array(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Value] {
    do {
        if case .array(let items) = try Value(json: text) { return items }
        Issue.record("not a JSON array: \(text)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected parse error: \(error)", sourceLocation: sourceLocation)
    }
    return []
}

private func manipulate(
    _ input: String, target: String? = nil, allow: [String] = [], deny: [String] = [], mapping: [String: String] = [:]
) -> [String: Value] {
    ResponseManipulation(target: target, allow: allow, deny: deny, mapping: mapping).apply(object(input))
}

/// jsonplaceholder.typicode.com/posts/1, the backend of the manual's examples.
private let post1 = #"""
{
  "userId": 1,
  "id": 1,
  "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit",
  "body": "quia et suscipit\nsuscipit recusandae consequuntur expedita et cum\nreprehenderit molestiae ut ut quas totam\nnostrum rerum est autem sunt rem eveniet architecto"
}
"""#

/// jsonplaceholder.typicode.com/users/1, as the manual shows it.
private let user1 = #"""
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
  }
}
"""#

@Suite struct DataManipulationManualTests {
    @Test func denyListExample() {
        #expect(manipulate(post1, deny: ["body", "userId"]) == object("""
            {
              "id": 1,
              "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit"
            }
            """))
    }

    @Test func allowListExample() {
        #expect(manipulate(post1, allow: ["id", "title"]) == object("""
            {
              "id": 1,
              "title": "sunt aut facere repellat provident occaecati excepturi optio reprehenderit"
            }
            """))
    }

    @Test func nestedDenyWorksOnObjectsOnly() {
        // `{ "a": { "a1": 1 } }` works as `a.a1`; `{ "a": [ { "a1": 1 } ] }` does not.
        #expect(manipulate(#"{ "a": { "a1": 1 } }"#, deny: ["a.a1"]) == object(#"{ "a": {} }"#))
        #expect(manipulate(#"{ "a": [ { "a1": 1 } ] }"#, deny: ["a.a1"]) == object(#"{ "a": [ { "a1": 1 } ] }"#))
    }

    @Test func nestedAllowExample() {
        // The schema: "`a.b` returns {"a":{"b": true}}".
        #expect(manipulate(#"{"a": {"b": true, "c": 1}, "d": 2}"#, allow: ["a.b"]) == object(#"{"a":{"b": true}}"#))
        #expect(manipulate(#"{ "a": { "a1": 1, "a2": 2 } }"#, allow: ["a.a1"]) == object(#"{ "a": { "a1": 1 } }"#))
    }

    @Test func groupingExample() {
        // Two backends, the second with "group": "last_post"; the caller groups and merges.
        let users = ResponseManipulation(target: nil, allow: [], deny: [], mapping: [:]).apply(object(user1))
        let posts = ResponseManipulation.group(
            ResponseManipulation(target: nil, allow: [], deny: [], mapping: [:]).apply(object(post1)), as: "last_post")
        let merged = users.merging(posts) { _, new in new }
        #expect(merged == object(#"""
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

    @Test func mappingExample() {
        #expect(manipulate(user1, mapping: ["email": "personal_email"]) == object("""
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

    @Test func targetExample() {
        let input = """
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
            """
        #expect(manipulate(input, target: "data") == object("""
            {
              "updated":"2010-01-07T19:58:42.949Z",
              "totalItems":800,
              "startIndex":1,
              "itemsPerPage":1,
              "items":[]
            }
            """))
    }

    @Test func collectionGetsTheDefaultKey() {
        // `[ {"a": true }, {"b": false} ]` with "is_collection": true.
        let wrapped = ResponseManipulation.wrapCollection(array(#"[ {"a": true }, {"b": false} ]"#))
        #expect(wrapped == object("""
            {
              "collection": [
                {"a": true },
                {"b": false}
              ]
            }
            """))
        #expect(ResponseManipulation(target: nil, allow: [], deny: [], mapping: [:]).apply(wrapped) == wrapped)
    }

    @Test func collectionRenamedWithMapping() {
        // "is_collection": true, "mapping": {"collection": "myposts"}.
        let manipulation = ResponseManipulation(target: nil, allow: [], deny: [], mapping: ["collection": "myposts"])
        #expect(manipulation.apply(ResponseManipulation.wrapCollection(array("[{}, {}]"))) == object("""
            {
              "myposts": [
                {  },
                {  }
              ]
            }
            """))
        let posts = array("[\(post1), \(post1)]")
        #expect(manipulation.apply(ResponseManipulation.wrapCollection(posts)) == ["myposts": .array(posts)])
    }
}

@Suite struct FieldFilterEdgeTests {
    @Test func allowDropsBranchesThatAreNotObjects() {
        // Lura's AllowlistPrune keeps a deeper path only through objects: an
        // array (or a scalar) under `a.b` loses the whole `a`.
        #expect(manipulate(#"{"a": [{"b": 1}], "c": 1}"#, allow: ["a.b", "c"]) == object(#"{"c": 1}"#))
        #expect(manipulate(#"{"a": 5, "c": 1}"#, allow: ["a.b"]) == [:])
        // Allowing the array itself keeps it whole.
        #expect(manipulate(#"{"a": [{"b": 1, "x": 2}], "c": 1}"#, allow: ["a"]) == object(#"{"a": [{"b": 1, "x": 2}]}"#))
    }

    @Test func allowLeavesNoEmptyObjects() {
        #expect(manipulate(#"{"a": {"x": 1}, "b": 2}"#, allow: ["a.y", "b"]) == object(#"{"b": 2}"#))
        #expect(manipulate(#"{"a": {}, "b": 2}"#, allow: ["a.y"]) == [:])
        #expect(manipulate(#"{"a": 1}"#, allow: ["missing"]) == [:])
        // A leaf keeps whatever it holds, null and empty objects included.
        #expect(manipulate(#"{"a": null, "b": {}}"#, allow: ["a", "b"]) == object(#"{"a": null, "b": {}}"#))
    }

    @Test func allowDeepPathsShareBranches() {
        let input = #"{"a": {"b": {"c": 1, "d": 2, "e": 3}, "f": 4}, "g": 5}"#
        #expect(manipulate(input, allow: ["a.b.c", "a.b.e", "g"]) == object(#"{"a": {"b": {"c": 1, "e": 3}}, "g": 5}"#))
    }

    @Test func allowLastPathWinsOnOverlap() {
        // Lura's buildDictPath replaces a leaf met on the way, and the last
        // segment replaces a branch: the later entry of the list decides.
        let input = #"{"a": {"b": 1, "c": 2}}"#
        #expect(manipulate(input, allow: ["a", "a.b"]) == object(#"{"a": {"b": 1}}"#))
        #expect(manipulate(input, allow: ["a.b", "a"]) == object(#"{"a": {"b": 1, "c": 2}}"#))
    }

    @Test func allowWinsOverDeny() {
        #expect(manipulate(#"{"a": 1, "b": 2}"#, allow: ["a"], deny: ["a"]) == object(#"{"a": 1}"#))
    }

    @Test func denyGoesAnyDepthAndKeepsEmptiedObjects() {
        let input = #"{"a": {"b": {"c": 1, "d": 2}, "e": 3}, "f": 4}"#
        #expect(manipulate(input, deny: ["a.b.c", "f"]) == object(#"{"a": {"b": {"d": 2}, "e": 3}}"#))
        #expect(manipulate(#"{"a": {"b": 1}}"#, deny: ["a.b"]) == object(#"{"a": {}}"#))
    }

    @Test func denyIgnoresMissingPathsAndNonObjects() {
        let input = #"{"a": 5, "b": [{"c": 1}], "d": null, "e": "x"}"#
        #expect(manipulate(input, deny: ["a.x", "b.c", "b.0.c", "d.x", "e.x", "missing", "missing.deep"]) == object(input))
    }

    @Test func denyWholeFieldAbsorbsDeeperPaths() {
        let input = #"{"a": {"b": 1, "c": 2}, "d": 3}"#
        #expect(manipulate(input, deny: ["a.b", "a"]) == object(#"{"d": 3}"#))
        #expect(manipulate(input, deny: ["a", "a.b"]) == object(#"{"d": 3}"#))
    }

    @Test func dotsSplitEvenEmptySegments() {
        #expect(manipulate(#"{"a": {"": 1, "b": 2}}"#, deny: ["a."]) == object(#"{"a": {"b": 2}}"#))
        // A key that contains a dot cannot be reached.
        #expect(manipulate(#"{"a.b": 1}"#, deny: ["a.b"]) == object(#"{"a.b": 1}"#))
    }
}

@Suite struct TargetAndMappingEdgeTests {
    @Test func targetFollowsDots() {
        #expect(manipulate(#"{"data": {"inner": {"x": 1}}, "y": 2}"#, target: "data.inner") == object(#"{"x": 1}"#))
    }

    @Test func missingOrNonObjectTargetEmptiesTheResponse() {
        #expect(manipulate(#"{"data": {"x": 1}}"#, target: "nope") == [:])
        #expect(manipulate(#"{"data": [1, 2]}"#, target: "data") == [:])
        #expect(manipulate(#"{"data": "text"}"#, target: "data") == [:])
        #expect(manipulate(#"{"data": {"x": 1}}"#, target: "data.x") == [:])
    }

    @Test func emptyTargetMeansNone() {
        #expect(manipulate(#"{"a": 1}"#, target: "") == object(#"{"a": 1}"#))
    }

    @Test func targetThenFilterThenMapping() {
        // allow and mapping see the target's members; mapping sees allow's result.
        let input = #"{"data": {"id": 1, "email": "e", "secret": "s"}, "meta": 1}"#
        #expect(manipulate(input, target: "data", allow: ["id", "email"], mapping: ["email": "mail"])
            == object(#"{"id": 1, "mail": "e"}"#))
        // A renamed field is not allowed under its new name: allow runs first.
        #expect(manipulate(input, target: "data", allow: ["mail"], mapping: ["email": "mail"]) == [:])
    }

    @Test func mappingIsTopLevelOnly() {
        // Lura keeps the new name up to its first dot and takes the old name literally.
        #expect(manipulate(#"{"a": 1}"#, mapping: ["a": "b.c"]) == object(#"{"b": 1}"#))
        #expect(manipulate(#"{"a": {"b": 1}}"#, mapping: ["a.b": "c"]) == object(#"{"a": {"b": 1}}"#))
        #expect(manipulate(#"{"a.b": 1}"#, mapping: ["a.b": "c"]) == object(#"{"c": 1}"#))
    }

    @Test func mappingOverwritesAndIgnoresMissingKeys() {
        #expect(manipulate(#"{"a": 1, "b": 2}"#, mapping: ["a": "b", "x": "y"]) == object(#"{"b": 1}"#))
    }

    @Test func mappingAKeyToItselfRemovesIt() {
        // Lura sets the new key, then deletes the old one.
        #expect(manipulate(#"{"a": 1, "b": 2}"#, mapping: ["a": "a"]) == object(#"{"b": 2}"#))
        #expect(manipulate(#"{"a": 1, "b": 2}"#, mapping: ["a": "a.x"]) == object(#"{"b": 2}"#))
    }

    @Test func chainedRenamesRunInKeyOrder() {
        // Go's random map order makes these random in KrakenD; ours is sorted
        // by old name, one of KrakenD's outcomes.
        #expect(manipulate(#"{"a": 1, "b": 2}"#, mapping: ["a": "b", "b": "c"]) == object(#"{"c": 1}"#))
        #expect(manipulate(#"{"a": 1, "b": 2}"#, mapping: ["b": "a", "a": "b"]) == object(#"{"a": 1}"#))
    }

    @Test func groupWrapsEvenEmptyData() {
        #expect(ResponseManipulation.group([:], as: "g") == ["g": .object([:])])
        #expect(ResponseManipulation.group(manipulate(#"{"a": 1}"#, target: "x"), as: "g") == ["g": .object([:])])
    }

    @Test func identity() {
        #expect(ResponseManipulation(target: nil, allow: [], deny: [], mapping: [:]).isIdentity)
        #expect(ResponseManipulation(target: "", allow: [], deny: [], mapping: [:]).isIdentity)
        #expect(!ResponseManipulation(target: "d", allow: [], deny: [], mapping: [:]).isIdentity)
        #expect(!ResponseManipulation(target: nil, allow: [], deny: ["x"], mapping: [:]).isIdentity)
        #expect(!ResponseManipulation(target: nil, allow: [], deny: [], mapping: ["a": "b"]).isIdentity)
    }

    @Test func numbersKeepTheirText() {
        #expect(Value.object(manipulate(#"{"d": {"price": 1.50, "n": 1e3}}"#, target: "d")).jsonString
            == #"{"n":1e3,"price":1.50}"#)
    }
}

/// The raw answers of KrakenD CE's mock backend (conformance/krakend-ce/backend.py).
enum MockBackend {
    /// `GET /collection/{id}`: ten items.
    static func collection(_ path: String) -> String {
        "[" + (0..<10).map { #"{"i":\#($0),"path":"\#(path)"}"# }.joined(separator: ",") + "]"
    }

    /// `GET /param_forwarding/{id}` as curl sees it.
    static func echo(_ path: String) -> String {
        #"{"foo":42,"headers":{"Accept":["*/*"],"User-Agent":["curl/7.88.1"]},"path":"\#(path)","query":{}}"#
    }
}

@Suite struct CollectionConformanceTests {
    /// krakend-ce tests/fixtures/specs/collection.json: `/combination/{id}`, a
    /// collection renamed to `posts` merged with an allow-listed echo.
    @Test func combination() {
        let first = ResponseManipulation(target: nil, allow: [], deny: [], mapping: ["collection": "posts"])
            .apply(ResponseManipulation.wrapCollection(array(MockBackend.collection("/collection/2"))))
        let second = ResponseManipulation(target: nil, allow: ["foo"], deny: [], mapping: [:])
            .apply(object(MockBackend.echo("/param_forwarding/2")))
        let merged = first.merging(second) { _, new in new }
        #expect(Value.object(merged).jsonString == #"{"foo":42,"posts":[{"i":0,"path":"/collection/2"},{"i":1,"path":"/collection/2"},{"i":2,"path":"/collection/2"},{"i":3,"path":"/collection/2"},{"i":4,"path":"/collection/2"},{"i":5,"path":"/collection/2"},{"i":6,"path":"/collection/2"},{"i":7,"path":"/collection/2"},{"i":8,"path":"/collection/2"},{"i":9,"path":"/collection/2"}]}"#)
    }
}

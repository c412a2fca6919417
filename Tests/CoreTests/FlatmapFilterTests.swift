import Testing
@testable import GatewayCore

// The manual's "Array manipulation" page (backends/flatmap) example by example,
// github.com/krakend/flatmap's behaviour where the page is silent, and KrakenD
// CE's flatmap_1.json spec.

private func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> Value {
    do {
        return try Value(json: text)
    } catch {
        Issue.record("unexpected parse error: \(error)", sourceLocation: sourceLocation)
        return .null
    }
}

private func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: Value] {
    if case .object(let members) = parse(text, sourceLocation: sourceLocation) { return members }
    Issue.record("not a JSON object: \(text)", sourceLocation: sourceLocation)
    return [:]
}

/// A filter from the JSON text of a `flatmap_filter` list.
private func filter(_ config: String, sourceLocation: SourceLocation = #_sourceLocation) -> FlatmapFilter {
    do {
        return try FlatmapFilter(parse(config, sourceLocation: sourceLocation))
    } catch {
        Issue.record("unexpected config error: \(error)", sourceLocation: sourceLocation)
        return try! FlatmapFilter(.array([]))
    }
}

private func move(_ from: String, _ to: String) -> String { #"[{"type": "move", "args": ["\#(from)", "\#(to)"]}]"# }

/// The problems reported for `config`, or none (with a recorded issue).
private func problems(_ config: String, sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigProblem] {
    do {
        _ = try FlatmapFilter(parse(config, sourceLocation: sourceLocation), path: "f")
        Issue.record("expected a config error", sourceLocation: sourceLocation)
        return []
    } catch {
        return error.problems
    }
}

/// The manual's notation example.
private let notation = """
    {
        "a": [
            {
                "b1": [
                    {
                        "c": 1,
                        "d": "foo"
                    },
                    {
                        "c": 2,
                        "d": "bar"
                    }
                ],
                "b2": true
            },
            {
                "b1": [
                    {
                        "c": 3,
                        "d": "vaz"
                    }
                ]
            }
        ]
    }
    """

@Suite struct FlatmapManualTests {
    @Test func extractObjectsToAnotherLevel() {
        // Also the example of the "Data Manipulation" page.
        let input = object("""
            {
                "shipping_id": "f15f8c62-8c63-46de-a7f6-a08f131848c5",
                "zone": {
                    "state": "NY",
                    "zip": "10001"
                }
            }
            """)
        let ops = filter("""
            [
                { "type": "move", "args": ["zone.state","shipping_state"] },
                { "type": "move", "args": ["zone.zip","shipping_zip"] },
                { "type": "del","args": ["zone"] }
            ]
            """)
        #expect(ops.apply(input) == object("""
            {
                "shipping_id": "f15f8c62-8c63-46de-a7f6-a08f131848c5",
                "shipping_state": "NY",
                "shipping_zip": "10001"
            }
            """))
        // Without the del, `zone` "became a null object after emptying it".
        let twoMoves = filter("""
            [
                { "type": "move", "args": ["zone.state","shipping_state"] },
                { "type": "move", "args": ["zone.zip","shipping_zip"] }
            ]
            """)
        #expect(twoMoves.apply(input)["zone"] == .null)
    }

    @Test func movingAroundDataInArrays() {
        let input = object("""
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
        let ops = filter("""
            [
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
            """)
        let output = ops.apply(input)
        // The manual prints the kindergartens first. KrakenD's flatmap puts the
        // appended items after the destination's own (tree.Append builds
        // `append(dst, src...)`; its TestTree_Append expects [1, 42] from
        // a=[42], b=[1]; krakend-documentation#77: collection [1,2,3] +
        // collection2 [10,20,30] → [1,2,3,10,20,30]). We follow KrakenD.
        #expect(output == object("""
            {
                "schools":[
                    {"name":"Brookside Elementary"},
                    {"name":"Oak Tree School"},
                    {"name":"Lil' Elephants"},
                    {"name":"Bright Rainbows"}
                ]
            }
            """))
        // The same items as the manual's output.
        let manual = object("""
            {
                "schools":[
                    {"name":"Lil' Elephants"},
                    {"name":"Bright Rainbows"},
                    {"name":"Brookside Elementary"},
                    {"name":"Oak Tree School"}
                ]
            }
            """)
        #expect(Set(output["schools"]?.arrayValue ?? []) == Set(manual["schools"]?.arrayValue ?? []))
        #expect(Set(output.keys) == Set(manual.keys))
    }

    @Test func appendFromTheAnnouncement() {
        // krakend-documentation#77, by KrakenD's maintainer.
        let ops = filter(#"[{"type": "append", "args": ["collection2", "collection"]}]"#)
        #expect(ops.apply(object(#"{"collection": [1,2,3], "collection2": [10,20,30]}"#))
            == object(#"{"collection": [1,2,3,10,20,30]}"#))
    }

    @Test func threeOperationsStructure() {
        // The page's component structure, on data that has the named fields.
        let ops = filter("""
            [
                { "type": "move", "args": ["target_in_collection", "destination_in_collection"] },
                { "type": "del", "args": ["target_in_collection"] },
                { "type": "append", "args": ["collection_to_append", "returned_collection"] }
            ]
            """)
        #expect(ops.apply(object(#"{"target_in_collection": [1], "collection_to_append": [2], "returned_collection": [3]}"#))
            == object(#"{"destination_in_collection": [1], "returned_collection": [3, 2]}"#))
    }

    @Test func notationByExample() {
        let tree = FlatmapTree(object(notation))
        #expect(tree.get(["a"]) == parse(#"[{"b1": [{"c": 1,"d": "foo"},{"c": 2,"d": "bar"}],"b2": true}, {"b1": [{"c": 3,"d": "vaz"}]}]"#))
        #expect(tree.get(["a", "1"]) == parse(#"{"b1": [ { "c": 3, "d": "vaz" } ]}"#))
        #expect(tree.get(["a", "0", "b1", "0", "d"]) == .string("foo"))
        #expect(tree.get(["a", "1", "b1", "0", "d"]) == .string("vaz"))
        // "3 matches of d": a wildcard gathers one array per level.
        #expect(tree.get(["a", "*", "b1", "*", "d"]) == parse(#"[["foo", "bar"], ["vaz"]]"#))
        #expect(strings(in: tree.get(["a", "*", "*", "*", "d"])) == ["foo", "bar", "vaz"])
        // Reading does not change anything.
        #expect(tree.result == object(notation))
    }

    private func strings(in value: Value) -> [String] {
        switch value {
        case .string(let s): return [s]
        case .array(let items): return items.flatMap(strings(in:))
        default: return []
        }
    }

    /// The table of practical examples: what KrakenD does with each, the
    /// "correct" ones and the others.
    @Test(arguments: [
        // Rename `c` to `d`: the items already have a `d`, so the two collide
        // and KrakenD keeps one at random; here checked by keys only (below).
        ("a.*.b1.*.c", "a.*.b1.*.d", ""),
        // Missing level: promoted into each `a` item, the last `c` winning.
        ("a.*.b1.*.c", "a.*.c",
         #"{"a":[{"b1":[{"d":"foo"},{"d":"bar"}],"b2":true,"c":2},{"b1":[{"d":"vaz"}],"c":3}]}"#),
        // Missing array after `a`: nothing matches, nothing changes.
        ("a.b1.c", "c", notation),
        // Extract only `c` from the first and first items.
        ("a.0.b1.0.c", "c",
         #"{"a":[{"b1":[{"d":"foo"},{"c":2,"d":"bar"}],"b2":true},{"b1":[{"c":3,"d":"vaz"}]}],"c":1}"#),
        // Incorrect targets: `b1` has an array around `c`; nothing changes.
        ("a.*.b1.c", "c", notation),
        ("a.*.b1.c", "a.*.b1.*.d.*.e", notation),
        // Add additional levels.
        ("a.*.b1.*.c", "a.*.b1.*.c.d.e.f.g",
         #"{"a":[{"b1":[{"c":{"d":{"e":{"f":{"g":1}}}},"d":"foo"},{"c":{"d":{"e":{"f":{"g":2}}}},"d":"bar"}],"b2":true},{"b1":[{"c":{"d":{"e":{"f":{"g":3}}}},"d":"vaz"}]}]}"#),
        // Renaming `x`, not in the last position: a same-length move only
        // relabels the last segment, so `c` stays `c`.
        ("a.*.b1.*.c", "a.*.x.*.c", notation),
        // ... and a longer destination is built under the source's parent: `x` is ignored.
        ("a.*.b1.*.c", "a.*.x.*.c.d.e.f.g",
         #"{"a":[{"b1":[{"c":{"d":{"e":{"f":{"g":1}}}},"d":"foo"},{"c":{"d":{"e":{"f":{"g":2}}}},"d":"bar"}],"b2":true},{"b1":[{"c":{"d":{"e":{"f":{"g":3}}}},"d":"vaz"}]}]}"#),
        // More wildcards in the destination: the extra `*` is a literal key.
        ("a.*.b1.*.c", "a.*.b1.*.d.*.e",
         #"{"a":[{"b1":[{"d":{"*":{"e":1}}},{"d":{"*":{"e":2}}}],"b2":true},{"b1":[{"d":{"*":{"e":3}}}]}]}"#),
    ])
    func practicalExamples(from: String, to: String, expected: String) {
        let output = filter(move(from, to)).apply(object(notation))
        if expected.isEmpty {
            let items = (output["a"]?.arrayValue ?? []).flatMap { $0["b1"]?.arrayValue ?? [] }
            #expect(items.count == 3)
            for item in items { #expect(item.objectValue.map { Set($0.keys) } == ["d"]) }
        } else {
            #expect(output == object(expected))
        }
    }

    @Test func renameWithoutCollision() {
        // The schema's example, on items that have no `d` yet.
        let ops = filter(#"[{"type": "move", "args": [ "a.*.b1.*.c", "a.*.b1.*.d" ]}]"#)
        #expect(ops.apply(object(#"{"a": [{"b1": [{"c": 1}, {"c": 2}]}, {"b1": [{"c": 3, "x": 0}]}]}"#))
            == object(#"{"a": [{"b1": [{"d": 1}, {"d": 2}]}, {"b1": [{"d": 3, "x": 0}]}]}"#))
    }

    @Test func deleteAppliesToTheLastItem() {
        // "the deletion of a.b.c deletes c but leaves a.b in the response".
        let ops = filter(#"[{"type": "del", "args": ["a.b.c"]}]"#)
        #expect(ops.apply(object(#"{"a": {"b": {"c": 1, "d": 2}}}"#)) == object(#"{"a": {"b": {"d": 2}}}"#))
    }

    @Test func deleteSeveralPaths() {
        let ops = filter(#"[{"type": "del", "args": ["a.*.b1.*.c", "a.0.b2"]}]"#)
        #expect(ops.apply(object(notation))
            == object(#"{"a":[{"b1":[{"d":"foo"},{"d":"bar"}]},{"b1":[{"d":"vaz"}]}]}"#))
    }
}

@Suite struct FlatmapBehaviourTests {
    @Test func indexesAreLabelsThatDoNotShift() {
        // After `del a.0`, `a.0` names nothing and `a.1` is still the second item.
        let input = object(#"{"a": [{"n": 0}, {"n": 1}, {"n": 2}]}"#)
        #expect(filter(#"[{"type": "del", "args": ["a.0", "a.0"]}]"#).apply(input) == object(#"{"a": [{"n": 1}, {"n": 2}]}"#))
        #expect(filter(#"[{"type": "del", "args": ["a.0"]}, {"type": "move", "args": ["a.1.n", "first"]}]"#).apply(input)
            == object(#"{"a": [null, {"n": 2}], "first": 1}"#))
    }

    @Test func emptiedContainersBecomeNull() {
        #expect(filter(#"[{"type": "del", "args": ["a.*"]}]"#).apply(object(#"{"a": [1, 2], "b": 1}"#)) == object(#"{"a": null, "b": 1}"#))
        #expect(filter(#"[{"type": "del", "args": ["a.x"]}]"#).apply(object(#"{"a": {"x": 1}}"#)) == object(#"{"a": null}"#))
        // Containers that were empty to begin with stay as they are.
        #expect(filter(#"[{"type": "del", "args": ["a.*", "b.*.x"]}]"#).apply(object(#"{"a": [], "b": {}}"#)) == object(#"{"a": [], "b": {}}"#))
        // Deleting everything: Go renders null, we return an empty object.
        #expect(filter(#"[{"type": "del", "args": ["a", "b"]}]"#).apply(object(#"{"a": 1, "b": 2}"#)) == [:])
    }

    @Test func wildcardsMatchObjectMembersToo() {
        let ops = filter(#"[{"type": "del", "args": ["a.*.secret"]}]"#)
        #expect(ops.apply(object(#"{"a": {"x": {"secret": 1, "k": 1}, "y": {"secret": 2, "k": 2}, "z": 3}}"#))
            == object(#"{"a": {"x": {"k": 1}, "y": {"k": 2}, "z": 3}}"#))
    }

    @Test func missingPathsAndLeavesAreNoOps() {
        let input = object(#"{"a": 5, "b": [1, 2], "c": {"d": null}}"#)
        let ops = filter("""
            [
                {"type": "move", "args": ["x.y", "z"]},
                {"type": "move", "args": ["a.y", "z"]},
                {"type": "move", "args": ["b.5", "z"]},
                {"type": "move", "args": ["c.d.e", "z"]},
                {"type": "del", "args": ["x", "a.y", "b.7", "b.*.x", "c.d.e", "*.q"]},
                {"type": "append", "args": ["x", "b"]},
                {"type": "append", "args": ["b", "x"]},
                {"type": "append", "args": ["a", "b"]}
            ]
            """)
        #expect(ops.apply(input) == input)
    }

    @Test func moveOntoAnExistingKeyReplacesIt() {
        #expect(filter(move("a.b", "c")).apply(object(#"{"a": {"b": 1}, "c": 2}"#)) == object(#"{"a": null, "c": 1}"#))
    }

    @Test func promotionStopsAtTheDeepestExistingParent() {
        // `x` does not exist: the value lands on the root as `y`.
        #expect(filter(move("a.b.c", "x.y")).apply(object(#"{"a": {"b": {"c": 1}}}"#)) == object(#"{"a": {"b": null}, "y": 1}"#))
        #expect(filter(move("a.b.c", "a.y")).apply(object(#"{"a": {"b": {"c": 1}}}"#)) == object(#"{"a": {"b": null, "y": 1}}"#))
    }

    @Test func promotionWildcardsFollowTheSource() {
        let ops = filter(move("a.*.b.c", "a.*.c"))
        #expect(ops.apply(object(#"{"a": [{"b": {"c": 1}}, {"b": {"c": 2}}]}"#)) == object(#"{"a": [{"b": null, "c": 1}, {"b": null, "c": 2}]}"#))
    }

    @Test func embeddingCreatesLevels() {
        #expect(filter(move("a", "x.y.z")).apply(object(#"{"a": [1]}"#)) == object(#"{"x": {"y": {"z": [1]}}}"#))
        // Into an existing object, next to its members.
        #expect(filter(move("a", "o.a")).apply(object(#"{"a": 1, "o": {"k": 2}}"#)) == object(#"{"o": {"a": 1, "k": 2}}"#))
    }

    @Test func embeddingIntoNonObjects() {
        // A scalar is replaced by an object; an array just gets one more item.
        #expect(filter(move("x", "s.y")).apply(object(#"{"x": 1, "s": 5}"#)) == object(#"{"s": {"y": 1}}"#))
        #expect(filter(move("x", "arr.y")).apply(object(#"{"x": 9, "arr": [1, 2]}"#)) == object(#"{"arr": [1, 2, 9]}"#))
    }

    @Test func lastSourceSegmentIsLiteral() {
        // Only Del reads a final `*` as a wildcard.
        #expect(filter(move("a.*", "a.b")).apply(object(#"{"a": {"x": 1}}"#)) == object(#"{"a": {"x": 1}}"#))
        #expect(filter(move("a.*", "a.b")).apply(object(#"{"a": {"*": 1}}"#)) == object(#"{"a": {"b": 1}}"#))
    }

    @Test func appendNeedsTwoArraysAndDeletesTheSource() {
        #expect(filter(#"[{"type": "append", "args": ["a", "b"]}]"#).apply(object(#"{"a": [1], "b": {"k": 1}}"#))
            == object(#"{"a": [1], "b": {"k": 1}}"#))
        #expect(filter(#"[{"type": "append", "args": ["a", "b"]}]"#).apply(object(#"{"a": [], "b": [1]}"#))
            == object(#"{"b": [1]}"#))
        #expect(filter(#"[{"type": "append", "args": ["a", "b"]}]"#).apply(object(#"{"a": [1], "b": []}"#))
            == object(#"{"b": [1]}"#))
        #expect(filter(#"[{"type": "append", "args": ["x.a", "y.b"]}]"#).apply(object(#"{"x": {"a": [1], "k": 0}, "y": {"b": [2]}}"#))
            == object(#"{"x": {"k": 0}, "y": {"b": [2, 1]}}"#))
    }

    @Test func anEmptiedDestinationShowsItsFormerValue() {
        // Go's node keeps the value it had as a leaf (`[]`) under the items
        // appended to it; deleting them all brings it back, where an array that
        // had items from the start becomes null.
        let ops = filter(#"[{"type": "append", "args": ["s", "a"]}, {"type": "del", "args": ["a.*", "b.*"]}]"#)
        #expect(ops.apply(object(#"{"a": [], "b": [1], "s": [1]}"#)) == object(#"{"a": [], "b": null}"#))
    }

    @Test func appendWithAWildcardSource() {
        // The source's matches are gathered, appended, then deleted one by one.
        let ops = filter(#"[{"type": "append", "args": ["a.*.x", "b"]}]"#)
        #expect(ops.apply(object(#"{"a": [{"x": 1}, {"x": 2, "y": 0}], "b": [0]}"#)) == object(#"{"a": [null, {"y": 0}], "b": [0, 1, 2]}"#))
    }

    @Test func appendToATouchedDestination() {
        // The destination was changed before the append: its items are merged back by label.
        let ops = filter("""
            [
                {"type": "move", "args": ["b.*.t", "b.*.n"]},
                {"type": "append", "args": ["a", "b"]}
            ]
            """)
        #expect(ops.apply(object(#"{"a": [{"n": 3}], "b": [{"t": 1}, {"t": 2}]}"#)) == object(#"{"b": [{"n": 1}, {"n": 2}, {"n": 3}]}"#))
        // After a deletion the labels no longer start at 0: Go re-adds the
        // items by label on top of what is there, so "1" (second before) takes
        // the appended item and a new "0" comes last.
        let afterDel = filter("""
            [
                {"type": "del", "args": ["b.0"]},
                {"type": "append", "args": ["a", "b"]}
            ]
            """)
        #expect(afterDel.apply(object(#"{"a": [{"n": 3}], "b": [{"n": 1}, {"n": 2}]}"#)) == object(#"{"b": [{"n": 3}, {"n": 2}]}"#))
    }

    @Test func operationsRunInOrder() {
        let ops = filter("""
            [
                {"type": "move", "args": ["a", "b"]},
                {"type": "move", "args": ["b", "c"]},
                {"type": "del", "args": ["a"]}
            ]
            """)
        #expect(ops.apply(object(#"{"a": 1}"#)) == object(#"{"c": 1}"#))
    }

    @Test func untouchedValuesAreKeptExactly() {
        let input = object(#"{"keep": {"n": 1.50, "s": "<&>", "deep": [[{"x": 1e3}]]}, "a": {"b": 1}}"#)
        let output = filter(move("a.b", "b")).apply(input)
        #expect(output["keep"] == input["keep"])
        #expect(Value.object(output).jsonString == #"{"a":null,"b":1,"keep":{"deep":[[{"x":1e3}]],"n":1.50,"s":"\u003c\u0026\u003e"}}"#)
    }

    @Test func emptyFilterIsIdentity() {
        let ops = filter("[]")
        #expect(ops.isEmpty)
        #expect(ops.apply(object(notation)) == object(notation))
    }

    /// krakend-ce tests/fixtures/specs/flatmap_1.json: `/flatmap/{id}`, a
    /// collection backend renamed, trimmed and relabelled.
    @Test func flatmapConformance() {
        let ops = filter("""
            [
                {"type": "move", "args": ["collection", "paths"]},
                {"type": "del", "args": ["paths.*.i"]},
                {"type": "move", "args": ["paths.*.path", "paths.*.url"]}
            ]
            """)
        guard case .array(let items) = parse(MockBackend.collection("/collection/2")) else {
            Issue.record("the mock collection is not an array")
            return
        }
        let output = ops.apply(ResponseManipulation.wrapCollection(items))
        #expect(Value.object(output).jsonString == #"{"paths":[{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"},{"url":"/collection/2"}]}"#)
    }
}

@Suite struct FlatmapConfigTests {
    @Test func readsEveryOperation() throws {
        let ops = try FlatmapFilter(parse("""
            [
                {"type": "move", "args": ["a.*.b", "c"]},
                {"type": "del", "args": ["x", "y.0"], "@comment": "ignored"},
                {"type": "append", "args": ["p", "q.r"]}
            ]
            """))
        #expect(ops.operations == [
            .move(from: ["a", "*", "b"], to: ["c"]),
            .delete([["x"], ["y", "0"]]),
            .append(from: ["p"], to: ["q", "r"]),
        ])
    }

    @Test func reportsEveryProblemWithItsPath() {
        let found = problems("""
            [
                "move",
                {"args": ["a", "b"]},
                {"type": "rename", "args": ["a", "b"]},
                {"type": 1, "args": ["a", "b"]},
                {"type": "move"},
                {"type": "move", "args": "a"},
                {"type": "move", "args": ["a", 2]},
                {"type": "move", "args": ["a"]},
                {"type": "append", "args": []}
            ]
            """)
        #expect(found.map(\.path) == [
            "f[0]", "f[1]", "f[2].type", "f[3].type", "f[4]", "f[5].args", "f[6].args[1]", "f[7].args", "f[8].args",
        ])
        #expect(found[0].message == "expected object, got string")
        #expect(found[2].message == #""rename" is not one of: move, del, append"#)
        #expect(found[7].message.contains("two arguments"))
    }

    @Test func mustBeAnArray() {
        #expect(problems(#"{"type": "move"}"#) == [ConfigProblem(path: "f", message: "expected array of operations, got object")])
    }

    @Test func delMayHaveAnyNumberOfArguments() throws {
        #expect(try FlatmapFilter(parse(#"[{"type": "del", "args": []}]"#)).operations == [.delete([])])
        // Go reads only the first two arguments of move and append.
        #expect(try FlatmapFilter(parse(#"[{"type": "move", "args": ["a", "b", "c"]}]"#)).operations == [.move(from: ["a"], to: ["b"])])
    }

    @Test func fromExtraConfig() throws {
        let none = try FlatmapFilter.fromExtraConfig(["proxy": parse(#"{"sequential": true}"#)])
        #expect(none == nil)
        #expect(try FlatmapFilter.fromExtraConfig([:]) == nil)
        #expect(try FlatmapFilter.fromExtraConfig(["proxy": parse(#"{"flatmap_filter": []}"#)]) == nil)
        let some = try FlatmapFilter.fromExtraConfig(["proxy": parse(#"{"flatmap_filter": [{"type": "del", "args": ["a"]}]}"#)])
        #expect(some?.operations == [.delete([["a"]])])
        #expect(throws: ConfigError.self) {
            try FlatmapFilter.fromExtraConfig(["proxy": parse(#"{"flatmap_filter": [{"type": "nope", "args": []}]}"#)], path: "endpoints[0].extra_config")
        }
        do {
            _ = try FlatmapFilter.fromExtraConfig(["proxy": parse(#"{"flatmap_filter": {}}"#)], path: "endpoints[0].backend[1].extra_config")
            Issue.record("expected a config error")
        } catch {
            #expect(error.problems.map(\.path) == ["endpoints[0].backend[1].extra_config.proxy.flatmap_filter"])
        }
    }
}

@Suite struct FlatmapDepthTests {
    /// Deeply nested backend data: only the levels the operations name are
    /// walked, so nothing recurses through the rest.
    @Test func deepDataIsNotWalked() throws {
        let depth = 9_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let input = object(#"{"a": [\#(deep)], "b": [{"t": \#(deep)}, {"t": 1}], "c": {"d": \#(deep)}}"#)
        let ops = filter("""
            [
                {"type": "move", "args": ["b.*.t", "b.*.n"]},
                {"type": "append", "args": ["a", "b"]},
                {"type": "move", "args": ["c.d", "e"]},
                {"type": "del", "args": ["x.*.y"]}
            ]
            """)
        let output = ops.apply(input)
        #expect(output["b"]?.arrayValue?.count == 3)
        #expect(output["e"] == input["c"]?["d"])
    }
}

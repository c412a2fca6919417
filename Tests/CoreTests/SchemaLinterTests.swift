import Foundation
import Testing
@testable import GatewayCore

/// `krakend check --lint`: the configuration against KrakenD's v2.13 JSON schema.
@Suite struct SchemaLinterTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let schemaDirectory = testsDirectory
        .appendingPathComponent("../../Sources/Core/Config/Schema").standardizedFileURL

    /// Compiled once: every test shares it, which also exercises `Sendable` use.
    static let linter: SchemaLinter = {
        do { return try SchemaLinter(schemaDirectory: schemaDirectory) } catch { fatalError("\(error)") }
    }()

    static func ceFixture() throws -> Value {
        let data = try Data(contentsOf: testsDirectory.appendingPathComponent("Fixtures/krakend-ce.json"))
        return try Value(json: data)
    }

    static func json(_ text: String) throws -> Value { try Value(json: text) }

    /// A minimal valid configuration with `extra` merged into its first endpoint's first backend.
    static func config(root: String = "", endpoint: String = "", backend: String = "") throws -> Value {
        try json("""
        {"version": 3 \(root.isEmpty ? "" : ", " + root),
         "endpoints": [{"endpoint": "/a" \(endpoint.isEmpty ? "" : ", " + endpoint),
                        "backend": [{"url_pattern": "/x" \(backend.isEmpty ? "" : ", " + backend)}]}]}
        """)
    }

    func lint(_ config: Value) -> [String] { Self.linter.lint(config).map(\.description) }

    // MARK: - The CE conformance fixture

    /// KrakenD's own lint (and a reference draft 2019-09 validator) flag exactly
    /// these: `timeout` is an endpoint setting, not a backend one, in the schema.
    @Test func ceFixtureReportsOnlyBackendTimeouts() throws {
        #expect(lint(try Self.ceFixture()) == [
            #"endpoints[2].backend[0].timeout: unknown key "timeout""#,
            #"endpoints[2].backend[1].timeout: unknown key "timeout""#,
        ])
    }

    @Test func ceFixtureWithoutBackendTimeoutsIsClean() throws {
        guard case .object(var root) = try Self.ceFixture(),
              case .array(var endpoints)? = root["endpoints"],
              case .object(var endpoint) = endpoints[2],
              case .array(let backends)? = endpoint["backend"]
        else { Issue.record("unexpected fixture shape"); return }
        endpoint["backend"] = .array(backends.map { backend in
            guard case .object(var members) = backend else { return backend }
            members["timeout"] = nil
            return .object(members)
        })
        endpoints[2] = .object(endpoint)
        root["endpoints"] = .array(endpoints)
        #expect(lint(.object(root)) == [])
    }

    /// The split schema (files referring to each other by URL and relative
    /// paths) says the same as the bundle KrakenD publishes.
    @Test func splitSchemaAgreesWithBundle() throws {
        let split = try SchemaLinter(schemaDirectory: Self.schemaDirectory, entry: "_root.json")
        let config = try Self.config(
            root: #""bogus": 1, "extra_config": {"router": {"return_error_msg": "yes"}, "qos/nope": {}}"#,
            endpoint: #""output_encoding": "xml2", "extra_config": {"auth/validator": {"alg": "RS256"}}"#,
            backend: #""encoding": 1, "extra_config": {"qos/circuit-breaker": {"interval": "x"}}"#)
        let fromSplit = split.lint(config)
        #expect(fromSplit == Self.linter.lint(config))
        #expect(fromSplit.count == 8)
    }

    // MARK: - Unknown keys

    @Test func unknownRootKey() throws {
        #expect(lint(try Self.config(root: #""prot": 8080"#)) == [#"prot: unknown key "prot""#])
    }

    @Test func unknownEndpointKeyHasItsPath() throws {
        let config = try Self.json("""
        {"version": 3, "endpoints": [
          {"endpoint": "/a", "backend": [{"url_pattern": "/x"}]},
          {"endpoint": "/b", "bakend": [{"url_pattern": "/x"}]}]}
        """)
        #expect(Self.linter.lint(config) == [
            LintProblem(path: "endpoints[1]", message: #"missing required key "backend""#),
            LintProblem(path: "endpoints[1].bakend", message: #"unknown key "bakend""#),
        ])
    }

    @Test func unknownBackendKey() throws {
        #expect(lint(try Self.config(backend: #""url_patern": "/y""#))
            == [#"endpoints[0].backend[0].url_patern: unknown key "url_patern""#])
    }

    @Test func unknownKeyInsideKnownNamespace() throws {
        let config = try Self.config(root: #""extra_config": {"router": {"return_error_msgs": true}}"#)
        #expect(lint(config) == [#"extra_config.router.return_error_msgs: unknown key "return_error_msgs""#])
    }

    /// The schema closes every `extra_config` (`additionalProperties: false`):
    /// a namespace it does not list is an unknown key at every level.
    @Test func unknownNamespacesAreRejected() throws {
        let config = try Self.config(
            root: #""extra_config": {"my/plugin": {}}"#,
            endpoint: #""extra_config": {"qos/ratelimit/routr": {}}"#,
            backend: #""extra_config": {"github.com/devopsfaith/krakend-foo": {}}"#)
        #expect(lint(config) == [
            #"endpoints[0].backend[0].extra_config.github.com/devopsfaith/krakend-foo: unknown key "github.com/devopsfaith/krakend-foo""#,
            #"endpoints[0].extra_config.qos/ratelimit/routr: unknown key "qos/ratelimit/routr""#,
            #"extra_config.my/plugin: unknown key "my/plugin""#,
        ])
    }

    @Test func atKeysAreAllowedEverywhere() throws {
        let config = try Self.json("""
        {"version": 3, "@comment": "root",
         "extra_config": {"@comment": "ns", "router": {"@comment": "in router", "return_error_msg": true},
                          "security/cors": {"allow_origins": ["*"], "@note": 1}},
         "endpoints": [{"endpoint": "/a", "@comment": "ep",
                        "backend": [{"url_pattern": "/x", "@comment": "be",
                                     "extra_config": {"@comment": "be ns"}}]}]}
        """)
        #expect(lint(config) == [])
    }

    // MARK: - Types, enums and other constraints

    @Test func wrongTypes() throws {
        let config = try Self.config(
            root: #""port": "8080", "debug_endpoint": "yes", "host": "http://a""#,
            backend: #""is_collection": 1"#)
        #expect(lint(config) == [
            "debug_endpoint: expected boolean, got string",
            "endpoints[0].backend[0].is_collection: expected boolean, got integer",
            "host: expected array, got string",
            "port: expected integer, got string",
        ])
    }

    @Test func badEncodings() throws {
        let problems = Self.linter.lint(try Self.config(
            endpoint: #""output_encoding": "xml2""#, backend: #""encoding": "jsonp""#))
        #expect(problems == [
            LintProblem(path: "endpoints[0].backend[0].encoding",
                        message: #""jsonp" is not one of: json, safejson, fast-json, xml, rss, string, no-op, yaml"#),
            LintProblem(path: "endpoints[0].output_encoding",
                        message: #""xml2" is not one of: json, json-collection, yaml, fast-json, xml, negotiate, string, no-op"#),
        ])
    }

    @Test func versionRequiredAndConstant() throws {
        #expect(lint(try Self.json(#"{"endpoints": []}"#)) == [#"missing required key "version""#])
        #expect(lint(try Self.json(#"{"version": 2}"#)) == ["version: expected 3, got 2"])
        // Schema equality is numeric: 3.0 is 3.
        #expect(lint(try Self.json(#"{"version": 3.0}"#)) == [])
    }

    @Test func boundsPatternsAndMinItems() throws {
        let config = try Self.json("""
        {"version": 3, "port": 70000, "timeout": "3 seconds",
         "endpoints": [{"endpoint": "no-slash", "concurrent_calls": 0, "backend": []}]}
        """)
        #expect(lint(config) == [
            "endpoints[0].backend: expected at least 1 item, got 0",
            "endpoints[0].concurrent_calls: must be >= 1, got 0",
            #"endpoints[0].endpoint: "no-slash" does not match the pattern ^\/[^\*\?\&\%]*(\/\*)?$"#,
            "port: must be <= 65535, got 70000",
            #"timeout: "3 seconds" does not match the pattern ^[0-9]+(ns|ms|us|µs|s|m|h)$"#,
        ])
    }

    @Test func duplicateItems() throws {
        #expect(lint(try Self.config(endpoint: #""input_headers": ["A", "B", "A"]"#))
            == [#"endpoints[0].input_headers[2]: duplicate item "A" (items must be unique)"#])
    }

    // MARK: - Alternatives

    /// `auth/validator` is `oneOf` two sets of required keys: both are named.
    @Test func oneOfRequiredAlternativesAreSummarized() throws {
        let config = try Self.config(endpoint: #""extra_config": {"auth/validator": {"alg": "RS256"}}"#)
        #expect(lint(config) == [#"endpoints[0].extra_config.auth/validator: missing required key "jwk_local_path" or "jwk_url""#])
    }

    @Test func oneOfWithTwoMatchesIsReported() throws {
        let config = try Self.config(endpoint: """
            "extra_config": {"auth/validator": {"alg": "RS256", "jwk_url": "https://a", "jwk_local_path": "k.json"}}
            """)
        #expect(lint(config) == [
            #"endpoints[0].extra_config.auth/validator: set either "jwk_local_path" or "jwk_url", not both"#,
        ])
    }

    /// `tls` is `anyOf` an object or null: a wrong type names both.
    @Test func anyOfTypeMismatchNamesEveryType() throws {
        #expect(lint(try Self.config(root: #""tls": "on""#)) == ["tls: expected object or null, got string"])
        #expect(lint(try Self.config(root: #""tls": null"#)) == [])
    }

    /// The relevant branch is reported, not every branch's complaint.
    @Test func anyOfReportsTheRelevantBranch() throws {
        let config = try Self.config(root: #""tls": {"keys": [{"public_key": "a.pem", "private_key": "a.key"}], "min_versio": "TLS12"}"#)
        #expect(lint(config) == [#"tls.min_versio: unknown key "min_versio""#])
    }

    // MARK: - Reporting

    @Test func problemsAreSortedByPathNumerically() throws {
        var endpoints: [Value] = []
        for i in 0..<12 {
            endpoints.append(try Self.json(#"{"endpoint": "/e\#(i)", "backend": [{"url_pattern": "/x", "x": 1}]}"#))
        }
        let paths = Self.linter.lint(.object(["version": Value(3), "endpoints": .array(endpoints)])).map(\.path)
        #expect(paths == (0..<12).map { "endpoints[\($0)].backend[0].x" })
    }

    @Test func lintIsSafeToShareAcrossTasks() async throws {
        let config = try Self.ceFixture()
        let counts = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<4 { group.addTask { Self.linter.lint(config).count } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts == [2, 2, 2, 2])
    }

    /// The schema copied into GatewayCore's resource bundle is the one `krakend check --lint` uses.
    @Test func bundledSchemaLoads() throws {
        #expect(try SchemaLinter().lint(try Self.ceFixture()).count == 2)
    }

    @Test func missingSchemaDirectoryThrows() {
        #expect(throws: SchemaLoadError.self) {
            try SchemaLinter(schemaDirectory: URL(fileURLWithPath: "/nonexistent-schema-dir"))
        }
    }
}

import Foundation
import GatewayCore
import Logging
import NIOPosix
import Testing

/// The configuration as `krakend run` reads it: formats, inheritance,
/// version-2 names, environment overrides and how problems are reported.
@Suite struct ConfigTests {
    static func parse(_ json: String, environment: [String: String] = [:]) throws -> ServiceConfig {
        try ConfigParser.parse(try Value(json: json), environment: environment)
    }

    /// The problems a configuration text is refused with, as "path: message".
    static func problems(_ json: String, environment: [String: String] = [:]) throws -> [ConfigProblem] {
        let document = try Value(json: json)
        do {
            _ = try ConfigParser.parse(document, environment: environment)
            return []
        } catch {
            return error.problems
        }
    }

    /// Writes `text` to a fresh temporary file named `name`; returns its path.
    static func temporaryFile(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("krakend-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func removeTemporary(_ path: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// Everything a `ServiceConfig` holds that these tests care about, as
    /// stable text (dictionaries sorted) so two configs can be compared.
    static func summary(_ c: ServiceConfig) -> String {
        func sorted(_ d: [String: Value]) -> String { d.keys.sorted().map { "\($0)=\(d[$0]!.jsonString)" }.joined(separator: ",") }
        var lines = [
            "name=\(c.name) port=\(c.port) listen=\(c.listenIP) host=\(c.host) timeout=\(c.timeout) ttl=\(c.cacheTTL)",
            "enc=\(c.outputEncoding) read=\(c.readTimeout) header=\(c.readHeaderTimeout) write=\(c.writeTimeout) idle=\(c.idleTimeout)",
            "maxHeader=\(c.maxHeaderBytes) h2c=\(c.useH2C) rest=\(c.disableRest) debug=\(c.debugEndpoint) echo=\(c.echoEndpoint)",
            "router: msg=\(c.router.returnErrorMessage) hide=\(c.router.hideVersionHeader) health=\(c.router.healthPath) \(c.router.disableHealth) errors=\(sorted(c.router.errorBody))",
            "extra=\(sorted(c.extraConfig))",
        ]
        for e in c.endpoints {
            lines.append("endpoint \(e.configPath) \(e.method) \(e.endpoint) timeout=\(e.timeout) ttl=\(e.cacheTTL) enc=\(e.outputEncoding) headers=\(e.inputHeaders) query=\(e.inputQueryStrings) calls=\(e.concurrentCalls) extra=\(sorted(e.extraConfig))")
            for b in e.backends {
                lines.append("  backend \(b.configPath) \(b.method) \(b.host) \(b.urlPattern) enc=\(b.encoding) group=\(b.group ?? "-") target=\(b.target ?? "-") allow=\(b.allow) deny=\(b.deny) mapping=\(b.mapping.sorted { $0.key < $1.key }.map { "\($0.key)>\($0.value)" }) coll=\(b.isCollection) sanitize=\(!b.disableHostSanitize) headers=\(b.inputHeaders ?? ["nil"]) query=\(b.inputQueryStrings ?? ["nil"]) timeout=\(b.timeout.map { "\($0)" } ?? "-") extra=\(sorted(b.extraConfig))")
            }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Formats

    static let jsonText = """
    {
      "version": 3,
      "name": "formats",
      "port": 8081,
      "timeout": "3s",
      "cache_ttl": "1m",
      "host": ["http://root.example"],
      "read_timeout": "2s",
      "use_h2c": true,
      "extra_config": {
        "router": { "return_error_msg": true, "health_path": "/health", "error_body": { "404": { "msg": "nope", "status": 404 } } },
        "telemetry/logging": { "level": "DEBUG", "stdout": true }
      },
      "endpoints": [
        {
          "endpoint": "/v1/users/{user}",
          "method": "POST",
          "timeout": "800ms",
          "input_headers": ["X-Tenant", "User-Agent"],
          "input_query_strings": ["page"],
          "concurrent_calls": 2,
          "backend": [
            { "url_pattern": "/users/{user}", "group": "user", "allow": ["id", "name"], "mapping": { "name": "full_name" } },
            { "url_pattern": "/status/{user}", "method": "GET", "host": ["other.example:9000/"], "encoding": "safejson", "is_collection": true,
              "extra_config": { "backend/http/client": { "no_redirect": true } } }
          ]
        },
        {
          "endpoint": "/v1/raw",
          "output_encoding": "no-op",
          "backend": [ { "url_pattern": "/raw", "deny": ["secret"] } ]
        }
      ]
    }
    """

    static let yamlText = """
    version: 3
    name: formats
    port: 8081
    timeout: 3s
    cache_ttl: 1m
    host:
      - http://root.example
    read_timeout: 2s
    use_h2c: true
    extra_config:
      router:
        return_error_msg: true
        health_path: /health
        error_body:
          "404":
            msg: nope
            status: 404
      telemetry/logging:
        level: DEBUG
        stdout: true
    endpoints:
      - endpoint: /v1/users/{user}
        method: POST
        timeout: 800ms
        input_headers: [X-Tenant, User-Agent]
        input_query_strings: [page]
        concurrent_calls: 2
        backend:
          - url_pattern: /users/{user}
            group: user
            allow: [id, name]
            mapping:
              name: full_name
          - url_pattern: /status/{user}
            method: GET
            host: ["other.example:9000/"]
            encoding: safejson
            is_collection: true
            extra_config:
              backend/http/client:
                no_redirect: true
      - endpoint: /v1/raw
        output_encoding: no-op
        backend:
          - url_pattern: /raw
            deny: [secret]
    """

    static let tomlText = """
    version = 3
    name = "formats"
    port = 8081
    timeout = "3s"
    cache_ttl = "1m"
    host = ["http://root.example"]
    read_timeout = "2s"
    use_h2c = true

    [extra_config.router]
    return_error_msg = true
    health_path = "/health"

    [extra_config.router.error_body.404]
    msg = "nope"
    status = 404

    [extra_config."telemetry/logging"]
    level = "DEBUG"
    stdout = true

    [[endpoints]]
    endpoint = "/v1/users/{user}"
    method = "POST"
    timeout = "800ms"
    input_headers = ["X-Tenant", "User-Agent"]
    input_query_strings = ["page"]
    concurrent_calls = 2

    [[endpoints.backend]]
    url_pattern = "/users/{user}"
    group = "user"
    allow = ["id", "name"]
    mapping = { name = "full_name" }

    [[endpoints.backend]]
    url_pattern = "/status/{user}"
    method = "GET"
    host = ["other.example:9000/"]
    encoding = "safejson"
    is_collection = true
    extra_config = { "backend/http/client" = { no_redirect = true } }

    [[endpoints]]
    endpoint = "/v1/raw"
    output_encoding = "no-op"

    [[endpoints.backend]]
    url_pattern = "/raw"
    deny = ["secret"]
    """

    @Test func jsonYAMLAndTOMLFilesGiveTheSameConfig() throws {
        var summaries: [String] = []
        for (name, text) in [("krakend.json", Self.jsonText), ("krakend.yaml", Self.yamlText), ("krakend.yml", Self.yamlText), ("krakend.toml", Self.tomlText)] {
            let path = try Self.temporaryFile(name, text)
            defer { Self.removeTemporary(path) }
            let config = try ConfigLoader.load(path: path, environment: [:])
            summaries.append(Self.summary(config))
        }
        #expect(summaries[1] == summaries[0], "YAML differs from JSON")
        #expect(summaries[2] == summaries[0], ".yml differs from JSON")
        #expect(summaries[3] == summaries[0], "TOML differs from JSON")

        // And the JSON one is what the file says.
        let c = try Self.parse(Self.jsonText)
        #expect(c.port == 8081 && c.useH2C && c.readTimeout == .seconds(2))
        #expect(c.router.returnErrorMessage && c.router.healthPath == "/health")
        #expect(c.router.errorBody["404"] == .object(["msg": .string("nope"), "status": .number("404")]))
        #expect(c.endpoints.count == 2)
        #expect(c.endpoints[0].backends[1].host == ["http://other.example:9000"])
        #expect(c.endpoints[0].backends[1].extraConfig["backend/http/client"]?["no_redirect"] == .bool(true))
    }

    @Test func documentsOfTheThreeFormatsAreEqualValues() throws {
        let json = try ConfigLoader.parseDocument(Data(Self.jsonText.utf8), format: .json)
        let yaml = try ConfigLoader.parseDocument(Data(Self.yamlText.utf8), format: .yaml)
        let toml = try ConfigLoader.parseDocument(Data(Self.tomlText.utf8), format: .toml)
        #expect(yaml == json)
        #expect(toml == json)
    }

    @Test func formatIsChosenByExtension() {
        #expect(ConfigLoader.format(of: "a/krakend.json") == .json)
        #expect(ConfigLoader.format(of: "krakend.YAML") == .yaml)
        #expect(ConfigLoader.format(of: "krakend.yml") == .yaml)
        #expect(ConfigLoader.format(of: "krakend.toml") == .toml)
    }

    @Test func unreadableOrMalformedFilesAreErrors() throws {
        #expect(throws: ConfigError.self) { try ConfigLoader.load(path: "/nonexistent/krakend.json", environment: [:]) }
        for (name, text) in [("bad.json", "{\"version\": 3,"), ("bad.yaml", "version: [3"), ("bad.toml", "version = = 3")] {
            let path = try Self.temporaryFile(name, text)
            defer { Self.removeTemporary(path) }
            #expect(throws: ConfigError.self, "\(name)") { try ConfigLoader.load(path: path, environment: [:]) }
        }
    }

    // MARK: - Inheritance

    @Test func rootSettingsAreInheritedUnlessOverridden() throws {
        let c = try Self.parse("""
        {"version": 3, "host": ["http://root:1", "root2:2/"], "timeout": "5s", "cache_ttl": "30s", "output_encoding": "string",
         "endpoints": [
           {"endpoint": "/a", "backend": [{"url_pattern": "/x"}]},
           {"endpoint": "/b", "method": "put", "timeout": "1s", "cache_ttl": "2s", "output_encoding": "json",
            "backend": [{"url_pattern": "x", "host": ["http://own:3"]}, {"url_pattern": "/y", "method": "DELETE"}]}
         ]}
        """)
        let a = c.endpoints[0], b = c.endpoints[1]
        #expect(a.method == "GET")
        #expect(a.timeout == .seconds(5) && a.cacheTTL == .seconds(30) && a.outputEncoding == "string")
        #expect(a.backends[0].host == ["http://root:1", "http://root2:2"], "root hosts, sanitized")
        #expect(a.backends[0].method == "GET")
        #expect(b.method == "PUT", "methods are upper-cased")
        #expect(b.timeout == .seconds(1) && b.cacheTTL == .seconds(2) && b.outputEncoding == "json")
        #expect(b.backends[0].host == ["http://own:3"])
        #expect(b.backends[0].urlPattern == "/x", "a url_pattern gets its leading slash")
        #expect(b.backends[0].method == "PUT", "the backend inherits the endpoint's method")
        #expect(b.backends[1].method == "DELETE")
        #expect(b.backends[1].host == ["http://root:1", "http://root2:2"])
    }

    @Test func defaultsWhenNothingIsSet() throws {
        let c = try Self.parse(#"{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"host": ["h"], "url_pattern": "/x"}]}]}"#)
        #expect(c.port == 8080 && c.timeout == .seconds(2) && c.cacheTTL == .zero && c.outputEncoding == "json")
        #expect(c.router.healthPath == "/__health" && !c.router.disableHealth)
        #expect(c.endpoints[0].inputHeaders.isEmpty && c.endpoints[0].inputQueryStrings.isEmpty)
        #expect(c.endpoints[0].backends[0].encoding == "json")
        #expect(c.endpoints[0].backends[0].host == ["http://h"])
    }

    @Test func disableHostSanitizeKeepsTheHostAsWritten() throws {
        let c = try Self.parse(#"{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"host": ["h:1/"], "url_pattern": "/x", "disable_host_sanitize": true}]}]}"#)
        #expect(c.endpoints[0].backends[0].host == ["h:1/"])
    }

    @Test func noOpEndpointForcesNoOpBackendEncoding() throws {
        let c = try Self.parse(#"{"version": 3, "host": ["h"], "endpoints": [{"endpoint": "/a", "output_encoding": "no-op", "backend": [{"url_pattern": "/x", "encoding": "json"}]}]}"#)
        #expect(c.endpoints[0].backends[0].encoding == "no-op")
    }

    // MARK: - Version-2 names

    @Test func versionTwoNamesAreReadAsAliases() throws {
        let c = try Self.parse("""
        {"version": 3, "host": ["h"], "endpoints": [
          {"endpoint": "/a", "querystring_params": ["page"], "headers_to_pass": ["X-A"],
           "backend": [{"url_pattern": "/x", "whitelist": ["id"], "blacklist": ["secret"], "headers_to_pass": ["X-B"], "querystring_params": ["q"]}]}
        ]}
        """)
        let e = c.endpoints[0], b = e.backends[0]
        #expect(e.inputQueryStrings == ["page"])
        #expect(e.inputHeaders == ["X-A"])
        #expect(b.allow == ["id"] && b.deny == ["secret"])
        #expect(b.inputHeaders == ["X-B"] && b.inputQueryStrings == ["q"])
    }

    @Test func versionThreeNamesWinOverTheirAliases() throws {
        let c = try Self.parse("""
        {"version": 3, "host": ["h"], "endpoints": [
          {"endpoint": "/a", "querystring_params": ["old"], "input_query_strings": ["new"], "headers_to_pass": ["Old"], "input_headers": ["New"],
           "backend": [{"url_pattern": "/x", "whitelist": ["old"], "allow": ["new"], "blacklist": ["old"], "deny": ["new"]}]}
        ]}
        """)
        #expect(c.endpoints[0].inputQueryStrings == ["new"])
        #expect(c.endpoints[0].inputHeaders == ["New"])
        #expect(c.endpoints[0].backends[0].allow == ["new"])
        #expect(c.endpoints[0].backends[0].deny == ["new"])
    }

    // MARK: - Environment

    static let envBase = #"{"version": 3, "port": 8080, "read_timeout": "10s", "use_h2c": false, "name": "file", "timeout": "3s", "host": ["h"], "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/x"}]}]}"#

    @Test func environmentOverridesRootSettings() throws {
        let c = try Self.parse(Self.envBase, environment: [
            "KRAKEND_PORT": "9000", "KRAKEND_READ_TIMEOUT": "1s", "KRAKEND_USE_H2C": "true",
            "KRAKEND_NAME": "Build ABC0123", "KRAKEND_TIMEOUT": "500ms", "UNRELATED": "x",
        ])
        #expect(c.port == 9000)
        #expect(c.readTimeout == .seconds(1))
        #expect(c.useH2C)
        #expect(c.name == "Build ABC0123")
        #expect(c.timeout == .milliseconds(500))
        #expect(c.endpoints[0].timeout == .milliseconds(500), "the endpoint inherits the overridden timeout")
    }

    @Test func environmentIsIgnoredWithoutOverrides() throws {
        let c = try Self.parse(Self.envBase, environment: ["PORT": "1", "krakend_port": "2"])
        #expect(c.port == 8080 && c.readTimeout == .seconds(10) && !c.useH2C)
    }

    @Test func badEnvironmentValuesAreProblems() throws {
        let problems = try Self.problems(Self.envBase, environment: ["KRAKEND_PORT": "abc", "KRAKEND_USE_H2C": "maybe", "KRAKEND_READ_TIMEOUT": "soon"])
        let paths = Set(problems.map(\.path))
        #expect(paths.contains("KRAKEND_PORT"))
        #expect(paths.contains("KRAKEND_USE_H2C"))
        #expect(paths.contains("read_timeout"), "an unparseable duration is reported: \(problems)")
    }

    /// The manual: "Reserved variables are ignored unless the key exists in the
    /// configuration ... the `port` attribute is not present in the
    /// configuration, despite passing a `KRAKEND_PORT` parameter."
    @Test func environmentDoesNotAddKeysTheFileLacks() throws {
        let text = #"{"version": 3, "timeout": "3s", "host": ["h"], "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/x"}]}]}"#
        let c = try Self.parse(text, environment: ["KRAKEND_PORT": "9000", "KRAKEND_TIMEOUT": "500ms", "KRAKEND_USE_H2C": "true"])
        #expect(c.timeout == .milliseconds(500), "present keys are overridden")
        // EnvironmentOverrides.apply sets every KRAKEND_* variable, present in the file or not.
        #expect(c.port == 8080, "port is absent from the file: KRAKEND_PORT has no effect")
        #expect(!c.useH2C, "use_h2c is absent from the file: KRAKEND_USE_H2C has no effect")
    }

    // MARK: - Problems

    @Test func everyProblemIsReportedAtOnceWithItsPath() throws {
        let problems = try Self.problems("""
        {"version": 3, "port": 70000, "timeout": "soon", "host": ["h"],
         "endpoints": [
           {"endpoint": "/a", "method": "FETCH", "backend": [{"url_pattern": "/x"}]},
           {"endpoint": "/b/{id}", "backend": [{"url_pattern": "/y/{idd}", "encoding": "csv"}, {"host": ["h"]}]},
           {"endpoint": "c", "cache_ttl": 5, "backend": [{"url_pattern": "/z", "group": 1}]},
           {"backend": []}
         ]}
        """)
        let paths = problems.map(\.path)
        for expected in [
            "port", "timeout",
            "endpoints[0].method",
            "endpoints[1].backend[0].url_pattern", "endpoints[1].backend[0].encoding", "endpoints[1].backend[1]",
            "endpoints[2].endpoint", "endpoints[2].cache_ttl", "endpoints[2].backend[0].group",
            "endpoints[3]",
        ] {
            #expect(paths.contains(expected), "missing \(expected) in \(problems.map(\.description))")
        }
        let undefined = problems.first { $0.path == "endpoints[1].backend[0].url_pattern" }
        #expect(undefined?.message.contains("{idd}") == true)
    }

    @Test(arguments: [#""version": 2,"#, #""version": "3","#, #""version": 4,"#, ""])
    func versionOtherThanThreeIsRefused(_ version: String) throws {
        let problems = try Self.problems(#"{\#(version) "host": ["h"], "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/x"}]}]}"#)
        #expect(problems.map(\.path) == ["version"])
    }

    @Test func noOpEndpointWithTwoBackendsIsRefused() throws {
        let problems = try Self.problems(#"{"version": 3, "host": ["h"], "endpoints": [{"endpoint": "/a", "output_encoding": "no-op", "backend": [{"url_pattern": "/x"}, {"url_pattern": "/y"}]}]}"#)
        #expect(problems.map(\.path) == ["endpoints[0].backend"])
    }

    @Test func undefinedURLPatternParameterIsRefused() throws {
        let problems = try Self.problems(#"{"version": 3, "host": ["h"], "endpoints": [{"endpoint": "/a/{id}", "backend": [{"url_pattern": "/x/{id}"}, {"url_pattern": "/y?c={channel}"}]}]}"#)
        #expect(problems.map(\.path) == ["endpoints[0].backend[1].url_pattern"])
        #expect(problems.first?.message.contains("{channel}") == true)

        // Names other components fill in are accepted.
        _ = try Self.parse(#"{"version": 3, "host": ["h"], "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/x/{JWT.sub}"}]}]}"#)
    }

    @Test func backendWithoutAnyHostIsRefused() throws {
        let problems = try Self.problems(#"{"version": 3, "endpoints": [{"endpoint": "/a", "backend": [{"url_pattern": "/x"}]}]}"#)
        #expect(problems.map(\.path) == ["endpoints[0].backend[0]"])
    }

    static let collision = """
    {"version": 3, "host": ["h"], "endpoints": [
      {"endpoint": "/user/{userid}", "backend": [{"url_pattern": "/u/{userid}"}]},
      {"endpoint": "/user/{iduser}/some", "backend": [{"url_pattern": "/u/{iduser}/some"}]}
    ]}
    """

    @Test func routeCollisionIsRefusedByCheckRoutes() throws {
        let config = try Self.parse(Self.collision)
        let error = #expect(throws: ConfigError.self) { try Gateway.checkRoutes(config) }
        #expect(error?.problems.map(\.path) == ["endpoints[1].endpoint"])
        #expect(error?.problems.first?.message.contains("{iduser}") == true)
    }

    @Test func routeCollisionIsRefusedByTheGateway() async throws {
        let config = try Self.parse(Self.collision)
        let client = try HTTPBackendClient(settings: config.client, eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        #expect(throws: ConfigError.self) { _ = try Gateway(config: config, client: client, logger: Logger(label: "test")) }
        await client.shutdown()
    }

    /// A CA file the gateway cannot read would otherwise leave it trusting
    /// fewer roots than configured, and backends failing for no visible reason.
    @Test func unreadableClientCACertificatesStopTheStart() async throws {
        let notPEM = FileManager.default.temporaryDirectory.appendingPathComponent("not-a-cert-\(UUID().uuidString).pem")
        try Data("not a certificate".utf8).write(to: notPEM)
        defer { try? FileManager.default.removeItem(at: notPEM) }
        let config = """
        {"version": 3, "client_tls": {"ca_certs": ["/nonexistent/ca.pem", "\(notPEM.path)"]},
         "endpoints": [{"endpoint": "/x", "backend": [{"host": ["http://127.0.0.1:1"], "url_pattern": "/"}]}]}
        """
        let error = await #expect(throws: ConfigError.self) { try await withGateway(config) { _ in } }
        #expect(error?.problems.map(\.path) == ["client_tls.ca_certs[0]", "client_tls.ca_certs[1]"])
        #expect(error?.problems.first?.message.contains("/nonexistent/ca.pem") == true)
    }

    @Test func sameVariableNamesDoNotCollide() throws {
        let config = try Self.parse("""
        {"version": 3, "host": ["h"], "endpoints": [
          {"endpoint": "/user/{userid}", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/user/{userid}/some", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/v1/{domain}/user/{userid}", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/v1/{domain}/user/{userid}/some", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/user/{userid}", "method": "POST", "backend": [{"url_pattern": "/u"}]}
        ]}
        """)
        try Gateway.checkRoutes(config)
    }

    @Test func nestedCollisionAndDuplicatesAreAllReported() throws {
        let config = try Self.parse("""
        {"version": 3, "host": ["h"], "endpoints": [
          {"endpoint": "/v1/{domain}/user/{userid}", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/v1/{domain}/user/{iduser}/some", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/x", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/x", "backend": [{"url_pattern": "/u"}]},
          {"endpoint": "/file.{ext}", "backend": [{"url_pattern": "/u"}]}
        ]}
        """)
        let error = #expect(throws: ConfigError.self) { try Gateway.checkRoutes(config) }
        #expect(error?.problems.map(\.path) == ["endpoints[1].endpoint", "endpoints[3].endpoint", "endpoints[4].endpoint"])
    }

    @Test func disableRestAllowsVariablesInsideASegment() throws {
        let config = try Self.parse(#"{"version": 3, "disable_rest": true, "host": ["h"], "endpoints": [{"endpoint": "/foo/{var}/file.{extension}", "backend": [{"url_pattern": "/{var}.{extension}"}]}]}"#)
        try Gateway.checkRoutes(config)
    }
}

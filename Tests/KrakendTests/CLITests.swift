import Foundation
import Testing

/// The `krakend` command as users type it, run as a child process.
@Suite struct CLITests {
    /// A directory of configuration files for one test, removed afterwards.
    final class Files {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("krakend-cli-files-\(UUID().uuidString)")
        init() throws { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
    }

    static let good = """
    {"version": 3, "host": ["http://127.0.0.1:9"], "endpoints": [
      {"endpoint": "/a/{id}", "backend": [{"url_pattern": "/x/{id}"}]},
      {"endpoint": "/b", "method": "POST", "backend": [{"url_pattern": "/y"}]}
    ]}
    """

    static let goodYAML = """
    version: 3
    host: ["http://127.0.0.1:9"]
    endpoints:
      - endpoint: /a/{id}
        backend:
          - url_pattern: /x/{id}
    """

    /// Three problems in three places.
    static let bad = """
    {"version": 3, "port": "eighty", "host": ["h"], "endpoints": [
      {"endpoint": "/a", "method": "FETCH", "backend": [{"url_pattern": "/x"}]},
      {"endpoint": "/b/{id}", "backend": [{"url_pattern": "/y/{other}"}]}
    ]}
    """

    static let collision = """
    {"version": 3, "host": ["h"], "endpoints": [
      {"endpoint": "/user/{userid}", "backend": [{"url_pattern": "/u/{userid}"}]},
      {"endpoint": "/user/{iduser}/some", "backend": [{"url_pattern": "/u/{iduser}/some"}]}
    ]}
    """

    @Test func versionExitsZero() async throws {
        let result = try await KrakendProcess.run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("KrakenD Version"))
    }

    @Test(arguments: [["--help"], ["run", "--help"], ["check", "--help"], ["version", "--help"], ["help", "check"]])
    func helpWorks(_ arguments: [String]) async throws {
        let result = try await KrakendProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let text = result.stdout + result.stderr
        #expect(text.localizedCaseInsensitiveContains("usage"), "\(text)")
        if arguments.first == "run" || arguments.last == "check" {
            #expect(text.contains("-c"), "the config option is documented: \(text)")
        }
    }

    @Test(arguments: [["check"], ["run"], ["nonsense"], ["check", "-c"]])
    func usageErrorsExitNonZero(_ arguments: [String]) async throws {
        let result = try await KrakendProcess.run(arguments)
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty)
    }

    @Test func checkGoodFileSaysSyntaxOK() async throws {
        let files = try Files()
        for (name, text) in [("good.json", Self.good), ("good.yaml", Self.goodYAML)] {
            let path = try files.write(name, text)
            let result = try await KrakendProcess.run(["check", "-c", path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains("Syntax OK!"), "\(name): \(result.stdout)")
        }
        // The long option and every flag together.
        let path = try files.write("good2.json", Self.good)
        let result = try await KrakendProcess.run(["check", "--config", path, "-t", "-d", "-l"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Syntax OK!"))
    }

    @Test func checkBadFileReportsEveryProblemWithItsPath() async throws {
        let files = try Files()
        let path = try files.write("bad.json", Self.bad)
        let result = try await KrakendProcess.run(["check", "-c", path])
        #expect(result.status != 0)
        #expect(!result.stdout.contains("Syntax OK!"))
        for expected in ["port", "endpoints[0].method", "endpoints[1].backend[0].url_pattern"] {
            #expect(result.stderr.contains(expected), "missing \(expected) in: \(result.stderr)")
        }
    }

    @Test func checkParsesEveryGraphQLQueryAndReportsWhereItBreaks() async throws {
        let files = try Files()
        let broken = try files.write("broken.graphql", "query Hero {\n  hero {\n    name(\n  }\n}\n")
        let good = try files.write("good.graphql", "query Hero { hero { name } }\n")
        let config = try files.write("graphql.json", """
        {"version": 3, "host": ["http://127.0.0.1:9"], "endpoints": [
          {"endpoint": "/a", "backend": [{"url_pattern": "/graphql",
            "extra_config": {"backend/graphql": {"type": "query", "query_path": "\(broken)"}}}]},
          {"endpoint": "/b", "backend": [{"url_pattern": "/graphql",
            "extra_config": {"backend/graphql": {"type": "query", "query_path": "\(good)", "operationName": "Villain"}}}]},
          {"endpoint": "/c", "backend": [{"url_pattern": "/graphql",
            "extra_config": {"backend/graphql": {"type": "query", "query": "query A { a } query B { b }"}}}]}
        ]}
        """)
        let result = try await KrakendProcess.run(["check", "-c", config])
        #expect(result.status != 0)
        #expect(result.stderr.contains("\(broken):4:3: syntax error: Expected Name, found }"), "\(result.stderr)")
        #expect(result.stderr.contains("endpoints[1].backend[0].extra_config.backend/graphql.operationName: \(good) has no operation \"Villain\" (it has \"Hero\")"), "\(result.stderr)")
        #expect(result.stderr.contains("endpoints[2].backend[0].extra_config.backend/graphql.operationName"), "\(result.stderr)")
    }

    @Test func checkMissingOrMalformedFileFails() async throws {
        let files = try Files()
        let missing = try await KrakendProcess.run(["check", "-c", files.directory.appendingPathComponent("none.json").path])
        #expect(missing.status != 0)
        #expect(!missing.stderr.isEmpty)
        let malformed = try await KrakendProcess.run(["check", "-c", try files.write("m.json", "{\"version\": 3,")])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("JSON"), "\(malformed.stderr)")
    }

    @Test func checkLintReportsUnknownKeyWithItsPath() async throws {
        let files = try Files()
        let path = try files.write("lint.json", """
        {"version": 3, "host": ["h"], "endpoints": [
          {"endpoint": "/a", "backend": [{"url_pattern": "/x"}]},
          {"endpoint": "/b", "backend": [{"url_pattern": "/y", "not_a_setting": true}]}
        ]}
        """)
        let plain = try await KrakendProcess.run(["check", "-c", path])
        #expect(plain.status == 0, "unknown keys are ignored without --lint: \(plain.stderr)")
        let linted = try await KrakendProcess.run(["check", "-l", "-c", path])
        #expect(linted.status != 0)
        #expect(linted.stderr.contains("endpoints[1].backend[0].not_a_setting"), "\(linted.stderr)")
    }

    @Test func checkTestRoutesReportsCollision() async throws {
        let files = try Files()
        let path = try files.write("collision.json", Self.collision)
        let plain = try await KrakendProcess.run(["check", "-c", path])
        #expect(plain.status == 0, "without -t the router is not built: \(plain.stderr)")
        let tested = try await KrakendProcess.run(["check", "-t", "-c", path])
        #expect(tested.status != 0)
        #expect(tested.stderr.contains("endpoints[1].endpoint"), "\(tested.stderr)")
        #expect(tested.stderr.contains("iduser"), "\(tested.stderr)")
    }

    @Test func checkReadsEnvironmentOverrides() async throws {
        let files = try Files()
        let path = try files.write("env.json", #"{"version": 3, "port": 8080, "host": ["h"], "endpoints": []}"#)
        let result = try await KrakendProcess.run(["check", "-c", path], environment: ["KRAKEND_PORT": "not-a-port"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("KRAKEND_PORT"), "\(result.stderr)")
    }

    @Test func runBadFileExitsWithoutListening() async throws {
        let files = try Files()
        for (name, text) in [("bad.json", Self.bad), ("collision.json", Self.collision)] {
            let path = try files.write(name, text)
            let result = try await KrakendProcess.run(["run", "-c", path, "-p", "0"])
            #expect(result.status != 0, "\(name)")
            #expect(!result.stdout.contains("Listening"), "\(name): \(result.stdout)")
            #expect(result.stderr.contains("endpoints[1]"), "\(name): \(result.stderr)")
        }
    }

    @Test func runServesAndStopsOnSIGTERM() async throws {
        try await withBackend { backend in
            let files = try Files()
            // `-p 0` overrides the file's port: the system picks a free one,
            // which the log line reports.
            let path = try files.write("run.json", """
            {"version": 3, "port": 1, "listen_ip": "127.0.0.1", "timeout": "10s", "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/a/{id}", "backend": [{"url_pattern": "/echo/{id}"}]}
            ]}
            """)
            let gateway = try await KrakendProcess(["run", "-c", path, "-p", "0"])
            let port = try await Self.listeningPort(gateway)
            #expect(port != 1)

            let health = try await TestHTTP.request("http://127.0.0.1:\(port)/__health")
            #expect(health.status == 200)
            #expect(health.json?["status"] == .string("ok"))

            let proxied = try await TestHTTP.request("http://127.0.0.1:\(port)/a/42")
            #expect(proxied.status == 200)
            #expect(proxied.json?["path"] == .string("/echo/42"))

            gateway.signal(SIGTERM)
            let result = try await gateway.waitForExit(timeout: .seconds(30))
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func runStopsOnSIGINT() async throws {
        let files = try Files()
        let path = try files.write("run.yaml", "version: 3\nlisten_ip: 127.0.0.1\nendpoints: []\n")
        let gateway = try await KrakendProcess(["run", "-c", path, "-p", "0"])
        _ = try await gateway.waitForOutput { $0.contains("Listening on port: ") ? true : nil }
        gateway.signal(SIGINT)
        let result = try await gateway.waitForExit(timeout: .seconds(30))
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func runOnABusyPortFails() async throws {
        // A listener of the test's own holds the port.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: addr.sin_port))

        let files = try Files()
        let path = try files.write("busy.json", #"{"version": 3, "listen_ip": "127.0.0.1", "endpoints": []}"#)
        let result = try await KrakendProcess.run(["run", "-c", path, "-p", String(port)], timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(!result.stderr.isEmpty, "the reason is told")
    }

    /// Waits for the "Listening on port: N" log line and returns N.
    static func listeningPort(_ gateway: KrakendProcess) async throws -> Int {
        try await gateway.waitForOutput { text -> Int? in
            guard let range = text.range(of: "Listening on port: ") else { return nil }
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            return digits.isEmpty ? nil : Int(digits)
        }
    }

    @Test func sigtermDrainsInFlightRequests() async throws {
        try await withBackend { backend in
            let files = try Files()
            let path = try files.write("drain.json", """
            {"version": 3, "listen_ip": "127.0.0.1", "timeout": "10s", "host": ["\(backend.url)"], "endpoints": [
              {"endpoint": "/slow", "backend": [{"url_pattern": "/slow/1500"}]}
            ]}
            """)
            let gateway = try await KrakendProcess(["run", "-c", path, "-p", "0"])
            let port = try await Self.listeningPort(gateway)
            let inFlight = Task { try await TestHTTP.request("http://127.0.0.1:\(port)/slow") }
            // Signal only once the request has reached the backend.
            let deadline = ContinuousClock.now + .seconds(20)
            while backend.requestCount == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(backend.requestCount == 1)
            gateway.signal(SIGTERM)
            let response = try await inFlight.value
            #expect(response.status == 200)
            #expect(response.json?["slow"] == .bool(true))
            let result = try await gateway.waitForExit(timeout: .seconds(30))
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func runDebugFlagEnablesDebugEndpoint() async throws {
        let files = try Files()
        let path = try files.write("debug.json", #"{"version": 3, "listen_ip": "127.0.0.1", "endpoints": []}"#)
        for debug in [false, true] {
            let gateway = try await KrakendProcess(["run", "-c", path, "-p", "0"] + (debug ? ["-d"] : []))
            let port = try await Self.listeningPort(gateway)
            let response = try await TestHTTP.request("http://127.0.0.1:\(port)/__debug/x")
            #expect(response.status == (debug ? 200 : 404), "with -d: \(debug)")
            gateway.signal(SIGTERM)
            _ = try await gateway.waitForExit(timeout: .seconds(30))
        }
    }
}

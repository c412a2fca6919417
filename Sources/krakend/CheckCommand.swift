import ArgumentParser
import Foundation
import GatewayCore
import GatewayRuntime
import Logging

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validates that the configuration file is valid.",
        discussion: "Parses the configuration (JSON, YAML or TOML), reports every problem with its path, and with --lint checks it against the KrakenD schema.",
        aliases: ["validate"]
    )

    @Option(name: [.customShort("c"), .long], help: "Path to the configuration file")
    var config: String

    @Flag(name: [.customShort("d"), .long], help: "Show how the configuration is interpreted")
    var debug: Int

    @Flag(name: [.customShort("l"), .long], help: "Lint against the KrakenD schema (bundled, no network)")
    var lint = false

    @Flag(name: [.customShort("n"), .customLong("lint-no-network")], help: "Same as --lint: the schema is always the bundled one")
    var lintNoNetwork = false

    @Option(name: [.customShort("s"), .customLong("lint-schema")], help: "Lint against the schema folder at this path")
    var lintSchema: String?

    @Flag(name: [.customShort("t"), .customLong("test-gin-routes")], help: "Build the router and every endpoint, as run would")
    var testRoutes = false

    func run() throws {
        let document: Value
        let service: ServiceConfig
        do {
            document = try ConfigLoader.readDocument(path: config)
            service = try ConfigParser.parse(document, environment: ProcessInfo.processInfo.environment)
        } catch {
            report(error, file: config)
            throw ExitCode.failure
        }
        var failed = false
        if lint || lintNoNetwork || lintSchema != nil {
            let linter: SchemaLinter
            do {
                linter = try lintSchema.map { try SchemaLinter(schemaDirectory: URL(fileURLWithPath: $0)) } ?? SchemaLinter()
            } catch {
                var e = StandardError()
                print("ERROR loading the schema: \(error)", to: &e)
                throw ExitCode.failure
            }
            let problems = linter.lint(document)
            if !problems.isEmpty {
                var e = StandardError()
                print("ERROR linting the configuration file \(config):", to: &e)
                for p in problems { print("  \(p)", to: &e) }
                failed = true
            }
        }
        // `check` is strict: what `run` only warns about fails here.
        do {
            let adapterProblems = try ProtocolModules.load(for: service).problems(service)
            if !adapterProblems.errors.isEmpty || !adapterProblems.warnings.isEmpty {
                report(ConfigError(adapterProblems.errors + adapterProblems.warnings), file: config)
                failed = true
            }
        } catch {
            report(error, file: config)
            failed = true
        }
        if testRoutes {
            do {
                try Gateway.checkRoutes(service)
            } catch {
                report(error, file: config)
                failed = true
            }
        }
        if debug > 0 { print(ConfigSummary.describe(service)) }
        if failed { throw ExitCode.failure }
        print("Syntax OK!")
    }
}

enum ConfigSummary {
    static func describe(_ c: ServiceConfig) -> String {
        var lines = ["Global settings", "    Name: \(c.name)", "    Port: \(c.port)",
                     "    Default timeout: \(c.timeout)", "    Default cache TTL: \(c.cacheTTL)",
                     "\(c.extraConfig.count) global component configuration(s):"]
        lines += c.extraConfig.keys.sorted().map { "- \($0)" }
        lines.append("\(c.endpoints.count) API endpoints:")
        for e in c.endpoints {
            lines.append("    - \(e.method) \(e.endpoint)")
            lines.append("    Timeout: \(e.timeout)")
            if !e.inputQueryStrings.isEmpty { lines.append("    QueryString: \(e.inputQueryStrings)") }
            if !e.inputHeaders.isEmpty { lines.append("    Headers to pass: \(e.inputHeaders)") }
            lines.append("    OutputEncoding: \(e.outputEncoding)")
            lines.append("    Connecting to \(e.backends.count) backend(s):")
            for b in e.backends {
                lines.append("        [+] \(b.method) \(b.urlPattern)")
                lines.append("        Hosts: \(b.host)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

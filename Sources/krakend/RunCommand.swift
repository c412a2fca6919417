import ArgumentParser
import Dispatch
import Foundation
import GatewayCore
import GatewayRuntime
import Logging
import NIOCore
import NIOPosix

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the KrakenD server.")

    @Option(name: [.customShort("c"), .long], help: "Path to the configuration file")
    var config: String

    @Flag(name: [.customShort("d"), .long], help: "Enable the debug endpoint and debug logs")
    var debug = false

    @Option(name: [.customShort("p"), .long], help: "Port of the service (overrides the configuration)")
    var port: Int?

    func run() async throws {
        var service: ServiceConfig
        do {
            service = try ConfigLoader.load(path: config)
        } catch {
            report(error, file: config)
            throw ExitCode.failure
        }
        if let port { service.port = port }
        if debug { service.debugEndpoint = true }

        let logger = Self.makeLogger(service: service, debug: debug)
        let settings: ServerSettings
        do { settings = try ServerSettings(service) } catch {
            report(ConfigError(path: "tls", "cannot load the TLS keys: \(error)"), file: config)
            throw ExitCode.failure
        }
        let termination = Termination.catchSignals()
        let running: RunningGateway
        do {
            running = try await RunningGateway.start(service, settings: settings, logger: logger)
        } catch let error as ConfigError {
            report(error, file: config)
            throw ExitCode.failure
        }
        logger.info("Listening on port: \(running.port)")

        await termination.signalled()
        logger.info("Shutting down: draining in-flight requests")
        await running.stop()
        logger.info("Stopped")
    }

    static func makeLogger(service: ServiceConfig, debug: Bool) -> Logger {
        let configured = service.extraConfig["telemetry/logging"]?["level"]?.stringValue?.lowercased()
        let prefix = service.extraConfig["telemetry/logging"]?["prefix"]?.stringValue ?? "[KRAKEND]"
        var level: Logger.Level = .info
        switch configured {
        case "debug": level = .debug
        case "warning": level = .warning
        case "error": level = .error
        case "critical": level = .critical
        default: break
        }
        if debug { level = .debug }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: prefix)
    }
}

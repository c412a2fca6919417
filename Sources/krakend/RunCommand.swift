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
        let running: RunningGateway
        do {
            running = try await RunningGateway.start(service, settings: settings, logger: logger)
        } catch let error as ConfigError {
            report(error, file: config)
            throw ExitCode.failure
        }
        logger.info("Listening on port: \(running.port)")

        await Self.waitForTermination()
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

    /// Returns on the first SIGTERM or SIGINT.
    static func waitForTermination() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            var sources: [DispatchSourceSignal] = []
            for sig in [SIGTERM, SIGINT] {
                signal(sig, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
                sources.append(source)
            }
            SignalSources.keep(sources)
        }
    }
}

/// Keeps the signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    static func keep(_ s: [DispatchSourceSignal]) { sources = s }
}

final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func claim() -> Bool {
        lock.lock(); defer { lock.unlock() }
        if done { return false }
        done = true
        return true
    }
}

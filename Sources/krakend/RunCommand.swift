import ArgumentParser
import Dispatch
import Foundation
import GatewayCore
import GatewayGRPC
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
        let modules: ProtocolModules
        do {
            modules = try ProtocolModules.load(for: service)
            for warning in modules.warnings { logger.warning("\(warning)") }
        } catch {
            report(error, file: config)
            throw ExitCode.failure
        }
        Self.reportNamespaces(service, adapters: modules.adapters, logger: logger)

        var settings: ServerSettings
        do { settings = try ServerSettings(service) } catch {
            report(ConfigError(path: "tls", "cannot load the TLS keys: \(error)"), file: config)
            throw ExitCode.failure
        }

        let group = MultiThreadedEventLoopGroup.singleton
        let client = HTTPBackendClient(settings: service.client, eventLoopGroup: group)
        let gateway: Gateway
        let grpcServer: GRPCServer?
        do {
            gateway = try Gateway(config: service, client: client, logger: logger, adapters: modules.adapters,
                                  upgrades: ProtocolModules.upgrades(group: group, logger: logger))
            grpcServer = try modules.grpcServer(for: service, client: client)
        } catch {
            report(error, file: config)
            await client.shutdown()
            throw ExitCode.failure
        }

        let server: GatewayServer
        do {
            server = try await GatewayServer.start(settings: settings, app: gateway, streamServices: grpcServer.map { [$0] } ?? [], group: group)
        } catch where settings.host == "::" {
            // No IPv6 on this machine: listen on every IPv4 address instead.
            settings.host = "0.0.0.0"
            server = try await GatewayServer.start(settings: settings, app: gateway, streamServices: grpcServer.map { [$0] } ?? [], group: group)
        }
        for warning in modules.problems(service).warnings {
            logger.warning("\(warning)")
        }
        if let grpcServer {
            logger.info("gRPC server on the same port: \(grpcServer.serviceNames.count) services, reflection and health included")
        }
        logger.info("Listening on port: \(server.port)")

        await Self.waitForTermination()
        logger.info("Shutting down: draining in-flight requests")
        grpcServer?.beginShutdown()
        await server.shutdown()
        await gateway.shutdown()
        await client.shutdown()
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

    /// Namespaces the gateway does not act on are ignored, as KrakenD ignores
    /// them; the ones of modules still to come are said out loud.
    static func reportNamespaces(_ service: ServiceConfig, adapters: BackendAdapters, logger: Logger) {
        let understood = Gateway.understoodNamespaces.union(adapters.namespaces).union(ProtocolModules.serviceNamespaces)
        var seen = Set(service.extraConfig.keys)
        for e in service.endpoints {
            seen.formUnion(e.extraConfig.keys)
            for b in e.backends { seen.formUnion(b.extraConfig.keys) }
        }
        for namespace in seen.sorted() {
            if !understood.contains(namespace) {
                logger.debug("ignoring the extra_config namespace \(namespace)")
            }
        }
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

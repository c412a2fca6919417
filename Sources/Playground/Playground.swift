import Foundation
import GatewayCore
import GatewayRuntime
import Logging
import NIOCore
import NIOPosix

/// `swift run playground [DIR] [--ports GATEWAY,SERVICES,FLIGHTS]`: the demo
/// services and, in front of them, the gateway on :8080 with
/// examples/playground/krakend.json. Everything listens on loopback only;
/// Ctrl-C stops it all. `--ports` moves the three ports (8080, 8090, 8091),
/// which the configs name as they are, e.g. when 8080 is taken.
///
/// - 127.0.0.1:8090: `DemoBackends` (JSON, SOAP, GraphQL, WebSocket chat);
/// - 127.0.0.1:8091: a gRPC flight finder (flight_finder.Flights), served by
///   the gateway's own gRPC server from examples/playground/flights-service.json
///   with the JSON flights of :8090 behind it;
/// - 127.0.0.1:8080: the playground gateway.
@main
enum Playground {
    struct Ports {
        var gateway = 8080
        var services = 8090
        var flights = 8091
    }

    static func main() async {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardOutput(label: label)
            handler.logLevel = .info
            return handler
        }
        var directory = "examples/playground"
        var ports = Ports()
        var arguments = CommandLine.arguments.dropFirst()
        while let argument = arguments.popFirst() {
            if argument == "--ports", let list = arguments.popFirst() {
                let numbers = list.split(separator: ",").compactMap { Int($0) }
                guard numbers.count == 3 else { fail("--ports takes three ports: GATEWAY,SERVICES,FLIGHTS") }
                ports = Ports(gateway: numbers[0], services: numbers[1], flights: numbers[2])
            } else if argument.hasPrefix("-") {
                fail("usage: playground [DIR] [--ports GATEWAY,SERVICES,FLIGHTS]")
            } else {
                directory = argument
            }
        }
        do {
            try await run(directory: directory, ports: ports)
        } catch {
            fail("playground: \(error)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        exit(1)
    }

    /// A playground config with the ports moved: the files name 8080, 8090
    /// and 8091 as they are.
    static func load(_ path: String, ports: Ports) throws -> ServiceConfig {
        guard var text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(path: path, "cannot read it: run the playground from the repository's root, or give its directory")
        }
        for (from, to) in [(8080, ports.gateway), (8090, ports.services), (8091, ports.flights)] where from != to {
            text = text.replacingOccurrences(of: "127.0.0.1:\(from)", with: "127.0.0.1:\(to)")
                .replacingOccurrences(of: "\"port\": \(from),", with: "\"port\": \(to),")
        }
        return try ConfigParser.parse(ConfigLoader.parseDocument(Data(text.utf8), format: .json, name: path))
    }

    static func run(directory: String, ports: Ports) async throws {
        let logger = Logger(label: "[PLAYGROUND]")
        let termination = Termination.catchSignals()
        var settings = ServerSettings()
        settings.host = "127.0.0.1"
        settings.port = ports.services
        let backends: GatewayServer
        do {
            backends = try await GatewayServer.start(settings: settings, app: DemoBackends(), group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            throw PortTaken(port: ports.services, error: error)
        }
        logger.info("demo services (JSON, SOAP, GraphQL, WebSocket chat) on 127.0.0.1:\(ports.services)")
        var started: [RunningGateway] = []
        func stopAll(within deadline: Duration) async {
            for gateway in started.reversed() { await gateway.stop(deadline: deadline) }
            await backends.shutdown(deadline: deadline)
        }
        do {
            for (file, what) in [("flights-service.json", "gRPC flight finder"), ("krakend.json", "gateway")] {
                let path = directory + "/" + file
                let service = try load(path, ports: ports)
                let gateway: RunningGateway
                do {
                    gateway = try await RunningGateway.start(service, settings: try ServerSettings(service), logger: logger)
                } catch let error as IOError {
                    throw PortTaken(port: service.port, error: error)
                }
                started.append(gateway)
                logger.info("\(what) on 127.0.0.1:\(gateway.port) (\(path))")
            }
        } catch {
            await stopAll(within: .seconds(2))
            throw error
        }
        logger.info("Playground ready: try `curl -s localhost:\(ports.gateway)/users/1` (README, \"The playground\"); Ctrl-C stops it")
        await termination.signalled()
        logger.info("Shutting down")
        await stopAll(within: .seconds(5))
        logger.info("Stopped")
    }
}

struct PortTaken: Error, CustomStringConvertible {
    var port: Int
    var error: Error
    var description: String {
        "cannot listen on 127.0.0.1:\(port) (\(error)); is a playground already running? `--ports` moves the three ports"
    }
}

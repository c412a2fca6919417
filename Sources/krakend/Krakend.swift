import ArgumentParser
import GatewayCore
import NIOCore
import NIOPosix

/// `krakend`: the command line KrakenD users know.
@main
struct Krakend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "krakend",
        abstract: "The API Gateway builder: a KrakenD-compatible gateway in Swift.",
        version: GatewayVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, VersionCommand.self]
    )

    static func main() async {
        // Tasks then run on the NIO event loops that also serve the sockets,
        // which saves a thread hop per request. It must come first.
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Shows the gateway version.")

    func run() {
        print("KrakenD Version: \(GatewayVersion.current)")
        print("Configuration compatible with KrakenD \(GatewayVersion.krakendCompatibility) (krakend.json version 3)")
    }
}

/// Prints every configuration problem, one per line, on standard error.
func report(_ error: ConfigError, file: String) {
    var stderr = StandardError()
    print("ERROR parsing the configuration file \(file):", to: &stderr)
    for problem in error.problems { print("  \(problem)", to: &stderr) }
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandleOutput.writeStderr(string)
    }
}

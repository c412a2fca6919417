import ArgumentParser
import GatewayCore

/// `krakend`: the command line KrakenD users know.
@main
struct Krakend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "krakend",
        abstract: "The API Gateway builder: a KrakenD-compatible gateway in Swift.",
        version: GatewayVersion.current,
        subcommands: [RunCommand.self, CheckCommand.self, VersionCommand.self]
    )
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

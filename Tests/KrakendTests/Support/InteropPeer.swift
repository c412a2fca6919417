import Foundation

/// A real protocol peer from Tests/interop (a Python server the project did
/// not write the protocol of), run as a child process. It prints its port on
/// its first line and stops when its stdin closes; `stop()` also kills it.
final class InteropPeer: @unchecked Sendable {
    static let interopDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("interop")

    struct NotStarted: Error, CustomStringConvertible {
        var description: String
    }

    let process = Process()
    let port: Int
    /// Ports on the following lines, for a peer that listens on several
    /// (`ports:` asks for how many lines to wait for).
    let morePorts: [Int]
    private let stdin = Pipe()
    private let output: URL

    /// Starts `python3 Tests/interop/<script>` and waits (bounded) for its port.
    init(script: String, arguments: [String] = [], ports: Int = 1, timeout: Duration = .seconds(20)) async throws {
        output = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.interopDirectory.appendingPathComponent(script).path] + arguments
        process.standardInput = stdin
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try await ProcessLauncher.run(process)
        let deadline = ContinuousClock.now + timeout
        var found: [Int] = []
        while found.count < ports, ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()  // complete lines only
            found = lines.prefix(ports).compactMap { Int($0) }
            if found.count < ports { try await Task.sleep(for: .milliseconds(50)) }
        }
        guard found.count == ports else {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if process.isRunning { process.terminate() }
            throw NotStarted(description: "\(script) did not start (run Tests/interop/setup.sh): \(text)")
        }
        port = found[0]
        morePorts = Array(found.dropFirst())
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Stops the peer, killing it if it has not exited within two seconds.
    func stop() async {
        try? stdin.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        let deadline = ContinuousClock.now + .seconds(2)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: output)
    }

    deinit { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
}

/// Runs `body` with the peer started, and stops it however `body` ends.
func withInteropPeer<T>(_ script: String, arguments: [String] = [], _ body: (InteropPeer) async throws -> T) async throws -> T {
    let peer = try await InteropPeer(script: script, arguments: arguments)
    do {
        let result = try await body(peer)
        await peer.stop()
        return result
    } catch {
        await peer.stop()
        throw error
    }
}

/// A client-side script from Tests/interop run to its end: its exit status
/// and everything it printed. Killed if it outlives `timeout`.
enum InteropScript {
    static func run(_ script: String, _ arguments: [String], timeout: Duration = .seconds(120)) async throws -> (status: Int32, output: String) {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("interop-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", InteropPeer.interopDirectory.appendingPathComponent(script).path] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = process.standardOutput
        try await ProcessLauncher.run(process)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        var text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        if process.terminationReason == .uncaughtSignal { text += "\n(killed by signal \(process.terminationStatus))" }
        return (process.terminationStatus, text)
    }
}

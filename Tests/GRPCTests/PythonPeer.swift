import Foundation

/// The grpcio echo server (Tests/interop/grpc/echo_server.py) in a child
/// process. Waits are polled with Task.sleep and bounded, so no concurrency
/// thread blocks; `stop()` always ends the process (SIGTERM, then SIGKILL).
final class PythonPeer: @unchecked Sendable {
    let process = Process()
    private let stdin = Pipe()
    private let stdout = Pipe()
    private let lock = NSLock()
    private var output = Data()
    private(set) var port = 0
    private(set) var tlsPort = 0

    static var scriptPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("interop/grpc/echo_server.py").path
    }

    /// Starts the server and waits (at most `timeout`) for its port line.
    static func start(certificate: String? = nil, key: String? = nil, port: Int? = nil, timeout: Duration = .seconds(15)) async throws -> PythonPeer {
        let peer = PythonPeer()
        var arguments = [scriptPath]
        if let certificate, let key { arguments += ["--cert", certificate, "--key", key] }
        if let port { arguments += ["--port", String(port)] }
        peer.process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        peer.process.arguments = ["python3"] + arguments
        peer.process.standardInput = peer.stdin
        peer.process.standardOutput = peer.stdout
        peer.stdout.fileHandleForReading.readabilityHandler = { [weak peer] handle in
            let data = handle.availableData
            guard let peer, !data.isEmpty else { return }
            peer.lock.withLock { peer.output.append(data) }
        }
        try peer.process.run()
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            if let line = peer.firstLine() {
                let ports = line.split(separator: " ").compactMap { Int($0) }
                peer.port = ports.first ?? 0
                peer.tlsPort = ports.count > 1 ? ports[1] : 0
                if peer.port > 0 { return peer }
                break
            }
            if !peer.process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        await peer.stop()
        throw PeerError(description: "the Python gRPC server did not start")
    }

    private func firstLine() -> String? {
        lock.withLock {
            guard let newline = output.firstIndex(of: 0x0A) else { return nil }
            return String(decoding: output[..<newline], as: UTF8.self)
        }
    }

    /// Kills the server at once, as a crash would.
    func kill() async {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        await waitForExit(timeout: .seconds(5))
    }

    /// Closes its stdin (it exits), then terminates it if it lingers.
    func stop() async {
        try? stdin.fileHandleForWriting.close()
        await waitForExit(timeout: .seconds(2))
        if process.isRunning { process.terminate() }
        await waitForExit(timeout: .seconds(2))
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        await waitForExit(timeout: .seconds(2))
        stdout.fileHandleForReading.readabilityHandler = nil
    }

    private func waitForExit(timeout: Duration) async {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while process.isRunning && clock.now < end {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}

struct PeerError: Error, CustomStringConvertible {
    var description: String
}

/// A self-signed certificate for localhost and 127.0.0.1, made with openssl
/// in a fresh temporary directory.
struct TestCertificate {
    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var key: String { directory.appendingPathComponent("key.pem").path }

    static func make() async throws -> TestCertificate {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("grpc-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let result = TestCertificate(directory: directory)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", result.key, "-out", result.certificate, "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ]
        openssl.standardOutput = FileHandle.nullDevice
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        let clock = ContinuousClock()
        let end = clock.now + .seconds(20)
        while openssl.isRunning && clock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        if openssl.isRunning { openssl.terminate() }
        guard openssl.terminationStatus == 0 else { throw PeerError(description: "openssl failed") }
        return result
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

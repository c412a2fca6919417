import Foundation

/// The built `krakend` executable, run as a child process with its output in
/// temporary files (no pipe can fill up and block it) and every wait bounded.
final class KrakendProcess {
    /// Where SwiftPM put the executable: next to the test bundle, or in the
    /// package's `.build/debug`.
    static let executable = built("krakend")

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One of the package's executables (`krakend`, `playground`).
    static func built(_ name: String) -> URL? {
        let fm = FileManager.default
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name),
            Bundle.main.bundleURL.appendingPathComponent(name),
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name),
            packageRoot.appendingPathComponent(".build/debug/\(name)"),
        ]
        return candidates.first { url in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &isDirectory) && !isDirectory.boolValue && fm.isExecutableFile(atPath: url.path)
        }
    }

    struct NotBuilt: Error, CustomStringConvertible {
        var description: String { "the executable was not found next to the tests nor in .build/debug" }
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    let process = Process()
    let directory: URL
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `krakend arguments…` (or another `executable`, in `directory`)
    /// with the test's environment minus every `KRAKEND_*` variable, plus
    /// `environment`.
    init(_ arguments: [String], environment: [String: String] = [:], executable: URL? = KrakendProcess.executable,
         directory workingDirectory: URL? = nil) async throws {
        guard let executable else { throw NotBuilt() }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("krakend-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stdoutURL = directory.appendingPathComponent("stdout")
        stderrURL = directory.appendingPathComponent("stderr")
        FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("KRAKEND_") }
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try await ProcessLauncher.run(process)
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    struct TimedOut: Error, CustomStringConvertible {
        var what: String
        var description: String { "timed out waiting for \(what)" }
    }

    /// Waits for the process to exit; past `timeout` it is killed and this throws.
    func waitForExit(timeout: Duration = .seconds(60)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                kill(process.processIdentifier, SIGKILL)
                throw TimedOut(what: "krakend \(process.arguments ?? []) to exit; stdout: \(stdout) stderr: \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Polls standard output until `extract` finds something in it.
    func waitForOutput<T>(timeout: Duration = .seconds(60), _ extract: (String) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let found = extract(stdout) { return found }
            if !process.isRunning { throw TimedOut(what: "output from a process that exited: stdout: \(stdout) stderr: \(stderr)") }
            if ContinuousClock.now > deadline { throw TimedOut(what: "output; stdout: \(stdout) stderr: \(stderr)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Runs `krakend arguments…` to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Result {
        try await KrakendProcess(arguments, environment: environment).waitForExit(timeout: timeout)
    }
}

/// Foundation's `Process.run` is not safe to call from several threads at
/// once on Linux (seen here: a crash in its memcpy while parallel tests
/// started processes): every test starts its processes through here, one at
/// a time, on a Dispatch thread. Spawning from a big test process under load
/// can take a while, and two tests waiting here on the task pool's two
/// threads stalled every other test and the in-process gateways with them.
enum ProcessLauncher {
    private static let lock = NSLock()

    static func run(_ process: Process) async throws {
        let box = UncheckedBox(process)
        try await offThePool {
            lock.lock()
            defer { lock.unlock() }
            try box.value.run()
        }
    }
}

/// Hands a non-Sendable value to another thread that is its only user.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

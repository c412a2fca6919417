import Foundation
import Testing

/// KrakenD CE's own integration specs (../shared/conformance/krakend-ce), run
/// against the built `krakend` binary with KrakenD's test config unchanged.
/// Only the features this gateway implements are required to pass.
@Suite("KrakenD CE conformance")
struct ConformanceTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let runner = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance/krakend-ce/run.py")

    /// The specs of the foundation: routing, forwarding, no-op, backend status handling.
    static let required = "router_404,router_405,param_forwarding_*,query_forwarding_*,no-op_*,backend_*"

    @Test(.enabled(if: FileManager.default.fileExists(atPath: runner.path), "the conformance kit is not beside this checkout"))
    func foundationSpecsPass() async throws {
        let binary = try KrakendBinary.path()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("conformance-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.runner.path, "--gateway", binary, "--only", Self.required]
        process.standardOutput = output
        process.standardError = output
        try await ProcessLauncher.run(process)
        // Polled with Task.sleep: a blocked thread would starve the other tests'
        // in-process servers. The runner bounds its own requests; this bounds the whole.
        let deadline = ContinuousClock.now + .seconds(180)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        if process.isRunning { process.terminate() }
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        try output.close()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let failures = text.split(separator: "\n").filter { $0.hasPrefix("FAIL ") }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(text.contains(" passed, 0 failed"), "\(text.suffix(2000))")
    }
}

/// Where `swift build` put the `krakend` executable.
enum KrakendBinary {
    static func path() throws -> String {
        // The test bundle lives in the same products folder as the executable.
        var candidates: [URL] = []
        let bundle = Bundle.main.bundleURL
        candidates.append(bundle.deletingLastPathComponent().appendingPathComponent("krakend"))
        candidates.append(bundle.appendingPathComponent("krakend"))
        candidates.append(ConformanceTests.repoRoot.appendingPathComponent(".build/debug/krakend"))
        for c in candidates where FileManager.default.isExecutableFile(atPath: c.path) { return c.path }
        throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: candidates.map(\.path).joined(separator: ", ")])
    }
}

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
    func foundationSpecsPass() throws {
        let binary = try KrakendBinary.path()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Self.runner.path, "--gateway", binary, "--only", Self.required]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // The runner bounds every request and its own start-up; this bounds the whole.
        let deadline = Date().addingTimeInterval(180)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
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

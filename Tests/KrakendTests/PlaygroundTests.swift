import Foundation
import Testing

/// The README never lies about the playground: every command of its tour
/// (a `sh` block followed by its output block, in "## The playground") is run
/// against a freshly started `playground` and must print what the README shows.
@Suite struct PlaygroundTests {
    struct Step {
        var command: String
        var output: String
    }

    /// The tour's commands and outputs, in README order.
    static func tour() throws -> [Step] {
        let readme = try String(contentsOf: KrakendProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        guard let start = readme.range(of: "\n## The playground\n") else { return [] }
        let section = readme[start.upperBound...].components(separatedBy: "\n## ")[0]
        let blocks = section.components(separatedBy: "```")
        // Fences alternate: text, opening + body, text, …; a sh block right
        // before an output block (nothing but a newline between) is a step.
        var steps: [Step] = []
        var index = 1
        while index + 2 < blocks.count {
            let block = blocks[index], between = blocks[index + 1], next = blocks[index + 2]
            if block.hasPrefix("sh\n"), between == "\n", next.hasPrefix("json\n") || next.hasPrefix("text\n") {
                steps.append(Step(command: String(block.dropFirst(3)).trimmingCharacters(in: .newlines),
                                  output: String(next.drop { $0 != "\n" }.dropFirst()).trimmingCharacters(in: .newlines)))
                index += 4
            } else {
                index += 2
            }
        }
        return steps
    }

    /// Session uuids differ on every run: the chat's 8-character prefix is
    /// compared as a placeholder.
    static func normalized(_ text: String) -> String {
        text.replacingOccurrences(of: #"\b[0-9a-f]{8}: "#, with: "<uuid>: ", options: .regularExpression)
            .trimmingCharacters(in: .newlines)
    }

    @Test func everyTourCommandPrintsWhatTheREADMEShows() async throws {
        let steps = try Self.tour()
        #expect(steps.count >= 8, "the README's tour was not found: \(steps.count) steps")
        let ports = try await Self.threeFreePorts()
        let playground = try await KrakendProcess(["--ports", ports.map(String.init).joined(separator: ",")],
                                                  executable: KrakendProcess.built("playground"), directory: KrakendProcess.packageRoot)
        defer { playground.signal(SIGKILL) }
        _ = try await playground.waitForOutput(timeout: .seconds(60)) { $0.contains("Playground ready") ? true : nil }
        for step in steps {
            let command = step.command.replacingOccurrences(of: "localhost:8080", with: "localhost:\(ports[0])")
            let run = try await KrakendProcess(["-c", command], executable: URL(fileURLWithPath: "/bin/sh"),
                                               directory: KrakendProcess.packageRoot).waitForExit(timeout: .seconds(60))
            #expect(run.status == 0, "\(step.command): \(run.stderr)")
            #expect(Self.normalized(run.stdout) == Self.normalized(step.output), "\(step.command)")
        }
        playground.signal(SIGINT)
        let stopped = try await playground.waitForExit(timeout: .seconds(30))
        #expect(stopped.status == 0, "\(stopped.stderr)")
        #expect(stopped.stdout.contains("Stopped"))
    }

    /// Three loopback ports nobody listens on, chosen by the kernel.
    static func threeFreePorts() async throws -> [Int] {
        try await withClosedLoopbackPort { a in
            try await withClosedLoopbackPort { b in
                try await withClosedLoopbackPort { c in [a, b, c] }
            }
        }
    }
}

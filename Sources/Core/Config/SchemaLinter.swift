import Foundation

/// Checks a configuration against KrakenD's JSON schema, as
/// `krakend check --lint` does: unknown keys, wrong types, values outside an
/// enum, missing required keys, violated bounds and patterns.
///
/// The schema is read and compiled once, in the initializer; `lint` is then
/// cheap and safe to call from any thread.
public final class SchemaLinter: Sendable {
    private let validator: SchemaValidator
    private let root: Int

    /// Uses the schema bundled with GatewayCore (KrakenD v2.13's).
    public convenience init() throws {
        guard let directory = Bundle.module.url(forResource: "Schema", withExtension: nil) else {
            throw SchemaLoadError(message: "the bundled KrakenD schema is missing")
        }
        try self.init(schemaDirectory: directory)
    }

    /// Uses the schema files in `schemaDirectory`, starting at `entry`.
    ///
    /// `krakend.json` is the self-contained bundle KrakenD publishes; `_root.json`
    /// is the same schema split over files that refer to one another by URL.
    public init(schemaDirectory: URL, entry: String = "krakend.json") throws {
        let documents = SchemaDocuments(directory: schemaDirectory)
        let compiler = SchemaCompiler(documents: documents)
        root = try compiler.compileDocument(try documents.load(relativePath: entry))
        validator = SchemaValidator(nodes: compiler.nodes)
    }

    /// Every violation in `config`, sorted by path.
    public func lint(_ config: Value) -> [LintProblem] {
        var issues: [SchemaIssue] = []
        validator.validate(config, root, at: [], into: &issues)
        // A `$ref` and its sibling `type` can report the same thing twice.
        var seen: Set<[String]> = []
        return issues
            .sorted { a, b in
                if a.path != b.path { return [LintPathStep].precedes(a.path, b.path) }
                return a.message < b.message
            }
            .compactMap { issue in
                let problem = LintProblem(path: issue.path.rendered, message: issue.message)
                return seen.insert([problem.path, problem.message]).inserted ? problem : nil
            }
    }
}

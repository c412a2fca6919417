/// One place where a configuration breaks KrakenD's JSON schema, as reported
/// by `krakend check --lint`.
///
/// `path` names the offending value the way a user would write it,
/// `endpoints[3].backend[0].url_pattern` or `extra_config.router.return_error_msg`;
/// it is empty for the document root.
public struct LintProblem: Sendable, Equatable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

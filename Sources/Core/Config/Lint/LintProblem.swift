/// One place where a configuration breaks KrakenD's JSON schema, as reported
/// by `krakend check --lint`: the same shape as any configuration problem,
/// a path as a user would write it (`endpoints[3].backend[0].url_pattern`,
/// empty for the document root) and a message.
public typealias LintProblem = ConfigProblem

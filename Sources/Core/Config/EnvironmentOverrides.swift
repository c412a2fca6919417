/// `KRAKEND_PORT=8000 krakend run …`: the documented environment variables
/// that override root settings the file declares, applied before parsing.
enum EnvironmentOverrides {
    enum Kind { case integer, boolean, text }

    /// The root settings that can be overridden, with their types.
    static let settings: [(key: String, kind: Kind)] = [
        ("port", .integer), ("listen_ip", .text), ("name", .text),
        ("timeout", .text), ("cache_ttl", .text), ("output_encoding", .text),
        ("read_timeout", .text), ("read_header_timeout", .text), ("write_timeout", .text),
        ("idle_timeout", .text), ("max_header_bytes", .integer), ("use_h2c", .boolean),
        ("disable_rest", .boolean), ("debug_endpoint", .boolean), ("echo_endpoint", .boolean),
        ("sequential_start", .boolean),
        ("dialer_timeout", .text), ("dialer_keep_alive", .text), ("dialer_fallback_delay", .text),
        ("disable_compression", .boolean), ("disable_keep_alives", .boolean),
        ("max_idle_connections", .integer), ("max_idle_connections_per_host", .integer),
        ("idle_connection_timeout", .text), ("response_header_timeout", .text),
        ("expect_continue_timeout", .text),
    ]

    static func apply(_ environment: [String: String], to root: inout [String: Value], problems: ProblemList) {
        guard !environment.isEmpty else { return }
        for (key, kind) in settings {
            let variable = "KRAKEND_" + key.uppercased()
            // As documented, a variable overrides a setting the file declares; it adds none.
            guard root[key] != nil, let text = environment[variable] else { continue }
            switch kind {
            case .text:
                root[key] = .string(text)
            case .integer:
                if let i = Int(text) { root[key] = Value(i) } else { problems.add(variable, "expected an integer for \(key), got \"\(text)\"") }
            case .boolean:
                switch text.lowercased() {
                case "true", "1", "t": root[key] = .bool(true)
                case "false", "0", "f": root[key] = .bool(false)
                default: problems.add(variable, "expected true or false for \(key), got \"\(text)\"")
                }
            }
        }
    }
}

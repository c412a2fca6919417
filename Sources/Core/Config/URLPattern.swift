/// A backend `url_pattern` such as `/users/{id}?fields={fields}`, split once at
/// start-up into literal text and `{placeholders}` so a request only concatenates.
public struct URLPattern: Sendable, Equatable {
    enum Piece: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let pieces: [Piece]
    /// Whether the pattern carries its own query string (`?a=b`).
    public let hasQuery: Bool

    public init(_ pattern: String) {
        var pieces: [Piece] = []
        var literal = ""
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            literal += rest[..<open]
            let name = rest[rest.index(after: open)..<close]
            if name.isEmpty || name.contains("{") {
                literal += rest[open...close]
            } else {
                if !literal.isEmpty { pieces.append(.literal(literal)); literal = "" }
                pieces.append(.parameter(String(name)))
            }
            rest = rest[rest.index(after: close)...]
        }
        literal += rest
        if !literal.isEmpty { pieces.append(.literal(literal)) }
        self.pieces = pieces
        self.hasQuery = pattern.contains("?")
    }

    /// The names of the `{placeholders}` in a path or pattern, in order.
    public static func parameterNames(in pattern: String) -> [String] {
        URLPattern(pattern).pieces.compactMap { if case .parameter(let n) = $0 { return n } else { return nil } }
    }

    public var parameterNames: [String] {
        pieces.compactMap { if case .parameter(let n) = $0 { return n } else { return nil } }
    }

    /// The path (and hard-coded query) with placeholders replaced; a placeholder
    /// with no value is left empty. `value` is told whether the placeholder
    /// sits in the query part, for values that need escaping.
    public func render(_ value: (_ name: String, _ inQuery: Bool) -> String?) -> String {
        var out = ""
        var inQuery = false
        for piece in pieces {
            switch piece {
            case .literal(let text):
                out += text
                if !inQuery, text.utf8.contains(UInt8(ascii: "?")) { inQuery = true }
            case .parameter(let name):
                out += value(name, inQuery) ?? ""
            }
        }
        return out
    }

    /// A value placed into a URL as Go's `url.URL` would send it: escaped for
    /// the path (`/` kept) or, after `?`, as a query value.
    public static func escape(_ value: String, inQuery: Bool) -> String {
        inQuery ? PercentEncoding.queryComponent(value) : PercentEncoding.path(value)
    }

    /// A value from outside a URL (a gRPC message field) for any `{param}`:
    /// escaped so it can neither leave its path segment nor add a query string.
    public static func escapeComponent(_ value: String) -> String {
        PercentEncoding.component(value)
    }
}

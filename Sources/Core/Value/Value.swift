/// The JSON-like value the proxy pipe works on: decoded backend responses,
/// merged responses, `extra_config` sections and the configuration itself.
///
/// Numbers keep their literal text, as Go's `json.Number` does in KrakenD,
/// so `1.50` from a backend is rendered `1.50` to the client.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    /// A JSON number literal, exactly as it was read (or as it was formatted
    /// when created from a Swift number): `42`, `-1.5e3`.
    case number(String)
    case string(String)
    case array([Value])
    case object([String: Value])
}

extension Value {
    public init(_ int: Int) { self = .number(String(int)) }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [Value]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [String: Value]? { if case .object(let o) = self { return o } else { return nil } }

    /// The number as an integer, when its literal is an integer (`3`, not `3.5`).
    public var intValue: Int? {
        guard case .number(let text) = self else { return nil }
        if let i = Int(text) { return i }
        if let d = Double(text), d == d.rounded(), abs(d) < 9.0e18 { return Int(d) }
        return nil
    }

    public var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    /// Member of an object; `nil` for anything else or a missing key.
    public subscript(key: String) -> Value? {
        guard case .object(let o) = self else { return nil }
        return o[key]
    }

    /// The JSON type name used in error messages and schema checks.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let t): return Int(t) != nil ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

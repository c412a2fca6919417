// What a template expression evaluates to. Go works on reflect.Values of
// decoded JSON (`map[string]interface{}`, `[]interface{}`, ...); here the data
// is a `Value`, plus the few things Go has that JSON has not.

enum TemplateValue: Sendable {
    /// Go's invalid `reflect.Value`: a missing map key, an untyped nil, no data.
    /// Printed directly it reads `<no value>`; passed to a function it is `nil`.
    case missing
    /// JSON data, strings, ints. `.null` is a nil `interface{}` stored in a map
    /// or array: falsy, `<nil>` when formatted, an error when a field is read from it.
    case value(Value)
    /// A Go `float64` made by the template itself (float literals, `float64`).
    case float(Double)
    /// A Go `time.Time` (from `now`).
    case time(TemplateTime)

    static let null = TemplateValue.value(.null)
    static let emptyString = TemplateValue.value(.string(""))
    static func string(_ s: String) -> TemplateValue { .value(.string(s)) }
    static func bool(_ b: Bool) -> TemplateValue { .value(.bool(b)) }
    static func int(_ i: Int) -> TemplateValue { .value(.number(String(i))) }

    /// Missing and null: what Go's `indirectInterface` turns into an invalid value.
    var isNil: Bool {
        switch self {
        case .missing, .value(.null): return true
        default: return false
        }
    }

    /// Go's truth (`if`, `with`, `and`, `or`, `not`) and Sprig's `empty` negated:
    /// false, 0, "", empty arrays and objects, nil.
    var isTruthy: Bool {
        switch self {
        case .missing: return false
        case .float(let d): return d != 0
        case .time: return true
        case .value(let v):
            switch v {
            case .null: return false
            case .bool(let b): return b
            case .string(let s): return !s.isEmpty
            case .array(let a): return !a.isEmpty
            case .object(let o): return !o.isEmpty
            case .number:
                switch number {
                case .int(let i): return i != 0
                case .float(let d): return d != 0
                case nil: return true
                }
            }
        }
    }

    /// A number seen the way Go would type it: integer literals are `int`,
    /// everything else (fractions, exponents, huge integers) `float64`.
    enum Number {
        case int(Int)
        case float(Double)

        var double: Double {
            switch self {
            case .int(let i): return Double(i)
            case .float(let d): return d
            }
        }
    }

    var number: Number? {
        switch self {
        case .float(let d): return .float(d)
        case .value(.number(let text)):
            if let i = Int(text) { return .int(i) }
            if let d = Double(text) { return .float(d) }
            return nil
        default: return nil
        }
    }

    var string: String? {
        if case .value(.string(let s)) = self { return s }
        return nil
    }

    /// The Go type name used in messages (`%T`, `wrong type for value; ... got T`).
    var goTypeName: String {
        switch self {
        case .missing: return "<nil>"
        case .float: return "float64"
        case .time: return "time.Time"
        case .value(let v):
            switch v {
            case .null: return "<nil>"
            case .bool: return "bool"
            case .string: return "string"
            case .array: return "[]interface {}"
            case .object: return "map[string]interface {}"
            case .number:
                if case .int = number { return "int" }
                return "float64"
            }
        }
    }

    /// As JSON data, for lists, dicts and `toJson`: nil becomes null, floats
    /// their Go `%v` text, times their RFC 3339 text (as Go's JSON encoder writes them).
    var asValue: Value {
        switch self {
        case .missing: return .null
        case .value(let v): return v
        case .float(let d): return .number(TemplateFloat.formatShortest(d))
        case .time(let t): return .string(t.rfc3339Nano)
        }
    }
}

import GatewayCore

// Reading a field's value out of a `Value` for encoding. The gateway fills
// requests from URL params, query strings and headers, which are all
// strings, so every scalar also accepts its text form: "42" for an int32,
// "true" for a bool, "1.5" for a double, an enum's name or number.

/// Why a `Value` could not be encoded: the dotted path of the offending field
/// (`where.latitude`, `cabins[1]`, `preferences[seat]`) and the problem.
public struct ProtobufEncodeError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var problem: String

    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String {
        path.isEmpty ? "protobuf: \(problem)" : "protobuf: field \(path): \(problem)"
    }

    /// The same error seen from the enclosing message: `component` goes in front.
    func inside(_ component: String) -> ProtobufEncodeError {
        var copy = self
        if path.isEmpty { copy.path = component }
        else if path.hasPrefix("[") { copy.path = component + path }
        else { copy.path = component + "." + path }
        return copy
    }

    static func cannotConvert(_ value: Value, to type: String) -> ProtobufEncodeError {
        let shown: String
        switch value {
        case .string(let s): shown = "\"\(s.count > 64 ? String(s.prefix(64)) + "…" : s)\""
        case .number(let n): shown = n
        case .bool(let b): shown = String(b)
        default: shown = "a value of type " + value.typeName
        }
        return ProtobufEncodeError(path: "", problem: "cannot convert \(shown) to \(type)")
    }
}

enum ValueConversion {
    /// The text of a number, whether it came as a JSON number or a string.
    @inline(__always)
    private static func numericText(_ value: Value) -> String? {
        switch value {
        case .number(let t): return t
        case .string(let s): return s
        default: return nil
        }
    }

    /// A signed integer within `range`. Integral literals in other notations
    /// (`1e3`, `5.0`) are accepted, as protojson does; fractions are not.
    static func signed(_ value: Value, _ range: ClosedRange<Int64>, type: String) throws(ProtobufEncodeError) -> Int64 {
        guard let text = numericText(value) else { throw .cannotConvert(value, to: type) }
        if let v = Int64(text) {
            guard range.contains(v) else { throw .cannotConvert(value, to: type) }
            return v
        }
        guard let d = decimal(text), d == d.rounded(), d >= Double(range.lowerBound), d < -Double(Int64.min),
              range.contains(Int64(d))
        else { throw .cannotConvert(value, to: type) }
        return Int64(d)
    }

    static func unsigned(_ value: Value, max: UInt64, type: String) throws(ProtobufEncodeError) -> UInt64 {
        guard let text = numericText(value) else { throw .cannotConvert(value, to: type) }
        if let v = UInt64(text) {
            guard v <= max else { throw .cannotConvert(value, to: type) }
            return v
        }
        guard let d = decimal(text), d == d.rounded(), d >= 0, d < 18_446_744_073_709_551_616.0, UInt64(d) <= max
        else { throw .cannotConvert(value, to: type) }
        return UInt64(d)
    }

    static func double(_ value: Value) throws(ProtobufEncodeError) -> Double {
        guard let text = numericText(value) else { throw .cannotConvert(value, to: "double") }
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default:
            guard let d = decimal(text), d.isFinite else { throw .cannotConvert(value, to: "double") }
            return d
        }
    }

    static func float(_ value: Value) throws(ProtobufEncodeError) -> Float {
        let d: Double
        do { d = try double(value) } catch { throw .cannotConvert(value, to: "float") }
        let f = Float(d)
        // A finite double beyond float's range is an error, not an infinity.
        guard f.isFinite || !d.isFinite else { throw .cannotConvert(value, to: "float") }
        return f
    }

    /// Decimal notation only: Swift's `Double(String)` would also take hex
    /// floats and `nan`/`inf`, which no JSON or protojson input has.
    private static func decimal(_ text: String) -> Double? {
        var text = text
        let isDecimal = text.withUTF8 { bytes in
            guard let first = bytes.first, first != UInt8(ascii: "e"), first != UInt8(ascii: "E") else { return false }
            for b in bytes {
                switch b {
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"),
                     UInt8(ascii: "e"), UInt8(ascii: "E"):
                    continue
                default:
                    return false
                }
            }
            return true
        }
        return isDecimal ? Double(text) : nil
    }

    /// Booleans, and Go's `strconv.ParseBool` spellings for strings (KrakenD is Go).
    static func bool(_ value: Value) throws(ProtobufEncodeError) -> Bool {
        switch value {
        case .bool(let b): return b
        case .number("1"), .string("1"), .string("t"), .string("T"), .string("true"), .string("TRUE"), .string("True"):
            return true
        case .number("0"), .string("0"), .string("f"), .string("F"), .string("false"), .string("FALSE"), .string("False"):
            return false
        default: throw .cannotConvert(value, to: "bool")
        }
    }

    /// Strings; numbers and booleans by their text, since a JSON body may
    /// carry `42` where the .proto says string.
    static func string(_ value: Value) throws(ProtobufEncodeError) -> String {
        switch value {
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        default: throw .cannotConvert(value, to: "string")
        }
    }

    /// Base64 (standard or URL-safe, padding optional), as protojson reads
    /// bytes; with `verbatimFallback` (`input_assume_bytes`) a string that is
    /// not base64 is taken as its UTF-8 bytes.
    static func bytes(_ value: Value, verbatimFallback: Bool = false) throws(ProtobufEncodeError) -> [UInt8] {
        guard case .string(let s) = value else { throw .cannotConvert(value, to: "bytes (base64)") }
        if let bytes = Base64.decode(s) { return bytes }
        if verbatimFallback { return Array(s.utf8) }
        throw .cannotConvert(value, to: "bytes (base64)")
    }

    /// An enum by value name, by number, or by number in a string.
    static func enumNumber(_ value: Value, _ type: EnumDescriptor) throws(ProtobufEncodeError) -> Int32 {
        switch value {
        case .string(let name):
            if let n = type.number(of: name) { return n }
            if let n = Int32(name) { return n }
            throw ProtobufEncodeError(path: "", problem: "\"\(name)\" is not a value of enum \(type.fullName)")
        case .number:
            return Int32(try signed(value, Int64(Int32.min)...Int64(Int32.max), type: "enum \(type.fullName)"))
        default:
            throw .cannotConvert(value, to: "enum \(type.fullName)")
        }
    }
}

// Sprig's defaults, JSON, conversion, math and date functions. Conversions
// follow spf13/cast (what Sprig uses): strings parse with Go's base
// prefixes, anything unconvertible is 0; math is int64 and wraps on overflow.

enum TemplateSprigValues {
    static func apply(_ f: TemplateFunction, _ a: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        switch f {
        case .defaultValue:
            guard a.count > 1, a[1].isTruthy else { return a[0] }
            return a[1]
        case .empty: return .bool(!a[0].isTruthy)
        case .coalesce: return a.first(where: \.isTruthy) ?? .null
        case .ternary: return a[2].isTruthy ? a[0] : a[1]
        case .toJson, .toJSON: return .string(TemplateJSON.encode(a[0].asValue) ?? "")
        case .toPrettyJson: return .string(TemplateJSON.encode(a[0].asValue, indent: "  ") ?? "")
        case .toRawJson: return .string(TemplateJSON.encode(a[0].asValue, escapeHTML: false) ?? "")
        case .mustToJson:
            guard let json = TemplateJSON.encode(a[0].asValue) else {
                throw TemplateFunctionError("json: unsupported value: \(TemplateBuiltins.strval(a[0]))")
            }
            return .string(json)
        case .fromJson, .mustFromJson:
            do {
                return .value(try Value(json: a[0].string ?? ""))
            } catch {
                if f == .mustFromJson { throw TemplateFunctionError(error.message) }
                return .null
            }
        case .int, .int64: return .int(toInt64(a[0]))
        case .float64: return .float(toFloat64(a[0]))
        case .toString: return .string(TemplateBuiltins.strval(a[0]))
        case .atoi: return .int(Int(a[0].string ?? "") ?? 0)
        case .add: return .int(a.reduce(0) { $0 &+ toInt64($1) })
        case .add1: return .int(toInt64(a[0]) &+ 1)
        case .sub: return .int(toInt64(a[0]) &- toInt64(a[1]))
        case .mul: return .int(a.dropFirst().reduce(toInt64(a[0])) { $0 &* toInt64($1) })
        case .div, .mod:
            let (x, y) = (toInt64(a[0]), toInt64(a[1]))
            if y == 0 { throw TemplateFunctionError("runtime error: integer divide by zero") }
            // Go's most-negative / -1 wraps instead of trapping.
            return .int(f == .div ? x.dividedReportingOverflow(by: y).partialValue
                                  : x.remainderReportingOverflow(dividingBy: y).partialValue)
        case .max: return .int(a.map(toInt64).max() ?? 0)
        case .min: return .int(a.map(toInt64).min() ?? 0)
        case .now: return .time(TemplateTime.now())
        case .date:
            let time: TemplateTime
            switch a[1] {
            case .time(let t): time = t
            case let v where v.number != nil:
                // Sprig takes Unix seconds from Go integers; other values mean "now".
                if case .int(let seconds)? = v.number {
                    time = TemplateTime(seconds: Int64(seconds), nanoseconds: 0)
                } else {
                    time = TemplateTime.now()
                }
            default: time = TemplateTime.now()
            }
            return .string(time.format(a[0].string ?? ""))
        default:
            return .missing
        }
    }

    /// `cast.ToInt64`: numbers truncated, strings parsed (`0x1f`, `1.0`), bools 0/1, the rest 0.
    static func toInt64(_ v: TemplateValue) -> Int {
        switch v {
        case .value(.bool(let b)): return b ? 1 : 0
        case .value(.string(let s)):
            let trimmed = trimZeroDecimal(s)
            return TemplateLiterals.parseInt(Array(trimmed.utf8)[...]).map { Int($0) } ?? 0
        default:
            switch v.number {
            case .int(let i)?: return i
            case .float(let d)?:
                guard d.isFinite else { return 0 }
                return d >= 9.2e18 ? Int.max : d <= -9.2e18 ? Int.min : Int(d)
            case nil: return 0
            }
        }
    }

    /// `cast.ToFloat64`: numbers, parsable strings, bools 0/1, the rest 0.
    static func toFloat64(_ v: TemplateValue) -> Double {
        switch v {
        case .value(.bool(let b)): return b ? 1 : 0
        case .value(.string(let s)): return Double(s) ?? 0
        default: return v.number?.double ?? 0
        }
    }

    /// cast's `trimZeroDecimal`: "12.00" reads as "12".
    private static func trimZeroDecimal(_ s: String) -> String {
        let b = Array(s.utf8)
        var foundZero = false
        var i = b.count
        while i > 0 {
            switch b[i - 1] {
            case UInt8(ascii: "."):
                if foundZero { return String(decoding: b[..<(i - 1)], as: UTF8.self) }
            case UInt8(ascii: "0"):
                foundZero = true
            default:
                return s
            }
            i -= 1
        }
        return s
    }
}

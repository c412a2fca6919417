import GatewayCore

// What a field decodes to when it is absent from the wire: the proto2
// `[default = ...]` written in the .proto, else the type's zero value.
// Computed once per field at catalog load.

struct FieldDefaults {
    /// Output for an absent field (enums: their default number).
    let zero: Value
    /// The proto2 `[default = ...]`, rendered as the decoder renders values.
    let explicit: Value?
    /// Default number of an enum field.
    let enumNumber: Int32

    init(type: FieldType, label: FieldLabel, isMap: Bool, text: String?, enumType: EnumDescriptor?, syntax: ProtoSyntax) {
        var enumNumber: Int32 = 0
        if let enumType {
            if let text, let n = enumType.number(of: text) {
                enumNumber = n
            } else if syntax == .proto2, let first = enumType.values.first {
                // proto2's default enum value is the first one declared, which may not be 0.
                enumNumber = first.number
            }
        }
        self.enumNumber = enumNumber
        let explicit = text.flatMap { FieldDefaults.parse($0, type: type) }
        self.explicit = explicit
        if label == .repeated {
            zero = isMap ? .object([:]) : .array([])
            return
        }
        if let explicit, type != .enum {
            zero = explicit
            return
        }
        switch type {
        case .bool: zero = .bool(false)
        case .string, .bytes: zero = .string("")
        case .message, .group: zero = .null
        case .enum: zero = .number(String(enumNumber))
        default: zero = .number("0")
        }
    }

    /// descriptor.proto keeps defaults as text: numbers in decimal, floats as
    /// `inf`/`-inf`/`nan` or digits, bytes C-escaped, enums by value name.
    private static func parse(_ text: String, type: FieldType) -> Value? {
        switch type {
        case .double, .float:
            switch text {
            case "inf": return .string("Infinity")
            case "-inf": return .string("-Infinity")
            case "nan": return .string("NaN")
            default:
                if type == .float { return Float(text).map(FloatText.value) }
                return Double(text).map(FloatText.value)
            }
        case .bool: return .bool(text == "true")
        case .string: return .string(text)
        case .bytes: return .string(Base64.encode(unescape(text)))
        case .enum: return .string(text)
        case .message, .group: return nil
        default: return Int64(text) != nil || UInt64(text) != nil ? .number(text) : nil
        }
    }

    /// Undoes protoc's CEscape: `\n`, `\"`, `\\`, octal `\123` and hex `\x41`.
    static func unescape(_ text: String) -> [UInt8] {
        let s = Array(text.utf8)
        var out: [UInt8] = []
        var i = 0
        func digit(_ c: UInt8, radix: UInt8) -> UInt8? {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            return v < radix ? v : nil
        }
        while i < s.count {
            let c = s[i]
            i += 1
            guard c == UInt8(ascii: "\\"), i < s.count else { out.append(c); continue }
            let e = s[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "x"):
                var v: UInt8 = 0
                var n = 0
                while n < 2, i < s.count, let d = digit(s[i], radix: 16) { v = v &* 16 &+ d; i += 1; n += 1 }
                out.append(v)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var v = e - UInt8(ascii: "0")
                var n = 1
                while n < 3, i < s.count, let d = digit(s[i], radix: 8) { v = v &* 8 &+ d; i += 1; n += 1 }
                out.append(v)
            default: out.append(e)
            }
        }
        return out
    }
}

// The google.protobuf well-known types the codec renders as JSON rather than
// as their message structure, recognised by name (and shape, in case someone
// defines their own `google.protobuf.Timestamp`).

enum WellKnownType: Sendable, Equatable {
    case timestamp, duration
    /// `google.protobuf.DoubleValue` & co: rendered as the bare value.
    case wrapper
    case structValue, value, listValue
    case empty, fieldMask, any

    init?(fullName: String, fields: [FieldDescriptor]) {
        guard fullName.hasPrefix("google.protobuf.") else { return nil }
        let expected: [(Int, FieldType)]
        switch fullName.dropFirst("google.protobuf.".count) {
        case "Timestamp": self = .timestamp; expected = [(1, .int64), (2, .int32)]
        case "Duration": self = .duration; expected = [(1, .int64), (2, .int32)]
        case "DoubleValue": self = .wrapper; expected = [(1, .double)]
        case "FloatValue": self = .wrapper; expected = [(1, .float)]
        case "Int64Value": self = .wrapper; expected = [(1, .int64)]
        case "UInt64Value": self = .wrapper; expected = [(1, .uint64)]
        case "Int32Value": self = .wrapper; expected = [(1, .int32)]
        case "UInt32Value": self = .wrapper; expected = [(1, .uint32)]
        case "BoolValue": self = .wrapper; expected = [(1, .bool)]
        case "StringValue": self = .wrapper; expected = [(1, .string)]
        case "BytesValue": self = .wrapper; expected = [(1, .bytes)]
        case "Struct": self = .structValue; expected = [(1, .message)]
        case "Value":
            self = .value
            expected = [(1, .enum), (2, .double), (3, .string), (4, .bool), (5, .message), (6, .message)]
        case "ListValue": self = .listValue; expected = [(1, .message)]
        case "Empty": self = .empty; expected = []
        case "FieldMask": self = .fieldMask; expected = [(1, .string)]
        case "Any": self = .any; expected = [(1, .string), (2, .bytes)]
        default: return nil
        }
        guard fields.count == expected.count,
              zip(fields, expected).allSatisfy({ $0.number == $1.0 && $0.type == $1.1 })
        else { return nil }
    }

    /// Types protojson nests under `"value"` inside an Any, because their JSON
    /// form is not an object with fields.
    var nestsUnderValueInAny: Bool {
        switch self {
        case .empty: return false
        default: return true
        }
    }
}

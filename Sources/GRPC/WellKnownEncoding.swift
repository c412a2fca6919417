import GatewayCore

// How the encoder reads the well-known types: every form the decoder can
// output is accepted back, plus the text forms a URL param would carry
// (the manual: a string for a Timestamp or Duration is read as RFC 3339 or a
// duration). Objects in the message's own structure always work too.

extension MessageEncoder {
    /// Writes `value` as the well-known type when it is in a special form;
    /// false to encode it as a plain message.
    func encodeWellKnown(
        _ type: WellKnownType, _ message: MessageDescriptor, _ value: Value, _ w: inout WireWriter, depth: Int
    ) throws(ProtobufEncodeError) -> Bool {
        switch type {
        case .timestamp, .duration:
            guard case .string(let text) = value else { return false }
            let parsed = type == .timestamp ? TimeText.parseTimestamp(text) : TimeText.parseDuration(text)
            guard let (seconds, nanos) = parsed else {
                let expected = type == .timestamp ? "an RFC 3339 timestamp" : "a duration"
                throw ProtobufEncodeError(path: "", problem: "\"\(text)\" is not \(expected)")
            }
            if seconds != 0 { w.writeTag(1, .varint); w.writeVarint(UInt64(bitPattern: seconds)) }
            if nanos != 0 { w.writeTag(2, .varint); w.writeVarint(UInt64(bitPattern: Int64(nanos))) }
            return true
        case .wrapper:
            if case .object = value { return false }
            try encodeScalar(message.layouts[0], value, &w, tag: 1, skipZero: true)
            return true
        case .structValue:
            guard case .object(let members) = value else {
                throw ProtobufEncodeError(path: "", problem: "expected an object for google.protobuf.Struct, got \(value.typeName)")
            }
            let entry = catalog.messages[Int(message.layouts[0].messageIndex)]
            let jsonValue = catalog.messages[Int(entry.layouts[1].messageIndex)]
            // Sorted keys: deterministic bytes, as for any map.
            for key in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
                w.writeTag(1, .lengthDelimited)
                let start = w.beginLengthDelimited()
                w.writeTag(1, .lengthDelimited)
                w.writeString(key)
                w.writeTag(2, .lengthDelimited)
                let valueStart = w.beginLengthDelimited()
                do throws(ProtobufEncodeError) {
                    try encodeMessage(jsonValue, members[key]!, &w, depth: depth + 2)
                } catch {
                    throw error.inside(key)
                }
                w.endLengthDelimited(valueStart)
                w.endLengthDelimited(start)
            }
            return true
        case .listValue:
            guard case .array(let items) = value else {
                throw ProtobufEncodeError(path: "", problem: "expected an array for google.protobuf.ListValue, got \(value.typeName)")
            }
            let jsonValue = catalog.messages[Int(message.layouts[0].messageIndex)]
            for (k, item) in items.enumerated() {
                w.writeTag(1, .lengthDelimited)
                let start = w.beginLengthDelimited()
                do throws(ProtobufEncodeError) {
                    try encodeMessage(jsonValue, item, &w, depth: depth + 1)
                } catch {
                    throw error.inside("[\(k)]")
                }
                w.endLengthDelimited(start)
            }
            return true
        case .value:
            try encodeJSONValue(message, value, &w, depth: depth)
            return true
        case .fieldMask:
            let paths: [String]
            switch value {
            case .string(let text):
                // protojson's form: comma-separated lowerCamelCase paths.
                paths = text.isEmpty ? [] : text.split(separator: ",").map { path in
                    path.split(separator: ".").map { NamingConvention.protoName(of: String($0)) }.joined(separator: ".")
                }
            case .array(let items):
                paths = try items.map { item throws(ProtobufEncodeError) in try ValueConversion.string(item) }
            default:
                return false
            }
            for path in paths {
                w.writeTag(1, .lengthDelimited)
                w.writeString(path)
            }
            return true
        case .any:
            guard case .object(let object) = value, let typeURL = object["@type"]?.stringValue else { return false }
            let typeName = typeURL.split(separator: "/").last.map(String.init) ?? typeURL
            guard let packed = catalog.message(named: typeName) else {
                throw ProtobufEncodeError(path: "@type", problem: "\(typeName) is not in the catalog")
            }
            w.writeTag(1, .lengthDelimited)
            w.writeString(typeURL)
            w.writeTag(2, .lengthDelimited)
            let start = w.beginLengthDelimited()
            if packed.wellKnownType?.nestsUnderValueInAny ?? false {
                try encodeMessage(packed, object["value"] ?? .null, &w, depth: depth + 1)
            } else {
                var fields = object
                fields["@type"] = nil
                try encodeMessage(packed, .object(fields), &w, depth: depth + 1)
            }
            w.endLengthDelimited(start)
            return true
        case .empty:
            return false
        }
    }

    /// `google.protobuf.Value` from any JSON value: its `kind` oneof.
    private func encodeJSONValue(
        _ message: MessageDescriptor, _ value: Value, _ w: inout WireWriter, depth: Int
    ) throws(ProtobufEncodeError) {
        switch value {
        case .null:
            w.writeTag(1, .varint)
            w.writeVarint(0)
        case .number:
            w.writeTag(2, .fixed64)
            w.writeFixed64(try ValueConversion.double(value).bitPattern)
        case .string(let s):
            w.writeTag(3, .lengthDelimited)
            w.writeString(s)
        case .bool(let b):
            w.writeTag(4, .varint)
            w.writeVarint(b ? 1 : 0)
        case .object, .array:
            let isObject = value.objectValue != nil
            let number = isObject ? 5 : 6
            let type = catalog.messages[Int(message.layouts[number - 1].messageIndex)]
            w.writeTag(number, .lengthDelimited)
            let start = w.beginLengthDelimited()
            try encodeMessage(type, value, &w, depth: depth + 1)
            w.endLengthDelimited(start)
        }
    }
}

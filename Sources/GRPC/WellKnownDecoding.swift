import GatewayCore

// How the decoder renders the well-known types. Timestamp and Duration are
// objects unless KrakenD's output_*_as_string flags ask for text; wrappers
// become their bare value; Struct, Value and ListValue become the JSON they
// stand for. Empty, FieldMask and Any keep their message structure (as the
// manual documents) unless `wellKnownTypesAsProtoJSON` is set.

extension MessageDecoder {
    /// The special rendering of a well-known type, or nil to decode it as a
    /// plain message (the caller then rewinds the reader).
    func decodeWellKnown(
        _ type: WellKnownType, _ message: MessageDescriptor, _ r: inout WireReader, depth: Int
    ) throws(ProtobufDecodeError) -> Value? {
        switch type {
        case .timestamp:
            guard options.timestampAsString else { return nil }
            let (seconds, nanos) = try readSecondsAndNanos(&r, depth: depth)
            return TimeText.formatTimestamp(seconds: seconds, nanos: nanos).map(Value.string)
        case .duration:
            guard options.durationAsString else { return nil }
            let (seconds, nanos) = try readSecondsAndNanos(&r, depth: depth)
            return TimeText.formatDuration(seconds: seconds, nanos: nanos).map(Value.string)
        case .wrapper:
            let layout = message.layouts[0]
            var value: Value?
            while !r.isAtEnd {
                let tag = try r.readTag()
                if tag.number == 1 {
                    guard tag.wireType == layout.type.wireType else {
                        throw r.error(.wrongWireType(field: message.fullName + ".value"))
                    }
                    value = try decodeScalar(layout, &r)
                } else {
                    try r.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
                }
            }
            return value ?? message.fields[0].zeroValue
        case .value:
            return try decodeJSONValue(message, &r, depth: depth)
        case .structValue, .listValue:
            // The generic decoding of `fields` (a map of Value) or `values` (a
            // list of Value) already yields JSON; only unwrap it.
            let plain = try plainDecoder.decodeFields(message, &r, depth: depth, group: nil)
            let inner = plain[message.fields[0].name]
            return inner ?? (type == .structValue ? .object([:]) : .array([]))
        case .fieldMask:
            guard options.wellKnownTypesAsProtoJSON else { return nil }
            var paths: [String] = []
            while !r.isAtEnd {
                let tag = try r.readTag()
                if tag.number == 1 && tag.wireType == .lengthDelimited {
                    let path = r.string(try r.readLengthDelimited())
                    paths.append(path.split(separator: ".", omittingEmptySubsequences: false)
                        .map { NamingConvention.jsonName(of: String($0)) }.joined(separator: "."))
                } else {
                    try r.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
                }
            }
            return .string(paths.joined(separator: ","))
        case .any:
            guard options.wellKnownTypesAsProtoJSON else { return nil }
            return try decodeAny(&r, depth: depth)
        case .empty:
            return nil
        }
    }

    /// The decoder Struct/ListValue use inside: snake_case keys (their field
    /// names are single words anyway) and all fields kept, so unwrapping can
    /// rely on the key.
    private var plainDecoder: MessageDecoder {
        var plain = self
        plain.options.namingConvention = .snakeCase
        plain.options.removeUnsetValues = true
        return plain
    }

    private func readSecondsAndNanos(_ r: inout WireReader, depth: Int) throws(ProtobufDecodeError) -> (Int64, Int32) {
        var seconds: Int64 = 0
        var nanos: Int32 = 0
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch (tag.number, tag.wireType) {
            case (1, .varint): seconds = Int64(bitPattern: try r.readVarint())
            case (2, .varint): nanos = Int32(truncatingIfNeeded: try r.readVarint())
            case (1, _), (2, _): throw r.error(.wrongWireType(field: tag.number == 1 ? "seconds" : "nanos"))
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
            }
        }
        return (seconds, nanos)
    }

    /// `google.protobuf.Value`: whichever of its `kind` members came last.
    private func decodeJSONValue(
        _ message: MessageDescriptor, _ r: inout WireReader, depth: Int
    ) throws(ProtobufDecodeError) -> Value {
        var result = Value.null
        while !r.isAtEnd {
            let tag = try r.readTag()
            guard let i = message.fieldIndex(number: tag.number) else {
                try r.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
                continue
            }
            let layout = message.layouts[i]
            guard tag.wireType == layout.type.wireType else {
                throw r.error(.wrongWireType(field: message.fullName + "." + message.fields[i].name))
            }
            switch tag.number {
            case 1: _ = try r.readVarint(); result = .null
            case 5, 6:
                var sub = WireReader(parent: r, range: try r.readLengthDelimited())
                let type = catalog.messages[Int(layout.messageIndex)]
                result = try decodeMessage(type, &sub, depth: depth + 1, group: nil)
            default: result = try decodeScalar(layout, &r)
            }
        }
        return result
    }

    /// protojson's Any: the packed message's fields plus `@type`, or
    /// `{"@type": …, "value": …}` for types whose JSON is not an object.
    /// Falls back to the plain structure when the type is not in the catalog.
    private func decodeAny(_ r: inout WireReader, depth: Int) throws(ProtobufDecodeError) -> Value? {
        var typeURL = ""
        var payload = 0..<0
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch (tag.number, tag.wireType) {
            case (1, .lengthDelimited): typeURL = r.string(try r.readLengthDelimited())
            case (2, .lengthDelimited): payload = try r.readLengthDelimited()
            case (1, _), (2, _): throw r.error(.wrongWireType(field: tag.number == 1 ? "type_url" : "value"))
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
            }
        }
        let typeName = typeURL.split(separator: "/").last.map(String.init) ?? typeURL
        guard let type = catalog.message(named: typeName) else { return nil }
        var sub = WireReader(parent: r, range: payload)
        let inner = try decodeMessage(type, &sub, depth: depth + 1, group: nil)
        if type.wellKnownType?.nestsUnderValueInAny ?? false {
            return .object(["@type": .string(typeURL), "value": inner])
        }
        guard case .object(var fields) = inner else { return .object(["@type": .string(typeURL), "value": inner]) }
        fields["@type"] = .string(typeURL)
        return .object(fields)
    }
}

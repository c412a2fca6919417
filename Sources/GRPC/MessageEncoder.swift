import GatewayCore

/// Encodes a `Value` (a request body, or the object the gateway builds from
/// params and query strings) into protobuf wire bytes for a catalog message.
///
/// Fields are written in field-number order, so the output is the canonical
/// encoding protoc and the official libraries produce (maps sorted by key).
/// Keys that are not fields are ignored, `null` means unset, and a value that
/// cannot be converted to its field's type throws a `ProtobufEncodeError`
/// naming the field's path.
public struct MessageEncoder: Sendable {
    public let catalog: GRPCCatalog
    public var options: EncodingOptions

    public init(catalog: GRPCCatalog, options: EncodingOptions = EncodingOptions()) {
        self.catalog = catalog
        self.options = options
    }

    public func encode(_ value: Value, as message: MessageDescriptor) throws(ProtobufEncodeError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(value, as: message, into: &bytes)
        return bytes
    }

    /// Encodes into `buffer`, replacing its contents but keeping its capacity,
    /// so a caller can reuse one buffer for many messages.
    public func encode(_ value: Value, as message: MessageDescriptor, into buffer: inout [UInt8]) throws(ProtobufEncodeError) {
        var writer = WireWriter(reusing: [])
        swap(&writer.bytes, &buffer)
        writer.bytes.removeAll(keepingCapacity: true)
        defer { swap(&writer.bytes, &buffer) }
        try encodeMessage(message, value, &writer, depth: 0)
    }

    // MARK: Messages

    func encodeMessage(
        _ message: MessageDescriptor, _ value: Value, _ w: inout WireWriter, depth: Int
    ) throws(ProtobufEncodeError) {
        guard depth < options.depthLimit else {
            throw ProtobufEncodeError(path: "", problem: "message nesting exceeds the depth limit")
        }
        if let wellKnown = message.wellKnownType, try encodeWellKnown(wellKnown, message, value, &w, depth: depth) {
            return
        }
        guard case .object(let object) = value else {
            if value.isNull { return }
            throw ProtobufEncodeError(path: "", problem: "expected an object for \(message.fullName), got \(value.typeName)")
        }
        // The object's fields in field-number order (fields are sorted by
        // number), gathered on the stack.
        try withUnsafeTemporaryAllocation(of: PresentField.self, capacity: max(object.count, 1)) {
            (present: UnsafeMutableBufferPointer<PresentField>) throws(ProtobufEncodeError) in
            let base = present.baseAddress!
            var count = 0
            defer { base.deinitialize(count: count) }
            for (key, v) in object {
                guard let i = message.fieldIndex(key: key, convention: options.namingConvention) else { continue }
                let layout = message.layouts[i]
                // `null` means unset, except for a google.protobuf.Value field, where it is JSON null.
                if v.isNull && (layout.isRepeated || !isJSONValue(layout)) { continue }
                // Insertion sort: objects are small.
                var at = count
                while at > 0 && base[at - 1].index > i { at -= 1 }
                (base + at + 1).moveInitialize(from: base + at, count: count - at)
                (base + at).initialize(to: PresentField(index: i, key: key, value: v))
                count += 1
            }
            try encodeFields(message, object, UnsafeBufferPointer(start: base, count: count), &w, depth: depth)
        }
    }

    private func encodeFields(
        _ message: MessageDescriptor, _ object: [String: Value], _ present: UnsafeBufferPointer<PresentField>,
        _ w: inout WireWriter, depth: Int
    ) throws(ProtobufEncodeError) {
        var oneofMember: [Int: String] = [:]
        var k = 0
        while k < present.count {
            let field = present[k]
            var value = field.value
            k += 1
            if k < present.count && present[k].index == field.index {
                // Both spellings of one field: the configured convention's wins.
                let descriptor = message.fields[field.index]
                let preferred = options.namingConvention == .camelCase ? descriptor.jsonName : descriptor.name
                value = object[preferred] ?? value
                k += 1
            }
            let layout = message.layouts[field.index]
            if layout.oneofIndex >= 0 {
                let oneof = message.oneofs[Int(layout.oneofIndex)].name
                if let other = oneofMember[Int(layout.oneofIndex)] {
                    throw ProtobufEncodeError(path: field.key, problem: "oneof \(oneof) already set by \(other)")
                }
                oneofMember[Int(layout.oneofIndex)] = field.key
            }
            do throws(ProtobufEncodeError) {
                try encodeField(layout, value, &w, depth: depth)
            } catch {
                throw error.inside(field.key)
            }
        }
    }

    /// A field of type `google.protobuf.Value`, which can hold JSON null.
    private func isJSONValue(_ layout: FieldLayout) -> Bool {
        layout.type == .message && catalog.messages[Int(layout.messageIndex)].wellKnownType == .value
    }

    private func encodeField(
        _ layout: FieldLayout, _ value: Value, _ w: inout WireWriter, depth: Int
    ) throws(ProtobufEncodeError) {
        let number = Int(layout.number)
        if layout.isMap {
            guard case .object(let entries) = value else {
                throw ProtobufEncodeError(path: "", problem: "expected an object for a map, got \(value.typeName)")
            }
            try encodeMap(layout, entries, &w, depth: depth)
            return
        }
        if layout.isRepeated {
            // A single value where a list is expected is a one-element list:
            // a query string `?cabin=ECONOMY` fills a repeated field.
            let items: [Value]
            if case .array(let a) = value { items = a } else { items = [value] }
            if items.isEmpty { return }
            if layout.isPacked {
                w.writeTag(number, .lengthDelimited)
                let start = w.beginLengthDelimited()
                for (k, item) in items.enumerated() {
                    do throws(ProtobufEncodeError) {
                        try encodeScalar(layout, item, &w, tag: nil, skipZero: false)
                    } catch {
                        throw error.inside("[\(k)]")
                    }
                }
                w.endLengthDelimited(start)
            } else {
                for (k, item) in items.enumerated() {
                    do throws(ProtobufEncodeError) {
                        if item.isNull && !isJSONValue(layout) {
                            throw ProtobufEncodeError(path: "", problem: "null is not allowed in a list")
                        }
                        try encodeSingle(layout, item, &w, skipZero: false, depth: depth)
                    } catch {
                        throw error.inside("[\(k)]")
                    }
                }
            }
            return
        }
        try encodeSingle(layout, value, &w, skipZero: !layout.hasPresence, depth: depth)
    }

    /// One value with its tag. `skipZero`: proto3 implicit presence, where a
    /// zero value is not written at all.
    @inline(__always)
    private func encodeSingle(
        _ layout: FieldLayout, _ value: Value, _ w: inout WireWriter, skipZero: Bool, depth: Int
    ) throws(ProtobufEncodeError) {
        let number = Int(layout.number)
        switch layout.type {
        case .message:
            w.writeTag(number, .lengthDelimited)
            let start = w.beginLengthDelimited()
            try encodeMessage(catalog.messages[Int(layout.messageIndex)], value, &w, depth: depth + 1)
            w.endLengthDelimited(start)
        case .group:
            w.writeTag(number, .startGroup)
            try encodeMessage(catalog.messages[Int(layout.messageIndex)], value, &w, depth: depth + 1)
            w.writeTag(number, .endGroup)
        default:
            try encodeScalar(layout, value, &w, tag: number, skipZero: skipZero)
        }
    }

    // MARK: Maps

    private func encodeMap(
        _ layout: FieldLayout, _ entries: [String: Value], _ w: inout WireWriter, depth: Int
    ) throws(ProtobufEncodeError) {
        let entry = catalog.messages[Int(layout.messageIndex)]
        guard entry.layouts.count == 2 else { return }
        let keyLayout = entry.layouts[0]
        let valueLayout = entry.layouts[1]
        // Keys converted to their type, then sorted: deterministic output, as
        // protobuf's deterministic serialization orders map entries.
        var keyed: [(sortKey: MapKeyOrder, text: String, value: Value)] = []
        keyed.reserveCapacity(entries.count)
        for (text, v) in entries {
            do throws(ProtobufEncodeError) {
                keyed.append((try MapKeyOrder(text, keyLayout.type), text, v))
            } catch {
                throw error.inside("[\(text)]")
            }
        }
        if keyed.count > 1 { keyed.sort { $0.sortKey < $1.sortKey } }
        for (_, text, v) in keyed {
            do throws(ProtobufEncodeError) {
                w.writeTag(Int(layout.number), .lengthDelimited)
                let start = w.beginLengthDelimited()
                try encodeScalar(keyLayout, .string(text), &w, tag: 1, skipZero: false)
                if v.isNull && valueLayout.type != .message {
                    throw ProtobufEncodeError(path: "", problem: "null is not allowed as a map value")
                }
                try encodeSingle(valueLayout, v, &w, skipZero: false, depth: depth + 1)
                w.endLengthDelimited(start)
            } catch {
                throw error.inside("[\(text)]")
            }
        }
    }

    // MARK: Scalars

    /// Converts and writes a scalar, string, bytes or enum value; `tag: nil`
    /// inside a packed run.
    func encodeScalar(
        _ layout: FieldLayout, _ value: Value, _ w: inout WireWriter, tag: Int?, skipZero: Bool
    ) throws(ProtobufEncodeError) {
        let type = layout.type
        switch type {
        case .string:
            let s = try ValueConversion.string(value)
            if skipZero && s.isEmpty { return }
            if let tag { w.writeTag(tag, .lengthDelimited) }
            w.writeString(s)
            return
        case .bytes:
            let b = try ValueConversion.bytes(value, verbatimFallback: options.assumeBytes)
            if skipZero && b.isEmpty { return }
            if let tag { w.writeTag(tag, .lengthDelimited) }
            w.writeBytes(b)
            return
        default:
            break
        }
        let bits: UInt64
        switch type {
        case .int32:
            bits = UInt64(bitPattern: try ValueConversion.signed(value, Int64(Int32.min)...Int64(Int32.max), type: "int32"))
        case .sint32:
            let n = Int32(try ValueConversion.signed(value, Int64(Int32.min)...Int64(Int32.max), type: "sint32"))
            bits = UInt64(UInt32(bitPattern: (n << 1) ^ (n >> 31)))
        case .sfixed32:
            let n = Int32(try ValueConversion.signed(value, Int64(Int32.min)...Int64(Int32.max), type: "sfixed32"))
            bits = UInt64(UInt32(bitPattern: n))
        case .int64, .sfixed64:
            bits = UInt64(bitPattern: try ValueConversion.signed(value, Int64.min...Int64.max, type: type == .int64 ? "int64" : "sfixed64"))
        case .sint64:
            let n = try ValueConversion.signed(value, Int64.min...Int64.max, type: "sint64")
            bits = UInt64(bitPattern: (n << 1) ^ (n >> 63))
        case .uint32, .fixed32:
            bits = try ValueConversion.unsigned(value, max: UInt64(UInt32.max), type: type == .uint32 ? "uint32" : "fixed32")
        case .uint64, .fixed64:
            bits = try ValueConversion.unsigned(value, max: UInt64.max, type: type == .uint64 ? "uint64" : "fixed64")
        case .bool:
            bits = try ValueConversion.bool(value) ? 1 : 0
        case .enum:
            let n = try ValueConversion.enumNumber(value, catalog.enums[Int(layout.enumIndex)])
            bits = UInt64(bitPattern: Int64(n))
        case .float:
            bits = UInt64(try ValueConversion.float(value).bitPattern)
        case .double:
            bits = try ValueConversion.double(value).bitPattern
        default:
            return
        }
        // Bit patterns: -0.0 is not zero and is written, as protobuf does.
        if skipZero && bits == 0 { return }
        let wireType = type.wireType
        if let tag { w.writeTag(tag, wireType) }
        switch wireType {
        case .fixed32: w.writeFixed32(UInt32(truncatingIfNeeded: bits))
        case .fixed64: w.writeFixed64(bits)
        default: w.writeVarint(bits)
        }
    }
}

/// A key of the object being encoded that names a field.
struct PresentField {
    let index: Int
    let key: String
    let value: Value
}

/// A map key in protobuf's order: numbers numerically, strings by UTF-8 bytes.
struct MapKeyOrder: Comparable {
    private let number: Int128
    private let text: String

    init(_ key: String, _ type: FieldType) throws(ProtobufEncodeError) {
        switch type {
        case .string:
            number = 0
            text = key
        case .bool:
            number = try ValueConversion.bool(.string(key)) ? 1 : 0
            text = ""
        case .uint32, .uint64, .fixed32, .fixed64:
            number = Int128(try ValueConversion.unsigned(.string(key), max: UInt64.max, type: "map key"))
            text = ""
        default:
            number = Int128(try ValueConversion.signed(.string(key), Int64.min...Int64.max, type: "map key"))
            text = ""
        }
    }

    static func < (a: MapKeyOrder, b: MapKeyOrder) -> Bool {
        a.number != b.number ? a.number < b.number : a.text.utf8.lexicographicallyPrecedes(b.text.utf8)
    }

    static func == (a: MapKeyOrder, b: MapKeyOrder) -> Bool { a.number == b.number && a.text == b.text }
}

import GatewayCore

/// Decodes protobuf wire bytes into a `Value`, driven by a catalog's message
/// descriptors: what a gRPC backend answers becomes the JSON-like data the
/// rest of the proxy pipe works on.
///
/// Numbers keep exact literal text (64-bit integers included), bytes become
/// base64 strings, enums numbers (or names), maps objects. Well-known types
/// follow `DecodingOptions`. Unknown fields are skipped; malformed input
/// throws a `ProtobufDecodeError`, it never traps.
public struct MessageDecoder: Sendable {
    public let catalog: GRPCCatalog
    public var options: DecodingOptions

    public init(catalog: GRPCCatalog, options: DecodingOptions = DecodingOptions()) {
        self.catalog = catalog
        self.options = options
    }

    public func decode(_ bytes: [UInt8], as message: MessageDescriptor) throws(ProtobufDecodeError) -> Value {
        let result: Result<Value, ProtobufDecodeError> = bytes.withUnsafeBytes { buffer in
            do throws(ProtobufDecodeError) {
                return .success(try decode(buffer, as: message))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Decodes in place from a buffer the caller keeps alive (e.g. a NIO ByteBuffer's view).
    public func decode(_ buffer: UnsafeRawBufferPointer, as message: MessageDescriptor) throws(ProtobufDecodeError) -> Value {
        var reader = WireReader(buffer)
        return try decodeMessage(message, &reader, depth: 0, group: nil)
    }

    // MARK: Messages

    /// Decodes fields until the reader's end, or (for a group) its end tag.
    func decodeMessage(
        _ message: MessageDescriptor, _ r: inout WireReader, depth: Int, group: Int?
    ) throws(ProtobufDecodeError) -> Value {
        guard depth < options.depthLimit else { throw r.error(.depthLimitExceeded) }
        if group == nil, let wellKnown = message.wellKnownType {
            let saved = r
            if let special = try decodeWellKnown(wellKnown, message, &r, depth: depth) { return special }
            r = saved
        }
        return try decodeFields(message, &r, depth: depth, group: group)
    }

    /// The fields of a message as an object, whatever its type.
    func decodeFields(
        _ message: MessageDescriptor, _ r: inout WireReader, depth: Int, group: Int?
    ) throws(ProtobufDecodeError) -> Value {
        let count = message.layouts.count
        // Per-field accumulators on the stack: no heap allocation per message
        // beyond the values themselves.
        return try withUnsafeTemporaryAllocation(of: FieldSlot.self, capacity: max(count, 1)) {
            (slots: UnsafeMutableBufferPointer<FieldSlot>) throws(ProtobufDecodeError) -> Value in
            let base = slots.baseAddress!
            base.initialize(repeating: .unset, count: count)
            defer { base.deinitialize(count: count) }
            try readFields(message, &r, into: base, depth: depth, group: group)
            return collect(message, from: base)
        }
    }

    private func readFields(
        _ message: MessageDescriptor, _ r: inout WireReader, into slots: UnsafeMutablePointer<FieldSlot>,
        depth: Int, group: Int?
    ) throws(ProtobufDecodeError) {
        let start = r.position
        let layouts = message.layouts
        while !r.isAtEnd {
            let fieldStart = r.position
            let tag = try r.readTag()
            if tag.wireType == .endGroup {
                guard tag.number == group else { throw r.error(.unbalancedGroup) }
                return
            }
            guard let i = message.fieldIndex(number: tag.number) else {
                try r.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
                continue
            }
            let layout = layouts[i]
            let slot = slots + i
            if layout.isMap {
                guard tag.wireType == .lengthDelimited else { throw wrongWireType(message, i, r) }
                let entry = try decodeMapEntry(layout, &r, depth: depth)
                slot.insert(entry.value, forKey: entry.key)
            } else if layout.isRepeated {
                if tag.wireType == .lengthDelimited && layout.type.isPackable {
                    var packed = WireReader(parent: r, range: try r.readLengthDelimited())
                    let wireType = layout.type.wireType
                    while !packed.isAtEnd {
                        slot.append(try decodeValue(layout, wireType, &packed, message, i, depth: depth))
                    }
                } else {
                    slot.append(try decodeValue(layout, tag.wireType, &r, message, i, depth: depth))
                }
            } else {
                let value: Value
                if layout.type == .message, case .single = slot.pointee, tag.wireType == .lengthDelimited {
                    // A message field seen again merges into the first: decoding
                    // all its occurrences concatenated is exactly that merge.
                    value = try decodeRepeatedOccurrences(message, i, in: start..<fieldStart, &r, depth: depth)
                } else {
                    value = try decodeValue(layout, tag.wireType, &r, message, i, depth: depth)
                }
                slot.pointee = .single(value)
                if layout.oneofIndex >= 0 {
                    // The last member of a oneof on the wire wins.
                    for other in message.oneofs[Int(layout.oneofIndex)].fieldIndices where other != i {
                        slots[other] = .unset
                    }
                }
            }
        }
        if group != nil { throw r.error(.unbalancedGroup) }
    }

    /// The object: read fields, then (unless removing unset values) the
    /// zero values of the others.
    private func collect(_ message: MessageDescriptor, from slots: UnsafeMutablePointer<FieldSlot>) -> Value {
        let layouts = message.layouts
        let fields = message.fields
        let count = layouts.count
        var object = [String: Value](minimumCapacity: count)
        let camelCase = options.namingConvention == .camelCase
        let keepUnset = !options.removeUnsetValues
        for i in 0..<count {
            let key = camelCase ? fields[i].jsonName : fields[i].name
            switch (slots + i).move() {
            case .single(let value): object[key] = value
            case .list(let values): object[key] = .array(values)
            case .map(let entries): object[key] = .object(entries)
            case .unset:
                guard keepUnset else { break }
                let layout = layouts[i]
                // Unset oneof members are left out: only the chosen one is meaningful.
                if layout.oneofIndex >= 0 && !layout.isRepeated { break }
                object[key] = layout.type == .enum && !layout.isRepeated
                    ? enumValue(layout.defaultEnumNumber, layout) : fields[i].zeroValue
            }
            (slots + i).initialize(to: .unset)
        }
        return .object(object)
    }

    private func wrongWireType(_ message: MessageDescriptor, _ i: Int, _ r: WireReader) -> ProtobufDecodeError {
        r.error(.wrongWireType(field: message.fullName + "." + message.fields[i].name))
    }

    /// One value of field `i`, whose tag (with `wireType`) was just read.
    @inline(__always)
    private func decodeValue(
        _ layout: FieldLayout, _ wireType: WireType, _ r: inout WireReader,
        _ message: MessageDescriptor, _ i: Int, depth: Int
    ) throws(ProtobufDecodeError) -> Value {
        guard wireType == layout.type.wireType else { throw wrongWireType(message, i, r) }
        switch layout.type {
        case .message:
            var sub = WireReader(parent: r, range: try r.readLengthDelimited())
            return try decodeMessage(catalog.messages[Int(layout.messageIndex)], &sub, depth: depth + 1, group: nil)
        case .group:
            return try decodeMessage(
                catalog.messages[Int(layout.messageIndex)], &r, depth: depth + 1, group: Int(layout.number))
        default:
            return try decodeScalar(layout, &r)
        }
    }

    /// A scalar, string, bytes or enum value with its expected wire type.
    @inline(__always)
    func decodeScalar(_ layout: FieldLayout, _ r: inout WireReader) throws(ProtobufDecodeError) -> Value {
        switch layout.type {
        case .string: return .string(r.string(try r.readLengthDelimited()))
        case .bytes: return .string(Base64.encode(r.bytes(try r.readLengthDelimited())))
        case .int32: return .number(String(Int32(truncatingIfNeeded: try r.readVarint())))
        case .int64: return .number(String(Int64(bitPattern: try r.readVarint())))
        case .uint32: return .number(String(UInt32(truncatingIfNeeded: try r.readVarint())))
        case .uint64: return .number(String(try r.readVarint()))
        case .sint32:
            let v = UInt32(truncatingIfNeeded: try r.readVarint())
            return .number(String(Int32(bitPattern: v >> 1) ^ -Int32(bitPattern: v & 1)))
        case .sint64:
            let v = try r.readVarint()
            return .number(String(Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1)))
        case .bool: return .bool(try r.readVarint() != 0)
        case .enum: return enumValue(Int32(truncatingIfNeeded: try r.readVarint()), layout)
        case .fixed32: return .number(String(try r.readFixed32()))
        case .sfixed32: return .number(String(Int32(bitPattern: try r.readFixed32())))
        case .float: return FloatText.value(Float(bitPattern: try r.readFixed32()))
        case .fixed64: return .number(String(try r.readFixed64()))
        case .sfixed64: return .number(String(Int64(bitPattern: try r.readFixed64())))
        case .double: return FloatText.value(Double(bitPattern: try r.readFixed64()))
        case .message, .group: return .null
        }
    }

    @inline(__always)
    func enumValue(_ number: Int32, _ layout: FieldLayout) -> Value {
        if options.enumAsString, let name = catalog.enums[Int(layout.enumIndex)].name(of: number) {
            return .string(name)
        }
        return .number(String(number))
    }

    // MARK: Maps

    /// One `map<K, V>` entry: a message with the key as field 1 and the value as 2.
    private func decodeMapEntry(
        _ layout: FieldLayout, _ r: inout WireReader, depth: Int
    ) throws(ProtobufDecodeError) -> (key: String, value: Value) {
        let entry = catalog.messages[Int(layout.messageIndex)]
        guard depth + 1 < options.depthLimit else { throw r.error(.depthLimitExceeded) }
        var sub = WireReader(parent: r, range: try r.readLengthDelimited())
        let entryLayouts = entry.layouts
        var key: Value?
        var value: Value?
        while !sub.isAtEnd {
            let tag = try sub.readTag()
            guard let i = entry.fieldIndex(number: tag.number), i < 2 else {
                try sub.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
                continue
            }
            let v = try decodeValue(entryLayouts[i], tag.wireType, &sub, entry, i, depth: depth + 1)
            if tag.number == 1 { key = v } else { value = v }
        }
        let keyText: String
        switch key ?? entry.fields.first?.zeroValue ?? .string("") {
        case .string(let s): keyText = s
        case .number(let n): keyText = n
        case .bool(let b): keyText = b ? "true" : "false"
        default: keyText = ""
        }
        if let value { return (keyText, value) }
        // An absent value is the zero value; for messages, an empty message.
        guard entryLayouts.count > 1 else { return (keyText, .null) }
        let valueLayout = entryLayouts[1]
        switch valueLayout.type {
        case .message:
            var empty = WireReader(UnsafeRawBufferPointer(start: nil, count: 0))
            let type = catalog.messages[Int(valueLayout.messageIndex)]
            return (keyText, try decodeMessage(type, &empty, depth: depth + 2, group: nil))
        case .enum: return (keyText, enumValue(valueLayout.defaultEnumNumber, valueLayout))
        default: return (keyText, entry.fields[1].zeroValue)
        }
    }

    // MARK: Repeated occurrences of a singular message

    /// Decodes every occurrence of message field `i` in `earlier` (the fields
    /// before this one) and the one at the cursor, concatenated: protobuf's
    /// merge of a message field that appears more than once.
    private func decodeRepeatedOccurrences(
        _ message: MessageDescriptor, _ i: Int, in earlier: Range<Int>, _ r: inout WireReader, depth: Int
    ) throws(ProtobufDecodeError) -> Value {
        let number = message.fields[i].number
        let current = try r.readLengthDelimited()
        var scan = WireReader(parent: r, range: earlier)
        var joined: [UInt8] = []
        while !scan.isAtEnd {
            let tag = try scan.readTag()
            if tag.number == number && tag.wireType == .lengthDelimited {
                joined.append(contentsOf: scan.bytes(try scan.readLengthDelimited()))
            } else {
                try scan.skipField(number: tag.number, wireType: tag.wireType, depth: options.depthLimit - depth)
            }
        }
        joined.append(contentsOf: r.bytes(current))
        let type = catalog.messages[Int(message.layouts[i].messageIndex)]
        let result: Result<Value, ProtobufDecodeError> = joined.withUnsafeBytes { buffer in
            do throws(ProtobufDecodeError) {
                var sub = WireReader(buffer, origin: r.origin + current.lowerBound)
                return .success(try decodeMessage(type, &sub, depth: depth + 1, group: nil))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

/// What has been read so far of one field of the message being decoded.
enum FieldSlot {
    case unset
    case single(Value)
    case list([Value])
    case map([String: Value])
}

extension UnsafeMutablePointer where Pointee == FieldSlot {
    /// Appends in place: the list is moved out and back, so it stays uniquely
    /// referenced and never copied.
    @inline(__always)
    func append(_ value: Value) {
        if case .list(var values) = move() {
            values.append(value)
            initialize(to: .list(values))
        } else {
            initialize(to: .list([value]))
        }
    }

    @inline(__always)
    func insert(_ value: Value, forKey key: String) {
        if case .map(var entries) = move() {
            entries[key] = value
            initialize(to: .map(entries))
        } else {
            initialize(to: .map([key: value]))
        }
    }
}

// Reads a FileDescriptorSet (what `protoc --descriptor_set_out` writes) with
// the project's own wire reader, into plain records that `CatalogLinker`
// turns into descriptors. Only the parts of descriptor.proto the codec and
// the catalog need are kept; every other field is skipped.
//
// The reading is strict on purpose: a known field with the wrong wire type,
// a top-level field other than `file`, or a file without a name means the
// bytes are not a descriptor set, which is how a stray file in a catalog
// directory is told apart from a real one.

struct FileRecord: Sendable {
    var name = ""
    var package = ""
    var dependencies: [String] = []
    var messages: [MessageRecord] = []
    var enums: [EnumRecord] = []
    var services: [ServiceRecord] = []
    var syntax = ""
    /// The extensions it declares, at top level and inside its messages
    /// (for reflection's extension requests).
    var extensions: [FileDescriptor.Extension] = []
    /// The FileDescriptorProto exactly as it was in the set.
    var rawBytes: [UInt8] = []
}

struct MessageRecord: Sendable {
    var name = ""
    var fields: [FieldRecord] = []
    var nested: [MessageRecord] = []
    var enums: [EnumRecord] = []
    var oneofNames: [String] = []
    var isMapEntry = false
    /// Extensions declared inside it and its nested messages.
    var extensions: [FileDescriptor.Extension] = []
}

struct FieldRecord: Sendable {
    var name = ""
    var number = 0
    /// 1 optional, 2 required, 3 repeated.
    var label = 1
    /// descriptor.proto's FieldDescriptorProto.Type (1...18), 0 when absent.
    var type = 0
    var typeName = ""
    /// The extended message of an extension field.
    var extendee = ""
    var defaultValue: String?
    var jsonName: String?
    var oneofIndex: Int?
    var proto3Optional = false
    /// `[packed = ...]` when written in the .proto.
    var packed: Bool?
}

struct EnumRecord: Sendable {
    var name = ""
    var values: [(name: String, number: Int32)] = []
}

struct ServiceRecord: Sendable {
    var name = ""
    var methods: [MethodRecord] = []
}

struct MethodRecord: Sendable {
    var name = ""
    var inputType = ""
    var outputType = ""
    var clientStreaming = false
    var serverStreaming = false
}

enum DescriptorSetParser {
    /// Parses a whole FileDescriptorSet.
    static func parse(_ bytes: [UInt8]) throws(ProtobufDecodeError) -> [FileRecord] {
        let result: Result<[FileRecord], ProtobufDecodeError> = bytes.withUnsafeBytes { buffer in
            do throws(ProtobufDecodeError) {
                var r = WireReader(buffer)
                var files: [FileRecord] = []
                while !r.isAtEnd {
                    let tag = try r.readTag()
                    guard tag.number == 1 else { throw r.error(.invalidFieldNumber) }
                    let range = try r.expectLengthDelimited(tag, "file")
                    var file = try parseFile(WireReader(parent: r, range: range))
                    guard !file.name.isEmpty else { throw r.error(.wrongWireType(field: "file.name")) }
                    file.rawBytes = Array(r.bytes(range))
                    files.append(file)
                }
                return .success(files)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    private static func parseFile(_ reader: WireReader) throws(ProtobufDecodeError) -> FileRecord {
        var r = reader
        var file = FileRecord()
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch tag.number {
            case 1: file.name = r.string(try r.expectLengthDelimited(tag, "name"))
            case 2: file.package = r.string(try r.expectLengthDelimited(tag, "package"))
            case 3: file.dependencies.append(r.string(try r.expectLengthDelimited(tag, "dependency")))
            case 4:
                let message = try parseMessage(r.sub(try r.expectLengthDelimited(tag, "message_type")))
                file.extensions += message.extensions
                file.messages.append(message)
            case 5: file.enums.append(try parseEnum(r.sub(try r.expectLengthDelimited(tag, "enum_type"))))
            case 6: file.services.append(try parseService(r.sub(try r.expectLengthDelimited(tag, "service"))))
            case 7: file.extensions.append(try parseExtension(r.sub(try r.expectLengthDelimited(tag, "extension"))))
            case 12: file.syntax = r.string(try r.expectLengthDelimited(tag, "syntax"))
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: WireLimits.defaultDepthLimit)
            }
        }
        return file
    }

    private static func parseMessage(_ reader: WireReader, depth: Int = 0) throws(ProtobufDecodeError) -> MessageRecord {
        guard depth < WireLimits.defaultDepthLimit else { throw reader.error(.depthLimitExceeded) }
        var r = reader
        var message = MessageRecord()
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch tag.number {
            case 1: message.name = r.string(try r.expectLengthDelimited(tag, "name"))
            case 2: message.fields.append(try parseField(r.sub(try r.expectLengthDelimited(tag, "field"))))
            case 3:
                let range = try r.expectLengthDelimited(tag, "nested_type")
                let nested = try parseMessage(r.sub(range), depth: depth + 1)
                message.extensions += nested.extensions
                message.nested.append(nested)
            case 4: message.enums.append(try parseEnum(r.sub(try r.expectLengthDelimited(tag, "enum_type"))))
            case 6: message.extensions.append(try parseExtension(r.sub(try r.expectLengthDelimited(tag, "extension"))))
            case 7:
                // MessageOptions.map_entry = 7
                var o = r.sub(try r.expectLengthDelimited(tag, "options"))
                while !o.isAtEnd {
                    let t = try o.readTag()
                    if t.number == 7 { message.isMapEntry = try o.expectVarint(t, "map_entry") != 0 }
                    else { try o.skipField(number: t.number, wireType: t.wireType, depth: WireLimits.defaultDepthLimit) }
                }
            case 8:
                var o = r.sub(try r.expectLengthDelimited(tag, "oneof_decl"))
                var name = ""
                while !o.isAtEnd {
                    let t = try o.readTag()
                    if t.number == 1 { name = o.string(try o.expectLengthDelimited(t, "name")) }
                    else { try o.skipField(number: t.number, wireType: t.wireType, depth: WireLimits.defaultDepthLimit) }
                }
                message.oneofNames.append(name)
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: WireLimits.defaultDepthLimit)
            }
        }
        return message
    }

    private static func parseField(_ reader: WireReader) throws(ProtobufDecodeError) -> FieldRecord {
        var r = reader
        var field = FieldRecord()
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch tag.number {
            case 1: field.name = r.string(try r.expectLengthDelimited(tag, "name"))
            case 2: field.extendee = r.string(try r.expectLengthDelimited(tag, "extendee"))
            case 3: field.number = Int(truncatingIfNeeded: try r.expectVarint(tag, "number"))
            case 4: field.label = Int(truncatingIfNeeded: try r.expectVarint(tag, "label"))
            case 5: field.type = Int(truncatingIfNeeded: try r.expectVarint(tag, "type"))
            case 6: field.typeName = r.string(try r.expectLengthDelimited(tag, "type_name"))
            case 7: field.defaultValue = r.string(try r.expectLengthDelimited(tag, "default_value"))
            case 8:
                // FieldOptions.packed = 2
                var o = r.sub(try r.expectLengthDelimited(tag, "options"))
                while !o.isAtEnd {
                    let t = try o.readTag()
                    if t.number == 2 { field.packed = try o.expectVarint(t, "packed") != 0 }
                    else { try o.skipField(number: t.number, wireType: t.wireType, depth: WireLimits.defaultDepthLimit) }
                }
            case 9: field.oneofIndex = Int(truncatingIfNeeded: try r.expectVarint(tag, "oneof_index"))
            case 10: field.jsonName = r.string(try r.expectLengthDelimited(tag, "json_name"))
            case 17: field.proto3Optional = try r.expectVarint(tag, "proto3_optional") != 0
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: WireLimits.defaultDepthLimit)
            }
        }
        return field
    }

    /// An extension field: which message it extends, with which number.
    private static func parseExtension(_ reader: WireReader) throws(ProtobufDecodeError) -> FileDescriptor.Extension {
        let field = try parseField(reader)
        let extendee = field.extendee.hasPrefix(".") ? String(field.extendee.dropFirst()) : field.extendee
        return FileDescriptor.Extension(extendee: extendee, number: Int32(truncatingIfNeeded: field.number))
    }

    private static func parseEnum(_ reader: WireReader) throws(ProtobufDecodeError) -> EnumRecord {
        var r = reader
        var record = EnumRecord()
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch tag.number {
            case 1: record.name = r.string(try r.expectLengthDelimited(tag, "name"))
            case 2:
                var v = r.sub(try r.expectLengthDelimited(tag, "value"))
                var name = ""
                var number: Int32 = 0
                while !v.isAtEnd {
                    let t = try v.readTag()
                    switch t.number {
                    case 1: name = v.string(try v.expectLengthDelimited(t, "name"))
                    case 2: number = Int32(truncatingIfNeeded: try v.expectVarint(t, "number"))
                    default: try v.skipField(number: t.number, wireType: t.wireType, depth: WireLimits.defaultDepthLimit)
                    }
                }
                record.values.append((name, number))
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: WireLimits.defaultDepthLimit)
            }
        }
        return record
    }

    private static func parseService(_ reader: WireReader) throws(ProtobufDecodeError) -> ServiceRecord {
        var r = reader
        var service = ServiceRecord()
        while !r.isAtEnd {
            let tag = try r.readTag()
            switch tag.number {
            case 1: service.name = r.string(try r.expectLengthDelimited(tag, "name"))
            case 2:
                var m = r.sub(try r.expectLengthDelimited(tag, "method"))
                var method = MethodRecord()
                while !m.isAtEnd {
                    let t = try m.readTag()
                    switch t.number {
                    case 1: method.name = m.string(try m.expectLengthDelimited(t, "name"))
                    case 2: method.inputType = m.string(try m.expectLengthDelimited(t, "input_type"))
                    case 3: method.outputType = m.string(try m.expectLengthDelimited(t, "output_type"))
                    case 5: method.clientStreaming = try m.expectVarint(t, "client_streaming") != 0
                    case 6: method.serverStreaming = try m.expectVarint(t, "server_streaming") != 0
                    default: try m.skipField(number: t.number, wireType: t.wireType, depth: WireLimits.defaultDepthLimit)
                    }
                }
                service.methods.append(method)
            default: try r.skipField(number: tag.number, wireType: tag.wireType, depth: WireLimits.defaultDepthLimit)
            }
        }
        return service
    }
}

extension WireReader {
    fileprivate func sub(_ range: Range<Int>) -> WireReader { WireReader(parent: self, range: range) }

    fileprivate mutating func expectLengthDelimited(
        _ tag: (number: Int, wireType: WireType), _ field: String
    ) throws(ProtobufDecodeError) -> Range<Int> {
        guard tag.wireType == .lengthDelimited else { throw error(.wrongWireType(field: field)) }
        return try readLengthDelimited()
    }

    fileprivate mutating func expectVarint(
        _ tag: (number: Int, wireType: WireType), _ field: String
    ) throws(ProtobufDecodeError) -> UInt64 {
        guard tag.wireType == .varint else { throw error(.wrongWireType(field: field)) }
        return try readVarint()
    }
}

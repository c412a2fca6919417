import GatewayCore

// The immutable, Sendable descriptors a `GRPCCatalog` is made of. Messages and
// enums are classes so a message can be shared (and can refer to itself
// through its fields) without copying; field types point at other messages
// by their index in the catalog, which keeps the graph acyclic for ARC.

/// The type of a field, with descriptor.proto's numbering.
public enum FieldType: UInt8, Sendable {
    case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string
    case group, message, bytes, uint32, `enum`, sfixed32, sfixed64, sint32, sint64

    /// The wire type a single value of this type is written with.
    var wireType: WireType {
        switch self {
        case .double, .fixed64, .sfixed64: return .fixed64
        case .float, .fixed32, .sfixed32: return .fixed32
        case .string, .bytes, .message: return .lengthDelimited
        case .group: return .startGroup
        default: return .varint
        }
    }

    /// Scalars that may be written packed in one length-delimited run.
    var isPackable: Bool { wireType != .lengthDelimited && wireType != .startGroup }
}

/// `optional` (also proto3's implicit singular), `required` or `repeated`.
public enum FieldLabel: UInt8, Sendable {
    case optional = 1, required, repeated
}

/// The `syntax` a file declares; unknown syntaxes (editions) are read as proto2.
public enum ProtoSyntax: String, Sendable {
    case proto2, proto3
}

/// One field of a message.
public struct FieldDescriptor: Sendable {
    /// The name in the .proto file (`departure_time`): the key with the snake_case convention.
    public let name: String
    /// The lowerCamelCase name protoc derives (`departureTime`): the key with camelCase.
    public let jsonName: String
    public let number: Int
    public let type: FieldType
    public let label: FieldLabel
    /// Fully-qualified name (no leading dot) of the message or enum type; empty for scalars.
    public let typeName: String
    /// A `map<K, V>` field: repeated entries of `typeName` with key 1 and value 2.
    public let isMap: Bool
    /// Index in the message's `oneofs` for members of a real `oneof` (not proto3 `optional`).
    public let oneofIndex: Int?
    /// A proto3 `optional` field.
    public let isProto3Optional: Bool
    /// Whether an unset field is told apart from one set to its zero value:
    /// proto2 fields, proto3 `optional`, oneof members and messages.
    public let hasPresence: Bool
    /// Repeated scalars are written packed (proto3 default, or `[packed = true]`).
    public let isPacked: Bool
    /// The proto2 `[default = ...]`, as the decoder outputs it (enum defaults by name).
    public let defaultValue: Value?

    /// Index of the message type in the catalog (`-1` for non-messages).
    let messageIndex: Int
    /// Index of the enum type in the catalog (`-1` for non-enums).
    let enumIndex: Int
    /// What the decoder outputs when the field is absent (enums: the number form).
    let zeroValue: Value
    /// Default number of an enum field: its `[default]`, else the first value (proto2) or 0.
    let defaultEnumNumber: Int32

    public var isRepeated: Bool { label == .repeated }
}

/// What the codec needs of a field, without reference-counted members, so
/// reading one in the decoding loop costs no retain/release.
struct FieldLayout: Sendable {
    let number: Int32
    let type: FieldType
    let isRepeated: Bool
    let isMap: Bool
    let isPacked: Bool
    let hasPresence: Bool
    /// -1 when not in a oneof.
    let oneofIndex: Int32
    let messageIndex: Int32
    let enumIndex: Int32
    let defaultEnumNumber: Int32

    init(_ field: FieldDescriptor) {
        number = Int32(field.number)
        type = field.type
        isRepeated = field.isRepeated
        isMap = field.isMap
        isPacked = field.isPacked
        hasPresence = field.hasPresence
        oneofIndex = Int32(field.oneofIndex ?? -1)
        messageIndex = Int32(field.messageIndex)
        enumIndex = Int32(field.enumIndex)
        defaultEnumNumber = field.defaultEnumNumber
    }
}

/// A `oneof` and the indices (in `MessageDescriptor.fields`) of its members.
public struct OneofDescriptor: Sendable {
    public let name: String
    public let fieldIndices: [Int]
}

/// A message type: its fields sorted by number, with lookup tables computed
/// once at catalog load so the codec never searches.
public final class MessageDescriptor: Sendable {
    /// `flight_finder.Flight.Segment`.
    public let fullName: String
    /// The .proto file that defines it.
    public let fileName: String
    public let syntax: ProtoSyntax
    public let fields: [FieldDescriptor]
    public let oneofs: [OneofDescriptor]
    /// The synthetic entry type of a `map<K, V>` field.
    public let isMapEntry: Bool
    /// A type some field or method refers to but no loaded file defines: it has
    /// no fields, so its data is left unfilled (KrakenD's behaviour).
    public let isPlaceholder: Bool

    let index: Int
    let wellKnownType: WellKnownType?
    /// `fields` reduced to plain values, for the codec's inner loops.
    let layouts: [FieldLayout]
    /// Field number → index + 1 (0: no such field), when numbers are small.
    private let denseIndex: [Int32]
    private let sparseIndex: [Int: Int]
    let names: [String]
    let jsonNames: [String]
    let indexByName: [String: Int]
    let indexByJSONName: [String: Int]

    init(
        index: Int, fullName: String, fileName: String, syntax: ProtoSyntax,
        fields: [FieldDescriptor], oneofs: [OneofDescriptor], isMapEntry: Bool, isPlaceholder: Bool
    ) {
        self.index = index
        self.fullName = fullName
        self.fileName = fileName
        self.syntax = syntax
        self.fields = fields
        self.oneofs = oneofs
        self.isMapEntry = isMapEntry
        self.isPlaceholder = isPlaceholder
        self.wellKnownType = isPlaceholder ? nil : WellKnownType(fullName: fullName, fields: fields)
        self.layouts = fields.map(FieldLayout.init)
        let maxNumber = fields.last?.number ?? 0
        // A dense table costs 4 bytes per number up to the largest one; use it
        // unless the numbering is very sparse (e.g. extension-style 50000+).
        if maxNumber <= max(64, fields.count * 8) {
            var dense = [Int32](repeating: 0, count: maxNumber + 1)
            for (i, f) in fields.enumerated() { dense[f.number] = Int32(i + 1) }
            denseIndex = dense
            sparseIndex = [:]
        } else {
            denseIndex = []
            var sparse: [Int: Int] = [:]
            for (i, f) in fields.enumerated() { sparse[f.number] = i }
            sparseIndex = sparse
        }
        names = fields.map(\.name)
        jsonNames = fields.map(\.jsonName)
        var byName: [String: Int] = [:]
        var byJSON: [String: Int] = [:]
        for (i, f) in fields.enumerated() {
            byName[f.name] = i
            byJSON[f.jsonName] = i
        }
        indexByName = byName
        indexByJSONName = byJSON
    }

    /// Index in `fields` of the field with `number`.
    @inline(__always)
    func fieldIndex(number: Int) -> Int? {
        if !denseIndex.isEmpty || sparseIndex.isEmpty {
            guard number < denseIndex.count else { return nil }
            let i = Int(denseIndex[number])
            return i == 0 ? nil : i - 1
        }
        return sparseIndex[number]
    }

    /// Index in `fields` for a JSON key, trying the preferred convention first.
    @inline(__always)
    func fieldIndex(key: String, convention: NamingConvention) -> Int? {
        let preferred = convention == .snakeCase ? names : jsonNames
        if preferred.count <= MessageDescriptor.linearLookupLimit {
            // Comparing a few short strings beats hashing the key.
            for i in preferred.indices where preferred[i] == key { return i }
            let other = convention == .snakeCase ? jsonNames : names
            for i in other.indices where other[i] == key { return i }
            return nil
        }
        switch convention {
        case .snakeCase: return indexByName[key] ?? indexByJSONName[key]
        case .camelCase: return indexByJSONName[key] ?? indexByName[key]
        }
    }

    private static let linearLookupLimit = 12

    public func field(number: Int) -> FieldDescriptor? {
        fieldIndex(number: number).map { fields[$0] }
    }

    /// The field called `name` in the .proto, or whose JSON name is `name`.
    public func field(named name: String) -> FieldDescriptor? {
        fieldIndex(key: name, convention: .snakeCase).map { fields[$0] }
    }
}

/// One value of an enum.
public struct EnumValueDescriptor: Sendable, Equatable {
    public let name: String
    public let number: Int32
}

/// An enum type, with number ↔ name tables.
public final class EnumDescriptor: Sendable {
    public let fullName: String
    public let fileName: String
    public let values: [EnumValueDescriptor]
    /// See `MessageDescriptor.isPlaceholder`: numbers pass through, names are unknown.
    public let isPlaceholder: Bool
    private let nameByNumber: [Int32: String]
    /// `nameByNumber` as an array when numbers are small and non-negative (the usual case).
    private let denseNames: [String?]
    private let numberByName: [String: Int32]

    init(fullName: String, fileName: String, values: [EnumValueDescriptor], isPlaceholder: Bool) {
        self.fullName = fullName
        self.fileName = fileName
        self.values = values
        self.isPlaceholder = isPlaceholder
        var byNumber: [Int32: String] = [:]
        var byName: [String: Int32] = [:]
        for v in values {
            // With `allow_alias` the first name of a number is the canonical one.
            if byNumber[v.number] == nil { byNumber[v.number] = v.name }
            byName[v.name] = v.number
        }
        nameByNumber = byNumber
        numberByName = byName
        if let top = values.map(\.number).max(), top < 256, values.allSatisfy({ $0.number >= 0 }) {
            var dense = [String?](repeating: nil, count: Int(top) + 1)
            for (number, name) in byNumber { dense[Int(number)] = name }
            denseNames = dense
        } else {
            denseNames = []
        }
    }

    public func name(of number: Int32) -> String? {
        if !denseNames.isEmpty {
            return number >= 0 && Int(number) < denseNames.count ? denseNames[Int(number)] : nil
        }
        return nameByNumber[number]
    }
    public func number(of name: String) -> Int32? { numberByName[name] }
}

/// One RPC of a service.
public struct MethodDescriptor: Sendable {
    /// `FindFlight`.
    public let name: String
    /// The HTTP/2 path gRPC calls it by, and a backend's `url_pattern`: `/flight_finder.Flights/FindFlight`.
    public let path: String
    public let input: MessageDescriptor
    public let output: MessageDescriptor
    public let clientStreaming: Bool
    public let serverStreaming: Bool
}

/// A service and its methods.
public struct ServiceDescriptor: Sendable {
    /// `flight_finder.Flights`.
    public let fullName: String
    public let fileName: String
    public let methods: [MethodDescriptor]
}

/// A .proto file of the catalog, with its FileDescriptorProto bytes exactly as
/// they were loaded (what gRPC server reflection answers with).
public struct FileDescriptor: Sendable {
    /// The name protoc gave it (`google/protobuf/timestamp.proto`).
    public let name: String
    public let package: String
    public let dependencies: [String]
    public let syntax: ProtoSyntax
    /// The serialized FileDescriptorProto.
    public let rawBytes: [UInt8]
    /// The .pb file it was read from.
    public let source: String
    /// Fully-qualified names of the messages, enums and services it defines.
    public let symbols: [String]
    /// The extensions it declares, anywhere in the file.
    public let extensions: [Extension]

    /// An extension field: the message it extends (fully qualified, no
    /// leading dot) and its field number.
    public struct Extension: Sendable, Equatable {
        public let extendee: String
        public let number: Int32
    }
}

/// The top-level fields of a small protobuf message read without a
/// descriptor, for the services the gateway implements itself (health,
/// reflection) and for scanning descriptors. Unknown wire types are skipped.
struct WireFields {
    struct Field {
        let number: Int
        /// A varint field's value.
        let varint: UInt64?
        /// A length-delimited field's bytes.
        let bytes: [UInt8]?

        var string: String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
    }

    let fields: [Field]

    init(_ bytes: [UInt8]) throws {
        fields = try bytes.withUnsafeBytes { raw -> [Field] in
            var reader = WireReader(raw)
            var out: [Field] = []
            while !reader.isAtEnd {
                let (number, wireType) = try reader.readTag()
                switch wireType {
                case .varint:
                    out.append(Field(number: number, varint: try reader.readVarint(), bytes: nil))
                case .lengthDelimited:
                    let range = try reader.readLengthDelimited()
                    out.append(Field(number: number, varint: nil, bytes: Array(reader.bytes(range))))
                default:
                    try reader.skipField(number: number, wireType: wireType, depth: 0)
                }
            }
            return out
        }
    }

    /// The last value of a field, as protobuf reads a singular field.
    func last(_ number: Int) -> Field? { fields.last { $0.number == number } }

    func all(_ number: Int) -> [Field] { fields.filter { $0.number == number } }
}

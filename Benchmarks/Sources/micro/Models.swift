// What JSONDecoder/JSONEncoder decode into and encode from.
//
// `AnyJSON` is the schema-less equivalent of the gateway's `Value`: a proxy
// does not know the backend's schema, so this is the like-for-like
// comparison. It is the usual "AnyCodable" pattern (the Codable API cannot
// peek at the next token's type, so it tries each type in turn and catches
// the mismatch). The typed models are JSONDecoder's best case, shown for
// reference: a gateway cannot use them.

enum AnyJSON: Codable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([AnyJSON])
    case object([String: AnyJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // Most frequent first in these payloads: strings, then numbers.
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode([String: AnyJSON].self) { self = .object(v) }
        else { self = .array(try c.decode([AnyJSON].self)) }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }
}

/// `http/backend/data.json`.
struct SmallModel: Codable, Sendable {
    struct Address: Codable, Sendable { var street, city, zip: String }
    var id: Int
    var name, email: String
    var active: Bool
    var score: Double
    var tags: [String]
    var address: Address
    var created_at: String
    var roles: [String]
    var visits: Int
}

/// `http/backend/big.json`.
struct BigModel: Codable, Sendable {
    struct Item: Codable, Sendable {
        var id: Int
        var sku, name: String
        var price: Double
        var in_stock: Bool
        var tags: [String]
    }
    var page, per_page, total: Int
    var items: [Item]
}

/// One element of the generated ~1 MB array.
struct LargeRecord: Codable, Sendable {
    struct Address: Codable, Sendable {
        struct Geo: Codable, Sendable { var lat, lng: Double }
        var street, city, zip: String
        var geo: Geo
    }
    var id: Int
    var uuid, name, email: String
    var active: Bool
    var balance, score: Double
    var rank: Int
    var tags: [String]
    var address: Address
    var manager: String?
    var bio, created_at: String
}

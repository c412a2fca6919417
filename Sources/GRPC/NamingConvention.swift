/// How JSON keys map to protobuf fields: `snake_case` uses the names written
/// in the .proto (`departure_time`), `camelCase` the lowerCamelCase JSON names
/// protoc derives (`departureTime`). KrakenD's `request_naming_convention` and
/// `response_naming_convention`, both `snake_case` by default.
public enum NamingConvention: String, Sendable, Equatable {
    case snakeCase = "snake_case"
    case camelCase = "camelCase"

    /// protoc's `ToJsonName`: drop underscores, upper-casing the letter after each.
    static func jsonName(of protoName: String) -> String {
        var out = ""
        out.reserveCapacity(protoName.utf8.count)
        var capitalizeNext = false
        for c in protoName {
            if c == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                out.append(contentsOf: c.uppercased())
                capitalizeNext = false
            } else {
                out.append(c)
            }
        }
        return out
    }

    /// The inverse protojson applies to FieldMask paths: `departureTime` → `departure_time`.
    static func protoName(of jsonName: String) -> String {
        var out = ""
        for c in jsonName {
            if c.isUppercase, c.isASCII {
                out.append("_")
                out.append(contentsOf: c.lowercased())
            } else {
                out.append(c)
            }
        }
        return out
    }
}

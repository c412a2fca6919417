import NIOCore

/// The `grpc-timeout` header value: at most 8 digits and a unit, as the gRPC
/// HTTP/2 protocol requires, choosing the finest unit that fits so that the
/// server sees the deadline as precisely as it can be said.
enum GRPCTimeout {
    static let maxValue: Int64 = 99_999_999

    static func header(for deadline: NIODeadline, now: NIODeadline = .now()) -> String {
        let nanos = max(Int64(0), (deadline - now).nanoseconds)
        return header(nanoseconds: nanos)
    }

    static func header(nanoseconds: Int64) -> String {
        // (unit letter, nanoseconds per unit), finest first.
        let units: [(String, Int64)] = [
            ("n", 1), ("u", 1_000), ("m", 1_000_000), ("S", 1_000_000_000),
            ("M", 60_000_000_000), ("H", 3_600_000_000_000),
        ]
        for (letter, size) in units {
            // Rounded up, as grpc-go does: a sub-unit remainder must not turn
            // into a zero timeout that fails the call on the server at once.
            let value = nanoseconds / size + (nanoseconds % size == 0 ? 0 : 1)
            if value <= maxValue { return "\(value)\(letter)" }
        }
        return "\(maxValue)H"
    }

    /// A `grpc-timeout` value as nanoseconds: 1 to 8 digits and a unit
    /// letter; `nil` when malformed.
    static func nanoseconds(parsing text: Substring) -> Int64? {
        guard let unit = text.last, (2...9).contains(text.count) else { return nil }
        let digits = text.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int64(digits) else { return nil }
        let scale: Int64
        switch unit {
        case "n": scale = 1
        case "u": scale = 1_000
        case "m": scale = 1_000_000
        case "S": scale = 1_000_000_000
        case "M": scale = 60_000_000_000
        case "H": scale = 3_600_000_000_000
        default: return nil
        }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? Int64.max : product
    }
}

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
}

import NIOHTTP2

/// The canonical gRPC status codes (google/rpc/code.proto), by wire value.
public enum GRPCStatusCode: Int, Sendable, CaseIterable, CustomStringConvertible {
    case ok = 0
    case cancelled = 1
    case unknown = 2
    case invalidArgument = 3
    case deadlineExceeded = 4
    case notFound = 5
    case alreadyExists = 6
    case permissionDenied = 7
    case resourceExhausted = 8
    case failedPrecondition = 9
    case aborted = 10
    case outOfRange = 11
    case unimplemented = 12
    case `internal` = 13
    case unavailable = 14
    case dataLoss = 15
    case unauthenticated = 16

    /// The status as grpc-go names it (`DeadlineExceeded`), for messages and logs.
    public var description: String {
        switch self {
        case .ok: return "OK"
        case .cancelled: return "Canceled"
        case .unknown: return "Unknown"
        case .invalidArgument: return "InvalidArgument"
        case .deadlineExceeded: return "DeadlineExceeded"
        case .notFound: return "NotFound"
        case .alreadyExists: return "AlreadyExists"
        case .permissionDenied: return "PermissionDenied"
        case .resourceExhausted: return "ResourceExhausted"
        case .failedPrecondition: return "FailedPrecondition"
        case .aborted: return "Aborted"
        case .outOfRange: return "OutOfRange"
        case .unimplemented: return "Unimplemented"
        case .internal: return "Internal"
        case .unavailable: return "Unavailable"
        case .dataLoss: return "DataLoss"
        case .unauthenticated: return "Unauthenticated"
        }
    }

    /// The name google/rpc/code.proto gives the code (`DEADLINE_EXCEEDED`).
    public var canonicalName: String {
        switch self {
        case .ok: return "OK"
        case .cancelled: return "CANCELLED"
        default:
            var out = ""
            for (i, c) in description.enumerated() {
                if c.isUppercase && i > 0 { out += "_" }
                out += c.uppercased()
            }
            return out
        }
    }

    /// The HTTP status google/rpc/code.proto gives each code, for answering
    /// a REST client with the outcome of a gRPC backend call.
    public var httpStatus: Int {
        switch self {
        case .ok: return 200
        case .cancelled: return 499
        case .unknown, .internal, .dataLoss: return 500
        case .invalidArgument, .failedPrecondition, .outOfRange: return 400
        case .deadlineExceeded: return 504
        case .notFound: return 404
        case .alreadyExists, .aborted: return 409
        case .permissionDenied: return 403
        case .unauthenticated: return 401
        case .resourceExhausted: return 429
        case .unimplemented: return 501
        case .unavailable: return 503
        }
    }

    /// The status of a response whose HTTP status is not 200, as gRPC's
    /// http-grpc-status-mapping.md says (the server was not a gRPC server,
    /// or a proxy in between answered).
    public init(httpStatus: Int) {
        switch httpStatus {
        case 400: self = .internal
        case 401: self = .unauthenticated
        case 403: self = .permissionDenied
        case 404: self = .unimplemented
        case 429, 502, 503, 504: self = .unavailable
        default: self = .unknown
        }
    }

    /// The status of a stream the peer reset, as gRPC's PROTOCOL-HTTP2.md maps
    /// HTTP/2 error codes.
    init(resetCode: HTTP2ErrorCode) {
        switch resetCode {
        case .refusedStream: self = .unavailable
        case .cancel: self = .cancelled
        case .enhanceYourCalm: self = .resourceExhausted
        case .inadequateSecurity: self = .permissionDenied
        default: self = .internal
        }
    }

    /// A status read from `grpc-status`: anything not a known code is UNKNOWN,
    /// as every gRPC implementation treats it.
    init(wireValue: Substring) {
        self = Int(wireValue).flatMap(GRPCStatusCode.init(rawValue:)) ?? .unknown
    }
}

/// A call that ended without a gRPC status from the server: out of time, the
/// connection lost, the response malformed or too large. The code is what
/// a grpc-go client would report for the same failure.
public struct GRPCCallError: Error, Sendable, CustomStringConvertible {
    public var code: GRPCStatusCode
    public var message: String

    public init(_ code: GRPCStatusCode, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "rpc error: code = \(code) desc = \(message)" }

    /// Any failure of a call as a gRPC one: not reaching the server is UNAVAILABLE.
    static func of(_ error: Error) -> GRPCCallError {
        error as? GRPCCallError ?? GRPCCallError(.unavailable, "\(error)")
    }
}

import NIOCore

/// What the server answered to a unary call: its status (from `grpc-status`),
/// message, details, metadata, and the response message when the status is OK.
///
/// Failures the client itself detects (deadline, connection, malformed or too
/// large answer, non-200 HTTP status, a reset stream) are not responses: the
/// call's future fails with a `GRPCCallError` instead.
public struct GRPCUnaryResponse: Sendable {
    public var status: GRPCStatusCode
    /// `grpc-message`, percent-decoded.
    public var message: String
    /// `grpc-status-details-bin` decoded: a serialized google.rpc.Status.
    public var details: [UInt8]?
    /// Custom metadata of the response HEADERS (empty for a trailers-only answer).
    public var headers: GRPCMetadata
    /// Custom metadata of the trailers (the transport's `grpc-*` keys left out).
    public var trailers: GRPCMetadata
    /// The response message without its 5-byte prefix, decompressed; nil
    /// unless the status is OK.
    public var body: ByteBuffer?
}

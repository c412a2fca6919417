import GatewayCore
import NIOCore
import NIOHPACK

/// One call as a server method sees it: the request headers, the request
/// message (already inflated), the deadline the client set.
struct GRPCServerRequest: Sendable {
    var path: String
    var headers: HPACKHeaders
    var message: ByteBuffer
    var deadline: NIODeadline?
    var connection: ConnectionInfo
    var eventLoop: EventLoop
}

/// How a unary call ends: a message with OK, or a status without one.
struct GRPCServerAnswer: Sendable {
    var message: ByteBuffer?
    var status: GRPCStatusCode
    var statusMessage: String
    /// Initial metadata of a successful answer.
    var headers: [(String, String)] = []
    /// Trailing metadata, beside `grpc-status` (`grpc-status-details-bin`).
    var trailers: [(String, String)] = []

    static func ok(_ message: ByteBuffer, headers: [(String, String)] = []) -> GRPCServerAnswer {
        GRPCServerAnswer(message: message, status: .ok, statusMessage: "", headers: headers)
    }

    static func failure(_ status: GRPCStatusCode, _ message: String, trailers: [(String, String)] = []) -> GRPCServerAnswer {
        GRPCServerAnswer(message: nil, status: status, statusMessage: message, trailers: trailers)
    }
}

/// What serves a method of the gateway's gRPC server.
enum GRPCServerMethod: Sendable {
    /// One request message, one answer (every configured method).
    case unary(@Sendable (GRPCServerRequest) -> EventLoopFuture<GRPCServerAnswer>)
    /// Messages both ways over the life of the stream (reflection, health
    /// `Watch`): a handler per call, driven on the stream's event loop.
    case streaming(@Sendable (GRPCStreamCall) -> any GRPCStreamingHandler)
}

/// A streaming call's state, driven on the stream's event loop.
protocol GRPCStreamingHandler: AnyObject {
    func received(_ message: ByteBuffer)
    /// The client sent its last message.
    func inputEnded()
    /// The call ended (answered, cancelled or the connection went away).
    func closed()
}

/// The server's side of a streaming call: send messages, then finish with a
/// status. Used on the stream's event loop only.
final class GRPCStreamCall {
    let eventLoop: EventLoop
    private let sendMessage: (ByteBuffer) -> Void
    private let sendStatus: (GRPCStatusCode, String) -> Void
    private(set) var isFinished = false

    init(eventLoop: EventLoop, send: @escaping (ByteBuffer) -> Void, finish: @escaping (GRPCStatusCode, String) -> Void) {
        self.eventLoop = eventLoop
        self.sendMessage = send
        self.sendStatus = finish
    }

    func send(_ message: ByteBuffer) {
        if !isFinished { sendMessage(message) }
    }

    func finish(_ status: GRPCStatusCode, _ message: String = "") {
        guard !isFinished else { return }
        isFinished = true
        sendStatus(status, message)
    }

}

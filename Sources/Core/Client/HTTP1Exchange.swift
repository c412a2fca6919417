import NIOCore
import NIOHTTP1

/// A request for `HTTP1ConnectionPool`: where to send it and what.
public struct HTTP1Request: Sendable {
    public var host: String
    public var port: Int
    public var head: HTTPRequestHead
    public var body: ByteBuffer?
}

/// A whole response, body read.
public struct HTTP1Response: Sendable {
    public var head: HTTPResponseHead
    public var body: ByteBuffer?
    /// The data, when the transport decoded it already (a gRPC answer): the
    /// backend's `encoding` is then not applied.
    public var decoded: [String: Value]?

    public init(head: HTTPResponseHead, body: ByteBuffer?, decoded: [String: Value]? = nil) {
        self.head = head
        self.body = body
        self.decoded = decoded
    }
}

/// A response for a no-op endpoint: the body whole when it came with the
/// head (in the same read), else still arriving.
public struct HTTP1StreamedResponse: Sendable {
    public enum Body: Sendable {
        case complete(ByteBuffer?)
        case streaming(ByteStream)
    }
    public var head: HTTPResponseHead
    public var body: Body
}

public struct HTTP1ClientError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// True when nothing of a response had arrived: a reused connection that
    /// the backend had closed meanwhile, and the request may be retried.
    var beforeResponse: Bool

    static let deadline = "context deadline exceeded"
    public var isTimeout: Bool { description == Self.deadline }
}

/// The last handler of a pooled backend connection: the response to the one
/// request in flight, collected whole or passed on as it arrives.
final class HTTP1ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private enum State {
        case idle
        case buffering(EventLoopPromise<HTTP1Response>, HTTPResponseHead?)
        case awaitingHead(EventLoopPromise<HTTP1StreamedResponse>)
        /// Head (and maybe body) read, but not yet handed over: if the end
        /// arrives in the same read, the response goes out whole.
        case gathering(EventLoopPromise<HTTP1StreamedResponse>, HTTPResponseHead)
        case streaming(ByteStream.Producer.Source, EventLoopPromise<Void>)
    }

    private var state = State.idle
    /// The body read so far while buffering or gathering. Kept out of `state`
    /// so that it is the buffer's only owner: appending to a shared buffer
    /// copies all of it, which made large answers quadratic.
    private var body: ByteBuffer?
    private let maxBody: Int

    init(maxBody: Int) { self.maxBody = maxBody }

    var isIdle: Bool { if case .idle = state { return true } else { return false } }

    func start(_ promise: EventLoopPromise<HTTP1Response>) { state = .buffering(promise, nil) }

    func startStreaming(_ promise: EventLoopPromise<HTTP1StreamedResponse>) { state = .awaitingHead(promise) }

    /// Completed when a streamed body has been read to its end.
    private var streamEnded: EventLoopPromise<Void>?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch (state, unwrapInboundIn(data)) {
        case (.buffering(let p, _), .head(let head)):
            state = .buffering(p, head)
        case (.buffering, .body(var chunk)):
            append(&chunk)
            if let size = body?.readableBytes, size > maxBody {
                fail(context: context, "the backend response is larger than \(maxBody) bytes", beforeResponse: false)
            }
        case (.buffering(let p, let head?), .end):
            state = .idle
            p.succeed(HTTP1Response(head: head, body: takeBody()))
        case (.awaitingHead(let p), .head(let head)):
            state = .gathering(p, head)
        case (.gathering, .body(var chunk)):
            append(&chunk)
        case (.gathering(let p, let head), .end):
            state = .idle
            let body = takeBody()
            let ended = context.eventLoop.makePromise(of: Void.self)
            streamEnded = ended
            p.succeed(HTTP1StreamedResponse(head: head, body: .complete(body)))
            ended.succeed(())
        case (.streaming(let source, _), .body(let chunk)):
            if case .stopProducing = source.yield(chunk) {
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
        case (.streaming(let source, let ended), .end):
            state = .idle
            source.finish()
            ended.succeed(())
        default:
            break
        }
    }

    private func append(_ chunk: inout ByteBuffer) {
        if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
    }

    private func takeBody() -> ByteBuffer? {
        defer { body = nil }
        return body
    }

    /// The read ended with the body unfinished: from here on it streams.
    func channelReadComplete(context: ChannelHandlerContext) {
        if case .gathering(let p, let head) = state {
            let body = takeBody()
            let channel = context.channel
            let (stream, source) = ByteStream.make {
                channel.setOption(ChannelOptions.autoRead, value: true).whenFailure { _ in }
            }
            let ended = context.eventLoop.makePromise(of: Void.self)
            state = .streaming(source, ended)
            streamEnded = ended
            if let body { _ = source.yield(body) }
            p.succeed(HTTP1StreamedResponse(head: head, body: .streaming(stream)))
        }
        context.fireChannelReadComplete()
    }

    /// The promise that a streamed exchange ends; set when its head arrives.
    func streamCompletion() -> EventLoopFuture<Void>? { streamEnded?.futureResult }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, "the backend closed the connection", beforeResponse: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(context: context, "\(error)", beforeResponse: nil)
    }

    /// Gives up on the exchange (the deadline passed): the connection is not reusable.
    func cancel(context: ChannelHandlerContext) {
        fail(context: context, HTTP1ClientError.deadline, beforeResponse: false)
    }

    private func fail(context: ChannelHandlerContext, _ message: String, beforeResponse: Bool?) {
        let state = self.state
        self.state = .idle
        body = nil
        switch state {
        case .idle:
            return
        case .buffering(let p, let head):
            p.fail(HTTP1ClientError(description: message, beforeResponse: beforeResponse ?? (head == nil)))
        case .awaitingHead(let p):
            p.fail(HTTP1ClientError(description: message, beforeResponse: beforeResponse ?? true))
        case .gathering(let p, _):
            p.fail(HTTP1ClientError(description: message, beforeResponse: false))
        case .streaming(let source, let ended):
            let error = HTTP1ClientError(description: message, beforeResponse: false)
            source.finish(error)
            ended.fail(error)
        }
        context.close(promise: nil)
    }
}

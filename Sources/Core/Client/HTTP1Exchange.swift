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

/// The one handler of a pooled backend connection: writes the request's
/// bytes, parses the response (`HTTP1ResponseParser`), inflates a gzip body
/// when asked to, and hands the response to the one request in flight,
/// collected whole or passed on as it arrives.
final class HTTP1ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case idle
        case buffering(Answered, HTTPResponseHead?)
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
    private let decompress: Bool
    private var parser = HTTP1ResponseParser()
    /// The current response's body is compressed, and inflated here.
    private var inflater: ResponseInflater?
    /// The last response ended with the connection fit for another request.
    private(set) var reusable = true
    private var context: ChannelHandlerContext?

    init(maxBody: Int, decompress: Bool) {
        self.maxBody = maxBody
        self.decompress = decompress
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        timer?.task.cancel()
        timer = nil
    }

    /// When the exchange in flight is given up (the endpoint's timeout).
    private var deadline = NIODeadline.distantFuture
    /// At most one timer, kept from one exchange to the next: when it fires
    /// before the current deadline it waits again, so that a request costs
    /// no timer of its own to schedule and cancel.
    private var timer: (at: NIODeadline, task: Scheduled<Void>)?

    /// Gives the exchange about to start until `deadline`.
    func arm(until deadline: NIODeadline) {
        self.deadline = deadline
        if let timer, timer.at <= deadline { return }
        timer?.task.cancel()
        schedule(at: deadline)
    }

    private func schedule(at time: NIODeadline) {
        guard let context else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = (time, context.eventLoop.scheduleTask(deadline: time) { handler.value.timerFired() })
    }

    private func timerFired() {
        timer = nil
        guard !isIdle, let context else { return }
        if deadline <= .now() { cancel(context: context) } else { schedule(at: deadline) }
    }

    var isIdle: Bool { if case .idle = state { return true } else { return false } }

    /// Called, on the connection's loop, with the whole answer or the failure.
    typealias Answered = (Result<HTTP1Response, Error>) -> Void

    /// Starts an exchange whose answer is read whole; a callback rather than
    /// a promise, since the pool has its own to complete (a future costs allocations).
    func start(_ answered: @escaping Answered) { state = .buffering(answered, nil) }

    func startStreaming(_ promise: EventLoopPromise<HTTP1StreamedResponse>) {
        state = .awaitingHead(promise)
        streamEnded = nil
    }

    /// Completed when a streamed body has been read to its end.
    private var streamEnded: EventLoopPromise<Void>?

    /// Writes the request head, and unless `bodyFollows` its body and end;
    /// returns how a following body must be framed (`chunk(_:)`).
    func send(_ head: HTTPRequestHead, body: ByteBuffer?, bodyFollows: Bool) -> HTTP1BodyFraming? {
        guard let context else { return nil }
        var head = head
        let framing = head.frameBody()
        var out = context.channel.allocator.buffer(capacity: 256 + (bodyFollows ? 0 : min(body?.readableBytes ?? 0, ByteBuffer.coalesceLimit)))
        do { try out.writeRequestHead(head) } catch {
            fail(context: context, error.description, beforeResponse: false)
            return nil
        }
        parser.expectResponse(toHead: head.method == .HEAD)
        reusable = true
        if !bodyFollows {
            if let body { out.writeBodyPart(body, framing: framing) { context.write(wrapOutboundOut($0), promise: nil) } }
            out.writeBodyEnd(framing: framing)
        }
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        return framing
    }

    /// A response that ended while the parser was at work: its promise is
    /// kept until the parser is done, because completing it runs the
    /// caller's code, which may send the next request on this connection.
    private enum Completion {
        case whole(Answered, HTTP1Response)
        case gathered(EventLoopPromise<HTTP1StreamedResponse>, HTTP1StreamedResponse)
        case streamed(ByteStream.Producer.Source, ended: EventLoopPromise<Void>)
    }
    private var completion: Completion?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            try parser.feed(unwrapInboundIn(data)) { event in try self.handle(event, context: context) }
            complete()
        } catch {
            complete()
            fail(context: context, "\(error)", beforeResponse: nil)
        }
    }

    private func complete() {
        guard let completion else { return }
        self.completion = nil
        switch completion {
        case .whole(let answered, let response):
            answered(.success(response))
        case .gathered(let p, let response):
            p.succeed(response)
        case .streamed(let source, let ended):
            source.finish()
            ended.succeed(())
        }
    }

    private func handle(_ event: HTTP1ResponseParser.Event, context: ChannelHandlerContext) throws {
        switch event {
        case .head(let head):
            inflater = nil
            if decompress, let encoding = head.headers.first(name: "content-encoding"), ResponseInflater.applies(to: encoding) {
                inflater = ResponseInflater()
            }
            headArrived(head)
        case .body(let chunk):
            guard chunk.readableBytes > 0 else { return }
            if let inflater {
                var plain = try inflater.inflate(chunk, allocator: context.channel.allocator)
                if plain.readableBytes > 0 { try bodyArrived(&plain, context: context) }
            } else {
                var chunk = chunk
                try bodyArrived(&chunk, context: context)
            }
        case .end(let reusable):
            if let inflater, !inflater.isComplete { throw ResponseInflater.Failure(description: "the compressed body is truncated") }
            inflater = nil
            self.reusable = reusable
            ended(context: context)
        }
    }

    private func headArrived(_ head: HTTPResponseHead) {
        switch state {
        case .buffering(let p, _): state = .buffering(p, head)
        case .awaitingHead(let p): state = .gathering(p, head)
        default: break
        }
    }

    private func bodyArrived(_ chunk: inout ByteBuffer, context: ChannelHandlerContext) throws {
        switch state {
        case .buffering:
            append(&chunk)
            if let size = body?.readableBytes, size > maxBody {
                throw HTTP1ClientError(description: "the backend response is larger than \(maxBody) bytes", beforeResponse: false)
            }
        case .gathering:
            append(&chunk)
        case .streaming(let source, _):
            if case .stopProducing = source.yield(chunk) {
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenFailure { _ in }
            }
        default:
            break
        }
    }

    private func ended(context: ChannelHandlerContext) {
        switch state {
        case .buffering(let p, let head?):
            state = .idle
            completion = .whole(p, HTTP1Response(head: head, body: takeBody()))
        case .gathering(let p, let head):
            state = .idle
            completion = .gathered(p, HTTP1StreamedResponse(head: head, body: .complete(takeBody())))
        case .streaming(let source, let ended):
            state = .idle
            completion = .streamed(source, ended: ended)
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
        // A body delimited by the end of the connection ends here.
        do { try parser.finish { event in try self.handle(event, context: context) } } catch {}
        complete()
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
        inflater = nil
        reusable = false
        switch state {
        case .idle:
            context.close(promise: nil)
            return
        case .buffering(let answered, let head):
            answered(.failure(HTTP1ClientError(description: message, beforeResponse: beforeResponse ?? (head == nil && !parser.hasStarted))))
        case .awaitingHead(let p):
            p.fail(HTTP1ClientError(description: message, beforeResponse: beforeResponse ?? !parser.hasStarted))
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

/// How a request body goes on the wire.
enum HTTP1BodyFraming {
    case none
    case length
    case chunked
}

extension HTTPRequestHead {
    /// Settles `Content-Length` and `Transfer-Encoding` as NIO's
    /// `HTTPRequestEncoder` does: POST, PUT and PATCH without a length go
    /// chunked; other methods keep what they have; TRACE has no body.
    mutating func frameBody() -> HTTP1BodyFraming {
        switch method {
        case .TRACE:
            headers.remove(name: "content-length")
            headers.remove(name: "transfer-encoding")
            return .none
        case .POST, .PUT, .PATCH:
            if headers.contains(name: "content-length") {
                headers.removeIfPresent("transfer-encoding")
                return .length
            }
            headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
            return .chunked
        default:
            if headers.contains(name: "content-length") {
                headers.removeIfPresent("transfer-encoding")
                return .length
            }
            return headers.first(name: "transfer-encoding") == "chunked" ? .chunked : .none
        }
    }
}

extension ByteBuffer {
    /// The request line and headers. A name that is not a token, or a value
    /// with CR, LF or NUL in it, is refused: nothing may forge a header.
    mutating func writeRequestHead(_ head: HTTPRequestHead) throws(HTTP1ClientError) {
        writeString(head.method.rawValue)
        writeInteger(UInt8(ascii: " "))
        writeString(head.uri)
        writeStaticString(head.version.minor == 0 ? " HTTP/1.0\r\n" : " HTTP/1.1\r\n")
        for (name, value) in head.headers {
            guard !name.isEmpty, name.utf8.allSatisfy(\.isHTTPTokenByte), !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw HTTP1ClientError(description: "invalid header field \(name)", beforeResponse: false)
            }
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }

    /// Parts up to this size are copied after the bytes before them, so
    /// that both leave in one write; larger ones are written as they are.
    static let coalesceLimit = 16 * 1024

    /// Appends a part of a message body, framed. A large part is not copied:
    /// what this buffer holds so far, then the part, go to `write`, and the
    /// buffer keeps only what follows the part (the chunk's line end).
    mutating func writeBodyPart(_ part: ByteBuffer, framing: HTTP1BodyFraming, write: (ByteBuffer) -> Void) {
        guard part.readableBytes > 0, framing != .none else { return }
        if framing == .chunked {
            writeString(String(part.readableBytes, radix: 16))
            writeStaticString("\r\n")
        }
        if part.readableBytes <= Self.coalesceLimit {
            writeImmutableBuffer(part)
        } else {
            write(self)
            write(part)
            // A new buffer: writing into this one would copy what was handed on.
            self = ByteBufferAllocator().buffer(capacity: 16)
        }
        if framing == .chunked { writeStaticString("\r\n") }
    }

    /// The end of a request body.
    mutating func writeBodyEnd(framing: HTTP1BodyFraming) {
        if framing == .chunked { writeStaticString("0\r\n\r\n") }
    }
}

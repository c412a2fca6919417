import NIOCore
import NIOHTTP1

/// Reads requests from one HTTP/1.1 connection or one HTTP/2 stream (both as
/// `HTTPServerRequestPart`s), hands each to the `HTTPApplication` and keeps
/// the connection's timers. Pipelined HTTP/1.1 requests wait in a queue until
/// the response before them is written; reading goes on meanwhile (holding
/// reads, as NIO's pipelining helper does, costs two epoll calls a request).
final class HTTPRequestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case buffering(IncomingRequest, PreparedRequest, limit: Int)
        case streaming(ByteStream.Producer.Source)
        case discarding
        case responding
        /// The 101 answer is going out: later bytes belong to the new protocol
        /// and wait here until its handlers are in place.
        case upgrading(CircularBuffer<NIOAny>)
    }

    private let app: HTTPApplication
    private let settings: ServerSettings
    private let isHTTP2: Bool
    private let isTLS: Bool
    /// The HTTP/1.1 handlers before this one, removed when the connection
    /// switches protocols (the request decoder last: it forwards what it holds).
    private let httpHandlers: [RemovableChannelHandler]
    private var state = State.idle
    private var keepAlive = true
    private var timer: Scheduled<Void>?
    private var readsPaused = false
    private var readPending = false
    /// Parts of pipelined requests that arrived while a response was pending.
    private var pipelined = CircularBuffer<HTTPServerRequestPart>()
    /// Past this many queued parts the connection stops reading.
    private static let pipelineLimit = 128
    private var pausedForPipeline = false
    /// Read at the first request: the remote address costs a lock and its text a conversion.
    private var connectionInfo: ConnectionInfo?

    init(app: HTTPApplication, settings: ServerSettings, isHTTP2: Bool, isTLS: Bool, httpHandlers: [RemovableChannelHandler] = []) {
        self.app = app
        self.httpHandlers = httpHandlers
        self.settings = settings
        self.isHTTP2 = isHTTP2
        self.isTLS = isTLS
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armHeaderTimer(context: context, firstRequest: true) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armHeaderTimer(context: context, firstRequest: true)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancelTimer() }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        if case .streaming(let source) = state { source.finish(ConnectionClosed()) }
        state = .idle
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .upgrading(var held) = state {
            state = .responding
            held.append(data)
            state = .upgrading(held)
            return
        }
        let part = unwrapInboundIn(data)
        if case .responding = state {
            queue(part)
        } else if !pipelined.isEmpty {
            queue(part)
        } else {
            process(part, context: context)
        }
    }

    private func queue(_ part: HTTPServerRequestPart) {
        pipelined.append(part)
        if pipelined.count > Self.pipelineLimit && !readsPaused {
            readsPaused = true
            pausedForPipeline = true
        }
    }

    /// After a response: the queued requests, up to the next one that waits for its own response.
    private func drainPipeline(context: ChannelHandlerContext) {
        while let part = pipelined.first {
            if case .responding = state { break }
            pipelined.removeFirst()
            process(part, context: context)
        }
        if pausedForPipeline && pipelined.count <= Self.pipelineLimit / 2 {
            pausedForPipeline = false
            resumeReads(context: context)
        }
    }

    private func process(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        switch part {
        case .head(let head):
            requestHeadArrived(context: context, head: head)
        case .body(var chunk):
            switch state {
            case .buffering(var request, let prepared, let limit):
                if request.body.bufferedSize + chunk.readableBytes > limit {
                    state = .discarding
                    respondAndClose(context: context, status: .payloadTooLarge)
                    return
                }
                state = .discarding  // the state's copy would make the append copy the whole body
                request.body.append(&chunk)
                state = .buffering(request, prepared, limit: limit)
            case .streaming(let source):
                if case .stopProducing = source.yield(chunk) { readsPaused = true }
            case .idle, .discarding, .responding, .upgrading:
                break
            }
        case .end:
            cancelTimer()
            switch state {
            case .buffering(let request, let prepared, _):
                state = .responding
                if let upgrade = prepared.upgrade {
                    startUpgrade(upgrade, request, context: context)
                } else {
                    start(prepared, request, context: context)
                }
            case .streaming(let source):
                source.finish()
                state = .responding
            case .idle, .discarding, .responding, .upgrading:
                break
            }
        }
    }

    private func requestHeadArrived(context: ChannelHandlerContext, head: HTTPRequestHead) {
        cancelTimer()
        // The parser reads nothing after an upgrade request: unless the
        // connection switches, it closes after the answer.
        keepAlive = head.headers.keepsAlive(head.version) && (isHTTP2 || !head.asksForUpgrade)
        if settings.readTimeout > .zero { arm(context: context, after: settings.readTimeout) }
        // Go answers `Expect: 100-continue` when the body is read; the body is
        // always read here, so say so at once rather than let the client wait.
        if !isHTTP2, head.version == .http1_1,
           head.headers.first(name: "expect")?.lowercased() == "100-continue" {
            context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
        }
        let connection = connectionInfo ?? ConnectionInfo(remoteAddress: context.channel.remoteAddress, isHTTP2: isHTTP2, isTLS: isTLS)
        connectionInfo = connection
        let prepared = app.prepare(head, connection: connection)
        switch prepared.bodyMode {
        case .buffered(let limit):
            let request = IncomingRequest(head: head, body: .buffered(nil), connection: connection, params: prepared.params)
            state = .buffering(request, prepared, limit: limit)
        case .streamed where !isHTTP2 && !head.hasBody:
            // Nothing to stream: no stream to make (it costs locks and allocations).
            let request = IncomingRequest(head: head, body: .buffered(nil), connection: connection, params: prepared.params)
            state = .buffering(request, prepared, limit: 0)
        case .streamed:
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            let eventLoop = context.eventLoop
            let (stream, source) = ByteStream.make {
                eventLoop.execute { let (handler, ctx) = loopBound.value; handler.resumeReads(context: ctx) }
            }
            state = .streaming(source)
            let request = IncomingRequest(head: head, body: .streamed(stream), connection: connection, params: prepared.params)
            start(prepared, request, context: context)
        }
    }

    private func start(_ prepared: PreparedRequest, _ request: IncomingRequest, context: ChannelHandlerContext) {
        let writer = ResponseWriter(channel: context.channel, isHeadRequest: request.head.method == .HEAD)
        if settings.writeTimeout > .zero { arm(context: context, after: settings.writeTimeout) }
        if let runOnLoop = prepared.runOnLoop {
            runOnLoop(request, writer, context.eventLoop)
        } else {
            Task { await prepared.run(request, writer) }
        }
    }

    // MARK: switching protocols

    private func startUpgrade(_ upgrade: ConnectionUpgrade, _ request: IncomingRequest, context: ChannelHandlerContext) {
        let writer = ResponseWriter(channel: context.channel, isHeadRequest: request.head.method == .HEAD)
        let isHTTP2 = self.isHTTP2
        upgrade(request, context.channel).hop(to: context.eventLoop).assumeIsolated().whenComplete { result in
            switch result {
            case .success(.switchProtocols(let headers, let configure)) where !isHTTP2:
                self.switchProtocols(context: context, headers: headers, configure: configure)
            case .success(.switchProtocols):
                writer.respond(status: .badRequest, headers: ["Content-Type": "text/plain; charset=utf-8"], body: ByteBuffer(string: "Bad Request\n"))
            case .success(.refuse(let status, let headers, let body)):
                writer.respond(status: status, headers: headers, body: body)
            case .failure:
                writer.respond(status: .internalServerError, headers: [:], body: nil)
            }
        }
    }

    /// Writes the 101 answer, takes the HTTP handlers out, lets the new
    /// protocol add its own, and then leaves, handing over the bytes that
    /// arrived meanwhile.
    private func switchProtocols(context: ChannelHandlerContext, headers: HTTPHeaders, configure: @escaping @Sendable (Channel) throws -> Void) {
        cancelTimer()
        state = .upgrading([])
        let head = HTTPResponseHead(version: .http1_1, status: .switchingProtocols, headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
        let pipeline = context.pipeline
        let removed = httpHandlers.map { pipeline.syncOperations.removeHandler($0) }
        EventLoopFuture.andAllSucceed(removed, on: context.eventLoop).assumeIsolated().whenComplete { result in
            do {
                try result.get()
                try configure(context.channel)
                pipeline.syncOperations.removeHandler(context: context, promise: nil)
            } catch {
                context.close(promise: nil)
            }
        }
    }

    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        if case .upgrading(let held) = state {
            state = .idle
            for data in held { context.fireChannelRead(data) }
            if !held.isEmpty { context.fireChannelReadComplete() }
        }
        context.leavePipeline(removalToken: removalToken)
    }

    private func resumeReads(context: ChannelHandlerContext) {
        readsPaused = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    // MARK: outbound: notice the end of each response

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let part = unwrapOutboundIn(data)
        switch part {
        case .head(var head) where !isHTTP2 && !keepAlive:
            head.headers.replaceOrAdd(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            responseFinished(context: context, promise: promise, data: data)
        default:
            context.write(data, promise: promise)
        }
    }

    private func responseFinished(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, data: NIOAny) {
        cancelTimer()
        if case .streaming(let source) = state {
            // The response ended before the client finished sending: nobody reads the rest.
            source.finish()
            keepAlive = false
        }
        state = .idle
        if !keepAlive && !isHTTP2 {
            let closed = context.eventLoop.makePromise(of: Void.self)
            closed.futureResult.cascade(to: promise)
            context.write(data, promise: closed)
            closed.futureResult.whenComplete { _ in context.close(promise: nil) }
        } else {
            context.write(data, promise: promise)
            if !isHTTP2 { armHeaderTimer(context: context, firstRequest: false) }
            drainPipeline(context: context)
        }
    }

    /// Graceful shutdown: an idle connection closes now, a busy one after its
    /// current response (queued pipelined requests are not started).
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent, !isHTTP2 else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        keepAlive = false
        pipelined.removeAll()
        if case .idle = state { context.close(promise: nil) }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused { readPending = true } else { context.read() }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if case .streaming(let source) = state { source.finish(error) }
        context.close(promise: nil)
    }

    // MARK: timers

    /// Go's rules: the first request waits `read_header_timeout`; later ones
    /// wait `idle_timeout`, else `read_timeout`, else `read_header_timeout`.
    private func armHeaderTimer(context: ChannelHandlerContext, firstRequest: Bool) {
        guard !isHTTP2 else { return }
        var wait = settings.readHeaderTimeout
        if wait == .zero { wait = settings.readTimeout }
        if !firstRequest {
            if settings.idleTimeout > .zero { wait = settings.idleTimeout }
            else if settings.readTimeout > .zero { wait = settings.readTimeout }
        }
        if wait > .zero { arm(context: context, after: wait) }
    }

    private func arm(context: ChannelHandlerContext, after duration: Duration) {
        cancelTimer()
        guard !isHTTP2 else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: TimeAmount(duration)) { channel.close(promise: nil) }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }

    private func respondAndClose(context: ChannelHandlerContext, status: HTTPResponseStatus) {
        keepAlive = false
        let body = "\(status.code) \(status.reasonPhrase)"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.utf8.count))
        headers.add(name: "Connection", value: "close")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }
}

struct ConnectionClosed: Error {}

import NIOCore
import NIOHTTP1
import NIOPosix

/// Keep-alive HTTP/1.1 connections to plain-HTTP backends, one pool per event
/// loop: a request is sent from the loop it runs on, on a connection owned by
/// that loop, so the hot path takes no lock and crosses no thread.
public final class HTTP1ConnectionPool: Sendable {
    struct Key: Hashable {
        var host: String
        var port: Int
    }

    private let pools: [ObjectIdentifier: LoopPool]
    private let group: EventLoopGroup

    public init(group: EventLoopGroup, settings: HTTPClientSettings, maxBody: Int = 64 << 20) {
        self.group = group
        var pools: [ObjectIdentifier: LoopPool] = [:]
        for loop in group.makeIterator() {
            pools[ObjectIdentifier(loop)] = LoopPool(eventLoop: loop, settings: settings, maxBody: maxBody)
        }
        self.pools = pools
    }

    /// Sends the request and reads the whole response before `deadline`, on
    /// `loop`'s own connections (hopping there first if called from elsewhere).
    public func execute(_ request: HTTP1Request, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<HTTP1Response> {
        withPool(for: loop) { pool in pool.execute(request, deadline: deadline, retry: true) }
    }

    /// `executeStreaming` for a request without a body, from `loop` and
    /// without a task: the future completes on `loop` when the head arrives.
    public func executeStreaming(_ request: HTTP1Request, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<HTTP1StreamedResponse> {
        withPool(for: loop) { pool in pool.streamingResponse(request, deadline: deadline) }
    }

    /// Runs `work` on `loop`'s own pool (another loop's when `loop` is not
    /// one of the group's); the future completes on `loop`.
    private func withPool<T: Sendable>(for loop: EventLoop, _ work: @escaping @Sendable (LoopPool) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        let target = pools[ObjectIdentifier(loop)] != nil ? loop : group.next()
        let pool = pools[ObjectIdentifier(target)]!
        let future = target.inEventLoop ? work(pool) : target.flatSubmit { work(pool) }
        return target === loop ? future : future.hop(to: loop)
    }

    /// Sends the request and returns as soon as the response head arrives;
    /// the body follows as a stream. `bodyStream`, when given, is sent after
    /// the head (chunked unless the head carries a length).
    public func executeStreaming(_ request: HTTP1Request, bodyStream: RequestBodyStream?, deadline: NIODeadline) async throws -> HTTP1StreamedResponse {
        let loop = MultiThreadedEventLoopGroup.currentEventLoop.flatMap { pools[ObjectIdentifier($0)] != nil ? $0 : nil } ?? group.next()
        let pool = pools[ObjectIdentifier(loop)]!
        let hasStream = bodyStream != nil
        let started = try await loop.flatSubmit { pool.startStreaming(request, deadline: deadline, bodyFollows: hasStream) }.get()
        if let bodyStream {
            do {
                let channel = started.channel
                for try await chunk in bodyStream {
                    var framed = channel.allocator.buffer(capacity: min(chunk.readableBytes, ByteBuffer.coalesceLimit) + 16)
                    framed.writeBodyPart(chunk, framing: started.framing) { channel.write($0, promise: nil) }
                    try await channel.writeAndFlush(framed)
                }
                var end = channel.allocator.buffer(capacity: 5)
                end.writeBodyEnd(framing: started.framing)
                try await channel.writeAndFlush(end)
            } catch {
                started.channel.close(promise: nil)
                throw error
            }
        }
        return try await started.response.get()
    }

    public func shutdown() async {
        for (_, pool) in pools {
            try? await pool.eventLoop.submit { pool.closeAll() }.get()
        }
    }
}

/// The connections of one event loop. Every method runs on that loop (the
/// pool hops there first), which is what makes the unchecked Sendable safe.
final class LoopPool: @unchecked Sendable {
    /// Used on the pool's event loop only, like the pool itself.
    struct Connection: @unchecked Sendable {
        let channel: Channel
        let exchange: HTTP1ExchangeHandler
    }

    let eventLoop: EventLoop
    let settings: HTTPClientSettings
    let maxBody: Int
    /// A backend's idle connections; a class so that taking one does not
    /// mutate the dictionary (whose in-place accessors allocate).
    private final class IdleList {
        var connections: [Connection] = []
    }
    private var idle: [HTTP1ConnectionPool.Key: IdleList] = [:]

    init(eventLoop: EventLoop, settings: HTTPClientSettings, maxBody: Int) {
        self.eventLoop = eventLoop
        self.settings = settings
        self.maxBody = maxBody
    }

    func execute(_ request: HTTP1Request, deadline: NIODeadline, retry: Bool) -> EventLoopFuture<HTTP1Response> {
        eventLoop.assertInEventLoop()
        let key = HTTP1ConnectionPool.Key(host: request.host, port: request.port)
        return withConnection(key, deadline: deadline) { connection, pooled in
            self.exchange(request, on: connection, key: key, deadline: deadline, retryOnStaleConnection: retry && pooled)
        }
    }

    /// `body` on an idle pooled connection at once, with no future to wait
    /// on (each costs allocations and generic-metadata look-ups on the hot
    /// path), or on a new connection once it is made.
    private func withConnection<T: Sendable>(_ key: HTTP1ConnectionPool.Key, deadline: NIODeadline,
                                             _ body: @escaping (Connection, _ pooled: Bool) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if let connection = popIdle(key) { return body(connection, true) }
        return connect(key, deadline: deadline).flatMap { body($0, false) }
    }

    /// One request on one connection; the connection goes back to the pool
    /// (or is closed) once answered. A pooled connection the backend had
    /// closed is retried once on a new one when the request can be sent twice
    /// without harm (as Go's client does).
    private func exchange(_ request: HTTP1Request, on connection: Connection, key: HTTP1ConnectionPool.Key, deadline: NIODeadline,
                          retryOnStaleConnection: Bool) -> EventLoopFuture<HTTP1Response> {
        let result = eventLoop.makePromise(of: HTTP1Response.self)
        let keepAlive = keepsAlive(request)
        connection.exchange.start { outcome in
            switch outcome {
            case .success(let response):
                self.finish(connection, key: key, reusable: keepAlive && connection.exchange.reusable, streamed: false)
                result.succeed(response)
            case .failure(let error):
                self.finish(connection, key: key, reusable: false, streamed: false)
                if retryOnStaleConnection, let e = error as? HTTP1ClientError, e.beforeResponse, request.isReplayable {
                    result.completeWith(self.execute(request, deadline: deadline, retry: false))
                } else {
                    result.fail(error)
                }
            }
        }
        send(request, on: connection, deadline: deadline, bodyFollows: false)
        return result.futureResult
    }

    struct StartedExchange: Sendable {
        let channel: Channel
        let response: EventLoopFuture<HTTP1StreamedResponse>
        /// How the body that follows the head is framed.
        let framing: HTTP1BodyFraming
    }

    func startStreaming(_ request: HTTP1Request, deadline: NIODeadline, bodyFollows: Bool) -> EventLoopFuture<StartedExchange> {
        eventLoop.assertInEventLoop()
        let key = HTTP1ConnectionPool.Key(host: request.host, port: request.port)
        return withConnection(key, deadline: deadline) { connection, _ in
            self.eventLoop.makeSucceededFuture(self.start(request, on: connection, key: key, deadline: deadline, bodyFollows: bodyFollows))
        }
    }

    /// `startStreaming` for a request without a body: the response, with
    /// no future in between when a pooled connection is free.
    func streamingResponse(_ request: HTTP1Request, deadline: NIODeadline) -> EventLoopFuture<HTTP1StreamedResponse> {
        eventLoop.assertInEventLoop()
        let key = HTTP1ConnectionPool.Key(host: request.host, port: request.port)
        return withConnection(key, deadline: deadline) { connection, _ in
            self.start(request, on: connection, key: key, deadline: deadline, bodyFollows: false).response
        }
    }

    private func start(_ request: HTTP1Request, on connection: Connection, key: HTTP1ConnectionPool.Key, deadline: NIODeadline,
                       bodyFollows: Bool) -> StartedExchange {
        let promise = eventLoop.makePromise(of: HTTP1StreamedResponse.self)
        connection.exchange.startStreaming(promise)
        let keepAlive = keepsAlive(request)
        let framing = send(request, on: connection, deadline: deadline, bodyFollows: bodyFollows)
        // Reusable once the body has been read to its end: at once when it came whole.
        promise.futureResult.whenComplete { result in
            guard case .success(let response) = result else {
                self.finish(connection, key: key, reusable: false, streamed: true)
                return
            }
            if case .complete = response.body {
                self.finish(connection, key: key, reusable: keepAlive && connection.exchange.reusable, streamed: false)
                return
            }
            guard let ended = connection.exchange.streamCompletion() else {
                self.finish(connection, key: key, reusable: false, streamed: true)
                return
            }
            ended.whenComplete { end in
                let clean: Bool = { if case .success = end { return true } else { return false } }()
                self.finish(connection, key: key, reusable: clean && keepAlive && connection.exchange.reusable, streamed: true)
            }
        }
        return StartedExchange(channel: connection.channel, response: promise.futureResult, framing: framing)
    }

    /// Writes the request (all of it unless `bodyFollows`) and arms the
    /// deadline, which abandons the exchange and its connection.
    @discardableResult
    private func send(_ request: HTTP1Request, on connection: Connection, deadline: NIODeadline,
                      bodyFollows: Bool) -> HTTP1BodyFraming {
        connection.exchange.arm(until: deadline)
        var head = request.head
        if settings.disableKeepAlives { head.headers.replaceOrAdd(name: "Connection", value: "close") }
        // nil: the head could not be written, and the exchange has failed already.
        return connection.exchange.send(head, body: request.body, bodyFollows: bodyFollows) ?? .none
    }

    /// Whether the request, as `send` writes it, leaves the connection open.
    private func keepsAlive(_ request: HTTP1Request) -> Bool {
        !settings.disableKeepAlives && request.head.headers.keepsAlive(request.head.version)
    }

    /// Back to the pool, or closed.
    private func finish(_ connection: Connection, key: HTTP1ConnectionPool.Key, reusable: Bool, streamed: Bool) {
        guard reusable, connection.channel.isActive else {
            connection.channel.close(promise: nil)
            return
        }
        guard streamed else {
            pushIdle(key, connection)
            return
        }
        // A streamed body may have paused reading; a pooled connection reads again.
        connection.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in
            self.pushIdle(key, connection)
        }
    }

    private func popIdle(_ key: HTTP1ConnectionPool.Key) -> Connection? {
        guard let list = idle[key] else { return nil }
        while let connection = list.connections.popLast() {
            if connection.channel.isActive && connection.exchange.isIdle { return connection }
        }
        return nil
    }

    private func pushIdle(_ key: HTTP1ConnectionPool.Key, _ connection: Connection) {
        let list = idle[key] ?? {
            let new = IdleList()
            idle[key] = new
            return new
        }()
        guard list.connections.count < settings.maxIdleConnectionsPerHost else {
            connection.channel.close(promise: nil)
            return
        }
        list.connections.append(connection)
    }

    private func connect(_ key: HTTP1ConnectionPool.Key, deadline: NIODeadline) -> EventLoopFuture<Connection> {
        let maxBody = self.maxBody
        let decompress = !settings.disableCompression
        var bootstrap = ClientBootstrap(group: eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(HTTP1ExchangeHandler(maxBody: maxBody, decompress: decompress))
                }
            }
        let remaining = deadline - .now()
        var timeout = settings.dialerTimeout > .zero ? TimeAmount(settings.dialerTimeout) : remaining
        if remaining < timeout { timeout = remaining }
        bootstrap = bootstrap.connectTimeout(max(timeout, .milliseconds(1)))
        return bootstrap.connect(host: key.host, port: key.port).flatMapErrorThrowing { error in
            // Out of time while connecting: the endpoint's deadline, said as KrakenD says it.
            if NIODeadline.now() >= deadline { throw HTTP1ClientError(description: HTTP1ClientError.deadline, beforeResponse: false) }
            throw error
        }.flatMapThrowing { channel in
            let exchange = try channel.pipeline.syncOperations.handler(type: HTTP1ExchangeHandler.self)
            return Connection(channel: channel, exchange: exchange)
        }
    }

    func closeAll() {
        for (_, list) in idle { for c in list.connections { c.channel.close(promise: nil) } }
        idle = [:]
    }
}

extension HTTP1Request {
    /// Safe to send again: an idempotent method, or nothing in the body.
    var isReplayable: Bool {
        switch head.method {
        case .GET, .HEAD, .OPTIONS, .TRACE, .PUT, .DELETE: return true
        default: return (body?.readableBytes ?? 0) == 0
        }
    }
}

import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// A connection to a WebSocket backend that comes back when it is lost:
/// the manual's "Retries and backoff strategies". Messages sent while it is
/// away wait in a queue; once the retries are exhausted they (and later
/// ones) fail with "empty connection". With `handshake` (multiplexing) the
/// backend must answer `OK` to `{"msg":"KrakenD WS proxy starting"}` before
/// anything else is sent. Everything runs on one event loop.
final class BackendLink: Sendable {
    struct Options: Sendable {
        var urls: [WebSocketURL]
        var headers: HTTPHeaders
        var subprotocols: [String]
        var backoff: Backoff
        var handshake: Bool
    }

    /// Called on the link's loop: `nil` when the message left, else why not.
    typealias Completion = @Sendable (String?) -> Void

    static let handshakeMessage = #"{"msg":"KrakenD WS proxy starting"}"#
    static let emptyConnection = "empty connection"

    private let loop: EventLoop
    private let options: Options
    private let dialer: BackendDialer
    private let logger: Logger
    private let state: NIOLoopBoundBox<LinkState>
    private let gaveUp = NIOLockedValueBox(false)

    /// Messages from the backend (after the handshake).
    private let onMessage: @Sendable (WebSocketMessage) -> Void
    /// The backend closed the connection with a close frame (direct mode relays it).
    private let onClosedByBackend: (@Sendable (WebSocketCloseInfo) -> Void)?
    /// The retries are exhausted.
    private let onGiveUp: @Sendable () -> Void

    private final class LinkState {
        enum Phase { case idle, connecting, handshaking(WebSocketConnection), open(WebSocketConnection), waiting, gaveUp, stopped }
        var phase = Phase.idle
        /// The number of the attempt under way since the connection was last
        /// up: 0 for the first connection at start-up, 1 for the first retry.
        var retry = 0
        /// Failed attempts since the connection was last up: the backoff's `r`.
        var failures = 0
        var queue = CircularBuffer<(WebSocketMessage, Completion?)>()
        var timer: Scheduled<Void>?
    }

    init(options: Options, dialer: BackendDialer, loop: EventLoop, logger: Logger,
         onMessage: @escaping @Sendable (WebSocketMessage) -> Void,
         onClosedByBackend: (@Sendable (WebSocketCloseInfo) -> Void)? = nil,
         onGiveUp: @escaping @Sendable () -> Void) {
        self.options = options
        self.dialer = dialer
        self.loop = loop
        self.logger = logger
        self.onMessage = onMessage
        self.onClosedByBackend = onClosedByBackend
        self.onGiveUp = onGiveUp
        self.state = NIOLoopBoundBox.makeBoxSendingValue(LinkState(), eventLoop: loop)
    }

    /// Whether the retries are exhausted: the backend is gone for good.
    var isGone: Bool { gaveUp.withLockedValue { $0 } }

    func start() {
        onLoop { self.connect() }
    }

    /// Sends a message now, or once the backend is (back) up.
    func send(_ message: WebSocketMessage, completion: Completion? = nil) {
        onLoop {
            let s = self.state.value
            switch s.phase {
            case .open(let connection):
                connection.send(message, completion: completion)
            case .gaveUp, .stopped:
                self.logger.error("[SERVICE: Websocket] Writing request: \(Self.emptyConnection)")
                completion?(Self.emptyConnection)
            case .idle, .connecting, .handshaking, .waiting:
                s.queue.append((message, completion))
            }
        }
    }

    /// Closes the backend connection and stops retrying; queued messages fail.
    func stop() {
        onLoop {
            let s = self.state.value
            let phase = s.phase
            s.phase = .stopped
            s.timer?.cancel()
            switch phase {
            case .open(let connection), .handshaking(let connection): connection.close(code: 1001, reason: "going away")
            default: break
            }
            self.failQueue()
        }
    }

    // MARK: connecting

    private func connect() {
        let s = state.value
        switch s.phase {
        case .idle, .waiting: break
        default: return
        }
        s.phase = .connecting
        let url = options.urls.randomElement()!
        let events = WebSocketPeer.Events(
            onMessage: { [weak self] message in self?.received(message) },
            onClose: { [weak self] info in self?.lost(info) })
        dialer.dial(url, headers: options.headers, subprotocols: options.subprotocols, events: events, on: loop).whenComplete { result in
            let s = self.state.value
            guard case .connecting = s.phase else {
                if case .success(let connection) = result { connection.close(code: 1001, reason: "going away") }
                return
            }
            switch result {
            case .success(let connection) where self.options.handshake:
                s.phase = .handshaking(connection)
                connection.send(.text(ByteBuffer(string: Self.handshakeMessage)))
                s.timer = self.loop.scheduleTask(in: TimeAmount(self.dialer.limits.writeWait)) {
                    self.handshakeFailed(connection, url: url, why: "no OK from the backend")
                }
            case .success(let connection):
                self.opened(connection)
            case .failure(let error):
                self.attemptFailed(url: url, error: "\(error)")
            }
        }
    }

    private func received(_ message: WebSocketMessage) {
        let s = state.value
        switch s.phase {
        case .open:
            onMessage(message)
        case .handshaking(let connection):
            s.timer?.cancel()
            if case .text(let text) = message, text.readableBytesView.elementsEqual("OK".utf8) {
                opened(connection)
            } else {
                handshakeFailed(connection, url: nil, why: "the backend answered the handshake with \(String(buffer: message.data).prefix(64)) instead of OK")
            }
        default:
            break
        }
    }

    private func handshakeFailed(_ connection: WebSocketConnection, url: WebSocketURL?, why: String) {
        let s = state.value
        guard case .handshaking = s.phase else { return }
        s.phase = .connecting
        connection.close(code: 1002, reason: "handshake failed")
        attemptFailed(url: url, error: why)
    }

    private func opened(_ connection: WebSocketConnection) {
        let s = state.value
        s.phase = .open(connection)
        s.retry = 0
        s.failures = 0
        while let (message, completion) = s.queue.popFirst() { connection.send(message, completion: completion) }
    }

    /// The connection ended: retry at once (retry 1), then by the backoff.
    private func lost(_ info: WebSocketCloseInfo) {
        let s = state.value
        switch s.phase {
        case .open, .handshaking: break
        default: return
        }
        if case .open = s.phase, let code = info.code, let onClosedByBackend {
            s.phase = .stopped
            failQueue()
            onClosedByBackend(WebSocketCloseInfo(code: code, reason: info.reason))
            return
        }
        if case .open = s.phase {
            logger.warning("[SERVICE: Websocket][Client] Reading from the connection: \(info.code.map { "close \($0)" } ?? "EOF") \(info.reason)")
            s.phase = .idle
            s.retry = 1
            connect()
        }
    }

    private func attemptFailed(url: WebSocketURL?, error: String) {
        let s = state.value
        guard case .connecting = s.phase else { return }
        let dial = "websocket.Dial \(url.map { "\($0)" } ?? ""): \(error)"
        if s.retry == 0 {
            logger.critical("[SERVICE: Websocket] \(dial)")
        } else {
            logger.error("[SERVICE: Websocket][Client] Unable to renew the connection: \(dial)")
        }
        if !options.backoff.allows(retry: s.retry + 1) {
            logger.critical("[SERVICE: Websocket][Client] Unable to reconnect to the backend: \(dial)")
            s.phase = .gaveUp
            gaveUp.withLockedValue { $0 = true }
            failQueue()
            onGiveUp()
            return
        }
        s.failures += 1
        let delay = options.backoff.delay(retry: s.failures)
        s.retry += 1
        s.phase = .waiting
        s.timer = loop.scheduleTask(in: TimeAmount(delay)) { self.connect() }
    }

    private func failQueue() {
        let s = state.value
        while let (_, completion) = s.queue.popFirst() {
            logger.error("[SERVICE: Websocket] Writing request: \(Self.emptyConnection)")
            completion?(Self.emptyConnection)
        }
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }
}

import GatewayCore
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// Multiplexing: every client of one endpoint shares ONE backend
/// connection. Client messages go up wrapped in envelopes; backend messages
/// come down to one session (unicast), to the clients of a URL or with
/// matching session values (multicast), or to everyone (broadcast).
final class MultiplexHub: Sendable {
    private struct Sessions {
        var byUUID: [String: ClientSession] = [:]
        var byURL: [String: [String: ClientSession]] = [:]
    }

    private let sessions = NIOLockedValueBox(Sessions())
    private let link: NIOLockedValueBox<BackendLink?> = NIOLockedValueBox(nil)
    private let settings: WebSocketSettings
    private let logger: Logger

    init(settings: WebSocketSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Connects the hub to its backend (once, at start-up).
    func attach(_ backend: BackendLink) {
        link.withLockedValue { $0 = backend }
        backend.start()
    }

    /// The backend is gone for good: new clients are refused with 502.
    var isGone: Bool { link.withLockedValue { $0?.isGone ?? false } }

    func stop() { link.withLockedValue { $0 }?.stop() }

    // MARK: clients

    func join(_ session: ClientSession) {
        sessions.withLockedValue {
            $0.byUUID[session.uuid] = session
            $0.byURL[session.url, default: [:]][session.uuid] = session
        }
        if settings.connectEvent { notify(session, event: "connect") }
    }

    func leave(_ session: ClientSession) {
        sessions.withLockedValue {
            $0.byUUID[session.uuid] = nil
            $0.byURL[session.url]?[session.uuid] = nil
            if $0.byURL[session.url]?.isEmpty == true { $0.byURL[session.url] = nil }
        }
        if settings.disconnectEvent { notify(session, event: "disconnect") }
    }

    /// A client's message, wrapped and sent up.
    func fromClient(_ session: ClientSession, _ message: WebSocketMessage) {
        let envelope = Envelope.toBackend(url: session.url, session: session.fields, body: message.data)
        send(.text(envelope), from: session)
    }

    private func notify(_ session: ClientSession, event: String) {
        let envelope = Envelope.toBackend(url: session.url, session: session.fields, body: ByteBuffer(), event: event)
        link.withLockedValue { $0 }?.send(.text(envelope))
    }

    private func send(_ message: WebSocketMessage, from session: ClientSession) {
        guard let link = link.withLockedValue({ $0 }) else { return }
        session.send(message, through: link, returnErrors: settings.returnErrorDetails)
    }

    // MARK: backend

    /// A backend message, delivered to the clients it names.
    func fromBackend(_ message: WebSocketMessage) {
        let delivery = Envelope.fromBackend(message)
        if delivery.message.data.readableBytes > settings.maxMessageSize {
            logger.warning("[SERVICE: Websocket] a backend message of \(delivery.message.data.readableBytes) bytes exceeds max_message_size: dropped")
            return
        }
        for session in recipients(delivery) { session.connection.send(delivery.message) }
    }

    private func recipients(_ delivery: Envelope.Delivery) -> [ClientSession] {
        sessions.withLockedValue { all in
            if delivery.isBroadcast { return Array(all.byUUID.values) }
            if let filter = delivery.session, case .string(let uuid)? = filter["uuid"] {
                guard let one = all.byUUID[uuid], delivery.url == nil || delivery.url == one.url, one.matches(filter) else { return [] }
                return [one]
            }
            let pool: [ClientSession]
            if let url = delivery.url { pool = all.byURL[url].map { Array($0.values) } ?? [] } else { pool = Array(all.byUUID.values) }
            guard let filter = delivery.session else { return pool }
            return pool.filter { $0.matches(filter) }
        }
    }
}

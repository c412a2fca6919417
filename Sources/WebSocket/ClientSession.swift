import GatewayCore
import NIOConcurrencyHelpers
import NIOCore

/// One client connected to a websocket endpoint: who it is for the backend
/// (the envelope's `url` and `session`) and its connection.
final class ClientSession: Sendable {
    let uuid: String
    /// The endpoint URL the client connected to, without the query: `/chat/a`.
    let url: String
    /// `uuid`, the `{params}` with their first letter upper-cased, and the
    /// headers and query strings the endpoint lets through.
    let fields: [String: Value]
    let connection: WebSocketConnection
    /// Messages from this client not yet handed to the backend.
    private let waiting = NIOLockedValueBox(0)
    private let bufferLimit: Int

    init(uuid: String, url: String, fields: [String: Value], connection: WebSocketConnection, bufferLimit: Int) {
        self.uuid = uuid
        self.url = url
        self.fields = fields
        self.connection = connection
        self.bufferLimit = bufferLimit
    }

    /// Sends a message of this client to the backend. With `message_buffer_size`
    /// waiting, the gateway stops reading this client (TCP pushes back on it)
    /// rather than drop its messages or let it fill the gateway's memory. A
    /// message that cannot be delivered earns `{"error":…}` with `return_error_details`.
    func send(_ message: WebSocketMessage, through link: BackendLink, returnErrors: Bool) {
        messageQueued()
        link.send(message) { error in
            self.messageLeft()
            if let error, returnErrors {
                self.connection.send(.text(ByteBuffer(bytes: Value.object(["error": .string(error)]).jsonBytes)))
            }
        }
    }

    private func messageQueued() {
        let count = waiting.withLockedValue { $0 += 1; return $0 }
        if count == bufferLimit { connection.pauseReading() }
    }

    private func messageLeft() {
        let count = waiting.withLockedValue { $0 -= 1; return $0 }
        if count == bufferLimit - 1 { connection.resumeReading() }
    }

    /// Whether every key of `filter` has the same value in this session.
    func matches(_ filter: [String: Value]) -> Bool {
        filter.allSatisfy { key, value in fields[key] == value }
    }

    /// `{room}` → `Room`, as the manual's envelope names params.
    static func fieldName(param: String) -> String {
        guard let first = param.first else { return param }
        return first.uppercased() + param.dropFirst()
    }
}

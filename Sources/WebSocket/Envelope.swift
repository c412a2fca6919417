import GatewayCore
import NIOCore

/// The message format between the gateway and a multiplexed backend (the
/// manual's "Message format"): `url`, `session` and a base64 `body`.
enum Envelope {
    /// What a client sent, wrapped for the backend:
    /// `{"url":"/chat/a","session":{"Room":"a","uuid":"…"},"body":"SGk="}`.
    /// Connect and disconnect notifications carry `"event"` and an empty body.
    static func toBackend(url: String, session: [String: Value], body: ByteBuffer, event: String? = nil) -> ByteBuffer {
        var out: [UInt8] = []
        out.reserveCapacity(body.readableBytes * 4 / 3 + 128)
        out.append(contentsOf: #"{"url":"#.utf8)
        Value.string(url).serializeJSON(into: &out)
        out.append(contentsOf: #","session":"#.utf8)
        Value.object(session).serializeJSON(into: &out)
        out.append(contentsOf: #","body":""#.utf8)
        body.withUnsafeReadableBytes { out.append(contentsOf: GoBase64.encode($0).utf8) }
        out.append(UInt8(ascii: "\""))
        if let event {
            out.append(contentsOf: #","event":"#.utf8)
            Value.string(event).serializeJSON(into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return ByteBuffer(bytes: out)
    }

    /// Who a backend message is for, and what they get.
    struct Delivery {
        /// Only the clients of this endpoint URL, when set.
        var url: String?
        /// Only the clients whose session has all these values, when set.
        var session: [String: Value]?
        var message: WebSocketMessage

        var isBroadcast: Bool { url == nil && session == nil }
    }

    /// Reads a backend message. An envelope (a JSON object with a base64
    /// `body`) goes to the clients its `url` and `session` filters name;
    /// anything else is broadcast as it came.
    static func fromBackend(_ message: WebSocketMessage) -> Delivery {
        let raw = Delivery(url: nil, session: nil, message: message)
        let data = message.data
        guard data.readableBytes >= 2, data.readableBytesView.first == UInt8(ascii: "{"),
              let value = try? Value(json: data.readableBytesView),
              case .object(let object) = value,
              let encoded = object["body"]?.stringValue,
              let body = GoBase64.decode(encoded)
        else { return raw }
        let url = object["url"]?.stringValue
        var session = object["session"]?.objectValue
        if session?.isEmpty == true { session = nil }
        let buffer = ByteBuffer(bytes: body)
        let isText = String(validating: body, as: UTF8.self) != nil
        return Delivery(url: url.flatMap { $0.isEmpty ? nil : $0 }, session: session, message: isText ? .text(buffer) : .binary(buffer))
    }
}

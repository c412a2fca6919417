import GatewayCore
import NIOCore
import NIOHTTP1

/// A client's opening handshake (RFC 6455 §4.2.1), judged as gorilla's
/// `Upgrader` judges it, with its statuses and body.
enum ClientHandshake {
    /// `nil` when the request is a valid WebSocket opening handshake, else the
    /// answer that refuses it.
    static func refusal(_ head: HTTPRequestHead) -> UpgradeAnswer? {
        guard head.method == .GET else { return refuse(.methodNotAllowed) }
        guard tokens(head.headers, "connection").contains("upgrade"),
              tokens(head.headers, "upgrade").contains("websocket"),
              head.headers.first(name: "sec-websocket-version") == "13",
              let key = head.headers.first(name: "sec-websocket-key"), isValidKey(key)
        else { return refuse(.badRequest) }
        return nil
    }

    /// The first of the endpoint's `subprotocols` the client offers (the
    /// server's preference wins, as gorilla's `selectSubprotocol`).
    static func subprotocol(_ head: HTTPRequestHead, supported: [String]) -> String? {
        let offered = head.headers[canonicalForm: "sec-websocket-protocol"].map { String($0).trimmingSpaces }
        return supported.first { offered.contains($0) }
    }

    static func refuse(_ status: HTTPResponseStatus) -> UpgradeAnswer {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Sec-Websocket-Version", value: "13")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        return .refuse(status: status, headers: headers, body: ByteBuffer(string: status.reasonPhrase + "\n"))
    }

    /// Comma-separated header tokens, lower-cased.
    private static func tokens(_ headers: HTTPHeaders, _ name: String) -> [String] {
        headers[canonicalForm: name].map { $0.lowercased().trimmingSpaces }
    }

    /// A key is 16 random bytes in base64: 24 characters ending in `==`.
    private static func isValidKey(_ key: String) -> Bool {
        let key = key.trimmingSpaces
        return key.utf8.count == 24 && key.hasSuffix("==")
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

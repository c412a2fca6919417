/// The `extra_config` namespace the WebSocket module will own. Nothing is
/// implemented yet: the gateway reports it as not supported.
public enum WebSocketNamespaces {
    public static let all = ["websocket"]
}

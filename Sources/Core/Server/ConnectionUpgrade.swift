import NIOCore
import NIOHTTP1

/// How a route answers a request that may switch its HTTP/1.1 connection to
/// another protocol (`Upgrade: websocket`). Called on the connection's event
/// loop once the request has been read whole.
public typealias ConnectionUpgrade = @Sendable (IncomingRequest, Channel) -> EventLoopFuture<UpgradeAnswer>

/// The answer to an upgrade request.
public enum UpgradeAnswer: Sendable {
    /// An ordinary HTTP answer; the connection closes after it.
    case refuse(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?)
    /// `101 Switching Protocols` with these headers; once it is written and
    /// the HTTP handlers are gone, `configure` adds the new protocol's
    /// handlers at the end of the pipeline (on the channel's event loop). Bytes
    /// that came after the request reach them first.
    case switchProtocols(headers: HTTPHeaders, configure: @Sendable (Channel) throws -> Void)
}

/// An endpoint served by a protocol module instead of the proxy pipe (the
/// `websocket` namespace): it answers upgrade requests on its route and owns
/// the connections it takes over.
public protocol UpgradeEndpoint: Sendable {
    /// The answer to a request on the endpoint's route, with its `{params}`.
    func answer(_ request: IncomingRequest, params: [(name: String, value: String)], channel: Channel) -> EventLoopFuture<UpgradeAnswer>
    /// Opens what the endpoint keeps open (a multiplexed backend connection);
    /// called once the whole gateway is built.
    func start()
    /// Closes every connection the endpoint took over and stops reconnecting.
    func shutdown() async
}

/// Builds the endpoint of one `extra_config` namespace, as `BackendAdapter`
/// does for backends: the executable registers the protocol modules' factories.
public struct UpgradeEndpointFactory: Sendable {
    public let namespace: String
    public let make: @Sendable (EndpointConfig, ServiceConfig) throws(ConfigError) -> any UpgradeEndpoint
    /// Problems of an endpoint's settings, as `check` reports them.
    public let problems: @Sendable (EndpointConfig) -> [ConfigProblem]

    public init(namespace: String, make: @escaping @Sendable (EndpointConfig, ServiceConfig) throws(ConfigError) -> any UpgradeEndpoint,
                problems: @escaping @Sendable (EndpointConfig) -> [ConfigProblem]) {
        self.namespace = namespace
        self.make = make
        self.problems = problems
    }

    /// The factory for `endpoint`, when one of `factories` owns a namespace it sets.
    static func factory(for endpoint: EndpointConfig, in factories: [UpgradeEndpointFactory]) -> UpgradeEndpointFactory? {
        factories.first { endpoint.extraConfig[$0.namespace] != nil }
    }
}

extension HTTPRequestHead {
    /// The request asks to switch protocols (`Connection: upgrade` with an
    /// `Upgrade` header): the HTTP parser reads nothing after it, so the
    /// connection cannot serve another request unless it switches.
    public var asksForUpgrade: Bool {
        guard headers.contains(name: "upgrade") else { return false }
        var upgrade = false
        headers.forEachElement(named: "connection") { token in upgrade = upgrade || token.equalsASCIICaseInsensitive("upgrade") }
        return upgrade
    }
}

import NIOCore

/// A protocol module's hand in an HTTP backend (`backend/graphql`,
/// `backend/soap`): it rewrites the request before it is sent and judges the
/// decoded answer. Built once per backend, at start-up.
public protocol BackendAdapter: Sendable {
    /// Rewrites the request the backend would send. `forwarding` tells what
    /// of the client's request this backend may see. Throwing fails this
    /// backend's call (the client's input could not be used).
    func adapt(_ fetch: inout HTTPBackendClient.Fetch, context: RequestContext, forwarding: ParameterForwarding) throws(BackendCallError)

    /// The decoded answer of a successful status: `nil` keeps it; an error
    /// fails the backend, keeping any `partialData` it carries.
    func judge(_ data: [String: Value], response: HTTP1Response) -> BackendCallError?

    /// Sends the adapted request itself, for a backend that does not speak
    /// HTTP/1 (gRPC); `nil` sends it with the HTTP client. The answer may carry
    /// its data already decoded (`HTTP1Response.decoded`).
    func send(_ fetch: HTTPBackendClient.Fetch, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<HTTP1Response>?

    /// An answer with a failure status: the adapter may say more about it
    /// (a SOAP fault's code and reason) in `error.details`.
    func explain(_ error: inout BackendCallError, response: HTTP1Response)

    /// Doubts about the configuration that do not stop the gateway (a query
    /// that is not standard GraphQL may be a dialect the backend speaks):
    /// `run` logs them, `check` fails on them.
    var warnings: [ConfigProblem] { get }
}

extension BackendAdapter {
    public var warnings: [ConfigProblem] { [] }
    public func judge(_ data: [String: Value], response: HTTP1Response) -> BackendCallError? { nil }
    public func explain(_ error: inout BackendCallError, response: HTTP1Response) {}
    public func send(_ fetch: HTTPBackendClient.Fetch, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<HTTP1Response>? { nil }
}

/// Builds a backend's adapter from its configuration; throws the problems of
/// the namespace's settings (with their paths).
public typealias BackendAdapterFactory = @Sendable (BackendConfig) throws(ConfigError) -> any BackendAdapter

/// The protocol modules' factories, each keyed by its `extra_config` namespace.
public struct BackendAdapters: Sendable {
    public var factories: [(namespace: String, make: BackendAdapterFactory)]

    public init(_ factories: [(namespace: String, make: BackendAdapterFactory)] = []) {
        self.factories = factories
    }

    public var namespaces: [String] { factories.map(\.namespace) }

    /// The adapter of the first namespace the backend configures, if any.
    func adapter(for backend: BackendConfig) throws(ConfigError) -> (any BackendAdapter)? {
        for factory in factories where backend.extraConfig[factory.namespace] != nil {
            return try factory.make(backend)
        }
        return nil
    }

    /// Builds every backend's adapter, to report their problems all at once:
    /// the errors that stop the gateway and the warnings that do not.
    public func problems(_ service: ServiceConfig) -> (errors: [ConfigProblem], warnings: [ConfigProblem]) {
        var errors: [ConfigProblem] = []
        var warnings: [ConfigProblem] = []
        for endpoint in service.endpoints {
            for backend in endpoint.backends {
                do { warnings += try adapter(for: backend)?.warnings ?? [] } catch { errors += error.problems }
            }
        }
        return (errors, warnings)
    }
}

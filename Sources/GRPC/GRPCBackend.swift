import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// `backend/grpc`: a REST endpoint's backend that is a gRPC method of the
/// service's catalog (`url_pattern` = `/package.Service/Method`). The request
/// message is filled from the client's request (`GRPCRequestFill`), sent as
/// a unary call; the answer is decoded into data for the merge layer, its
/// metadata as headers. A non-OK status becomes the HTTP status of
/// google/rpc/code.proto's mapping, with `grpc_status`, `grpc_status_name`
/// and `grpc_message` (and the raw `grpc-status-details-bin` as
/// `grpc_details_bin`, base64) under `return_error_details`.
public struct GRPCBackend: BackendAdapter {
    public static let namespace = "backend/grpc"
    public static let catalogNamespace = "grpc"

    /// The factory for backends of a service whose catalog is `catalog`.
    public static func adapter(catalog: GRPCCatalog) -> (namespace: String, make: BackendAdapterFactory) {
        (namespace, { config throws(ConfigError) in try GRPCBackend(config, catalog: catalog) })
    }

    /// The service's catalog (`extra_config.grpc.catalog`), loaded once; an
    /// empty one when the service has none.
    public static func catalog(of service: ServiceConfig) throws(ConfigError) -> GRPCCatalog {
        guard let entries = service.extraConfig[catalogNamespace]?["catalog"]?.arrayValue else { return .empty }
        let paths = entries.compactMap(\.stringValue)
        do { return try GRPCCatalog.load(paths) } catch {
            throw ConfigError(path: "extra_config.grpc.catalog", "\(error)")
        }
    }

    let method: MethodDescriptor
    let encoder: MessageEncoder
    let decoder: MessageDecoder
    let fill: GRPCRequestFill
    let headerMapping: [String: String]
    let client: GRPCClient
    /// The backend's hosts, and `use_alternate_host_on_error`: a call that
    /// could not reach its host is sent once more to the next one.
    let hosts: [String]
    let alternateHostOnError: Bool

    public init(_ config: BackendConfig, catalog: GRPCCatalog) throws(ConfigError) {
        let path = config.configPath + ".extra_config." + Self.namespace
        let section = config.extraConfig[Self.namespace] ?? .object([:])
        guard let method = catalog.method(path: config.urlPattern) else {
            throw ConfigError(path: config.configPath + ".url_pattern",
                              "the gRPC method \(config.urlPattern) is not in the catalog (extra_config.grpc.catalog)")
        }
        self.method = method
        encoder = MessageEncoder(catalog: catalog, options: EncodingOptions(backendConfig: section))
        decoder = MessageDecoder(catalog: catalog, options: DecodingOptions(backendConfig: section))
        var mapping: [String: String] = [:]
        for (key, value) in section["input_mapping"]?.objectValue ?? [:] { mapping[key] = value.stringValue }
        fill = GRPCRequestFill(inputMapping: mapping,
                               disableQueryParams: section["disable_query_params"]?.boolValue == true,
                               useRequestBody: section["use_request_body"]?.boolValue == true)
        var headers: [String: String] = [:]
        for (key, value) in section["header_mapping"]?.objectValue ?? [:] { headers[key.lowercased()] = value.stringValue?.lowercased() }
        headerMapping = headers
        hosts = config.host
        alternateHostOnError = section["use_alternate_host_on_error"]?.boolValue == true
        do { client = try GRPCClients.shared(Self.settings(section)) } catch {
            throw ConfigError(path: path + ".client_tls", "cannot load the TLS files: \(error)")
        }
    }

    static func settings(_ section: Value) -> GRPCClientSettings {
        var settings = GRPCClientSettings()
        if let size = section["max_call_recv_msg_size"]?.intValue, size > 0 { settings.maxReceiveMessageSize = size }
        if let size = section["read_buffer_size"]?.intValue, size > 0 { settings.readBufferSize = size }
        if let idle = section["idle_conn_disconnect_time"]?.stringValue, let duration = GoDuration.parse(idle), duration > .zero {
            settings.idleConnectionTimeout = TimeAmount(duration)
        }
        if let tls = section["client_tls"] {
            let certificate = tls["client_certs"]?.arrayValue?.first
            settings.tls = GRPCClientTLS(
                allowInsecureConnections: tls["allow_insecure_connections"]?.boolValue == true,
                caFiles: tls["ca_certs"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                certificateFile: certificate?["certificate"]?.stringValue,
                keyFile: certificate?["private_key"]?.stringValue)
        }
        return settings
    }

    /// Headers the gateway adds for HTTP backends that are no metadata of the client's.
    static let notMetadata: Set<String> = ["accept-encoding", "content-type", "content-length"]

    public func adapt(_ fetch: inout HTTPBackendClient.Fetch, context: RequestContext, forwarding: ParameterForwarding) throws(BackendCallError) {
        var clientHeaders: [(String, String)] = []
        for (name, value) in fetch.headers where context.headers.contains(name: name) && !Self.notMetadata.contains(name.lowercased()) {
            clientHeaders.append((name.lowercased(), value))
        }
        let metadata = metadata(from: fetch.headers)
        var body: Value?
        if fill.useRequestBody, let buffer = fetch.body, buffer.readableBytes > 0 {
            do { body = try Value(json: buffer.readableBytesView) } catch {
                throw BackendCallError(.badRequest, "the request body is not valid JSON: \(error)")
            }
        }
        let message = fill.message(context: context, query: forwarding.backendQuery(context.query), headers: clientHeaders, body: body)
        var bytes: [UInt8] = []
        do { try encoder.encode(message, as: method.input, into: &bytes) } catch {
            throw BackendCallError(.badRequest, "invalid value for the gRPC field \(error.path): \(error.problem)")
        }
        fetch.body = ByteBuffer(bytes: bytes)
        fetch.headers = HTTPHeaders(metadata)
    }

    /// The backend's metadata from the headers the gateway would send an HTTP
    /// backend: lowercased, renamed by `header_mapping`, `grpc*` as `in-grpc*`,
    /// without the HTTP-only ones.
    func metadata(from headers: HTTPHeaders) -> [(String, String)] {
        var metadata: [(String, String)] = []
        for (name, value) in headers {
            let lower = name.lowercased()
            if Self.notMetadata.contains(lower) { continue }
            var key = headerMapping[lower] ?? lower
            if key.hasPrefix("grpc") { key = "in-" + key }
            metadata.append((key, value))
        }
        return metadata
    }

    public func send(_ fetch: HTTPBackendClient.Fetch, deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<HTTP1Response>? {
        // `host + url_pattern`: the host is what comes before the method's path.
        let host = fetch.url.hasSuffix(method.path) ? String(fetch.url.dropLast(method.path.count)) : fetch.url
        let metadata = fetch.headers.map { ($0.name, $0.value) }
        return answer(call(host: host, message: fetch.body ?? ByteBuffer(), metadata: metadata, deadline: deadline, on: loop))
    }

    /// One unary call of the method on `host`; with `use_alternate_host_on_error`,
    /// a host that cannot be reached is replaced once by the next one.
    func call(host: String, message: ByteBuffer, metadata: [(String, String)], deadline: NIODeadline, on loop: EventLoop) -> EventLoopFuture<GRPCUnaryResponse> {
        let call = client.unary(host: host, path: method.path, message: message, metadata: metadata, deadline: deadline, on: loop)
        guard alternateHostOnError, hosts.count > 1, let index = hosts.firstIndex(of: host) else { return call }
        let alternate = hosts[(index + 1) % hosts.count]
        return call.flatMapError { [client, method] error in
            guard (error as? GRPCCallError)?.code == .unavailable, NIODeadline.now() < deadline else { return loop.makeFailedFuture(error) }
            return client.unary(host: alternate, path: method.path, message: message, metadata: metadata, deadline: deadline, on: loop)
        }
    }

    /// The call's outcome as an HTTP answer for the merge layer.
    func answer(_ call: EventLoopFuture<GRPCUnaryResponse>) -> EventLoopFuture<HTTP1Response> {
        let decoder = self.decoder
        let output = method.output
        return call.map { response in
            var headers = HTTPHeaders()
            for (name, value) in response.headers { headers.add(name: name, value: value) }
            for (name, value) in response.trailers { headers.add(name: name, value: value) }
            headers.add(name: "grpc-status", value: String(response.status.rawValue))
            guard response.status == .ok else {
                if !response.message.isEmpty { headers.add(name: "grpc-message", value: response.message) }
                if let details = response.details { headers.add(name: "grpc-status-details-bin", value: Data(details).base64EncodedString()) }
                return Self.failure(response.status, response.message, headers: headers)
            }
            do {
                let bytes = response.body.map { Array($0.readableBytesView) } ?? []
                let value = try decoder.decode(bytes, as: output)
                return HTTP1Response(head: HTTPResponseHead(version: .http2, status: .ok, headers: headers), body: nil,
                                     decoded: value.objectValue ?? [:])
            } catch {
                return Self.failure(.internal, "malformed response message: \(error)", headers: headers)
            }
        }.recover { error in
            let failure = GRPCCallError.of(error)
            var headers = HTTPHeaders()
            headers.add(name: "grpc-status", value: String(failure.code.rawValue))
            headers.add(name: "grpc-message", value: failure.message)
            return Self.failure(failure.code, failure.message, headers: headers)
        }
    }

    /// A non-OK answer as an HTTP one: the canonical status, the message as its body.
    static func failure(_ status: GRPCStatusCode, _ message: String, headers: HTTPHeaders) -> HTTP1Response {
        var headers = headers
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        return HTTP1Response(head: HTTPResponseHead(version: .http2, status: HTTPResponseStatus(statusCode: status.httpStatus), headers: headers),
                             body: ByteBuffer(string: message))
    }

    public func explain(_ error: inout BackendCallError, response: HTTP1Response) {
        let headers = response.head.headers
        guard let code = headers.first(name: "grpc-status").flatMap(Int.init), let status = GRPCStatusCode(rawValue: code) else { return }
        error.details["grpc_status"] = Value(code)
        error.details["grpc_status_name"] = .string(status.canonicalName)
        error.details["grpc_message"] = .string(headers.first(name: "grpc-message") ?? "")
        if let details = headers.first(name: "grpc-status-details-bin") {
            error.details["grpc_details_bin"] = .string(details)
            if let bytes = Base64.decode(details), let status = GRPCStatusDetails.decode(bytes, with: decoder) {
                error.details["grpc_status_details"] = status
            }
        }
        error.description = "rpc error: code = \(status) desc = \(headers.first(name: "grpc-message") ?? "")"
    }
}

/// One gRPC client per distinct client setting, shared by every backend and
/// gateway of the process (connections are pooled per event loop and host).
enum GRPCClients {
    private static let clients = Mutex<[String: GRPCClient]>([:])

    static func shared(_ settings: GRPCClientSettings) throws -> GRPCClient {
        let key = "\(settings.readBufferSize)|\(settings.idleConnectionTimeout)|\(settings.maxReceiveMessageSize)|\(String(describing: settings.tls))"
        return try clients.withLock { clients in
            if let client = clients[key] { return client }
            let client = try GRPCClient(group: MultiThreadedEventLoopGroup.singleton, settings: settings)
            clients[key] = client
            return client
        }
    }
}

import GatewayCore
import NIOCore
import NIOHPACK
import NIOHTTP1

/// A served method: the request message decoded into data, its
/// `payload_params` as `{params}`, its metadata as headers, then the
/// endpoint's backends called and merged as for any endpoint, and the merged
/// data encoded into the method's response message (fields the message does
/// not declare are left out).
struct GRPCMethodEndpoint: Sendable {
    let method: MethodDescriptor
    let proxy: EndpointProxy
    let payloadParams: [(field: [Substring], param: String)]
    let requiresJWT: Bool
    let decoder: MessageDecoder
    let encoder: MessageEncoder

    init(_ config: GRPCServerConfig.Method, proxy: EndpointProxy, catalog: GRPCCatalog) {
        method = config.descriptor
        self.proxy = proxy
        payloadParams = config.payloadParams
        requiresJWT = config.requiresJWT
        // The request as protojson writes it: enums, timestamps and durations
        // as strings, unset fields left out (so an unset `optional` field stays
        // unset when a gRPC backend encodes the body again).
        var decoding = DecodingOptions()
        decoding.removeUnsetValues = true
        decoding.enumAsString = true
        decoding.timestampAsString = true
        decoding.durationAsString = true
        decoding.wellKnownTypesAsProtoJSON = true
        decoder = MessageDecoder(catalog: catalog, options: decoding)
        encoder = MessageEncoder(catalog: catalog)
    }

    /// Metadata that is the transport's, never a backend's header.
    static let transportHeaders: Set<String> = ["content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "content-length"]

    func call(_ request: GRPCServerRequest) -> EventLoopFuture<GRPCServerAnswer> {
        let loop = request.eventLoop
        if requiresJWT {
            return loop.makeSucceededFuture(.failure(.unauthenticated, "JWT validation (auth/validator) is not enforced by this gateway yet: the method refuses every call"))
        }
        let data: Value
        do {
            data = try request.message.withUnsafeReadableBytes { bytes throws(ProtobufDecodeError) in try decoder.decode(bytes, as: method.input) }
        } catch {
            return loop.makeSucceededFuture(.failure(.invalidArgument, "grpc: error unmarshalling request: \(error)"))
        }
        var params: [String: String] = [:]
        for (field, param) in payloadParams {
            if let text = Self.lookup(field, in: data) { params[param] = URLPattern.escapeComponent(text) }
        }
        let context = RequestContext(method: "POST", path: method.path, headers: Self.httpHeaders(request.headers), params: params,
                                     connection: request.connection)
        var deadline = NIODeadline.now() + TimeAmount(proxy.timeout)
        if let clientDeadline = request.deadline, clientDeadline < deadline { deadline = clientDeadline }
        let body = ByteBuffer(bytes: data.jsonBytes)
        let output = method.output
        let encoder = self.encoder
        return proxy.call(context: context, body: body, deadline: deadline, on: loop).map { merged in
            Self.answer(merged, output: output, encoder: encoder)
        }
    }

    /// A call's metadata as the headers of an HTTP request: pseudo-headers and
    /// the transport's own left out, `:authority` as `Host`.
    static func httpHeaders(_ metadata: HPACKHeaders) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for (name, value, _) in metadata where !name.hasPrefix(":") && !transportHeaders.contains(name) {
            headers.add(name: name, value: value)
        }
        if let authority = metadata.first(name: ":authority") { headers.add(name: "Host", value: authority) }
        return headers
    }

    static func answer(_ merged: MergedAnswer, output: MessageDescriptor, encoder: MessageEncoder) -> GRPCServerAnswer {
        guard let data = merged.data else { return failure(merged.errors) }
        do {
            let bytes = try encoder.encode(.object(data), as: output)
            return .ok(ByteBuffer(bytes: bytes), headers: [("x-krakend-completed", merged.complete ? "true" : "false")])
        } catch {
            let field = error.path.isEmpty ? "" : " (field \(error.path))"
            return .failure(.internal, "the backends' data does not fit \(output.fullName)\(field): \(error.problem)")
        }
    }

    /// No data: the status of the first failure. A gRPC backend's own status
    /// passes as it is; an HTTP status follows gRPC's http-grpc-status-mapping.
    static func failure(_ errors: [BackendCallError]) -> GRPCServerAnswer {
        guard let error = errors.first else { return .failure(.unavailable, "no backend answered") }
        if let code = error.details["grpc_status"]?.intValue, let status = GRPCStatusCode(rawValue: code), status != .ok {
            var trailers: [(String, String)] = []
            if let details = error.details["grpc_details_bin"]?.stringValue { trailers.append(("grpc-status-details-bin", details)) }
            return .failure(status, error.details["grpc_message"]?.stringValue ?? "", trailers: trailers)
        }
        switch error.kind {
        case .invalidStatus(let code), .rejected(let code):
            return .failure(GRPCStatusCode(httpStatus: code), error.description)
        case .timeout: return .failure(.deadlineExceeded, error.description)
        case .connection: return .failure(.unavailable, error.description)
        case .badRequest: return .failure(.invalidArgument, error.description)
        case .decoding: return .failure(.internal, error.description)
        case .unsupported: return .failure(.unimplemented, error.description)
        }
    }

    /// A field of the request by its dot path, as text for a `{param}`:
    /// strings as they are, numbers and booleans as JSON writes them, other
    /// values as JSON.
    static func lookup(_ path: [Substring], in data: Value) -> String? {
        var current = data
        for key in path {
            guard let next = current[String(key)] else { return nil }
            current = next
        }
        switch current {
        case .null: return nil
        case .string(let s): return s
        case .number(let n): return n
        case .bool(let b): return b ? "true" : "false"
        case .array, .object: return String(decoding: current.jsonBytes, as: UTF8.self)
        }
    }
}

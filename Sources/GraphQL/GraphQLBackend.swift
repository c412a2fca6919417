import GatewayCore
import NIOCore
import NIOHTTP1

/// `backend/graphql`: a REST endpoint's backend that speaks GraphQL. The
/// request becomes a GraphQL request (`query`, `operationName`, `variables`),
/// as a JSON body (POST) or a query string (GET); an answer with `errors`
/// is a failed (or, with `data`, partial) backend.
public struct GraphQLBackend: BackendAdapter {
    public static let namespace = "backend/graphql"

    /// The factory the gateway registers for the namespace.
    public static let adapter: (namespace: String, make: BackendAdapterFactory) = (namespace, { config throws(ConfigError) in
        try GraphQLBackend(config)
    })

    let operation: GraphQLOperation
    /// GET sends a query string; anything else is sent as POST (as Lura does).
    let sendsQueryString: Bool
    let placeholders: [(variable: String, param: String)]
    /// `{"query":…` up to where the variables go, serialised once.
    let bodyPrefix: [UInt8]
    /// The whole body when nothing in it depends on the request.
    let fixedBody: ByteBuffer?

    public init(_ config: BackendConfig) throws(ConfigError) {
        operation = try GraphQLOperation(config)
        sendsQueryString = config.method.uppercased() == "GET"
        placeholders = operation.kind == .query ? operation.placeholders : []
        // Go's encoder writes the struct's fields in order: query, operationName, variables.
        var prefix = Array(#"{"query":"#.utf8)
        Value.string(operation.query).serializeJSON(into: &prefix)
        if let name = operation.operationName {
            prefix += Array(#","operationName":"#.utf8)
            Value.string(name).serializeJSON(into: &prefix)
        }
        bodyPrefix = prefix
        fixedBody = operation.kind == .query && placeholders.isEmpty
            ? ByteBuffer(bytes: Self.body(prefix: prefix, variables: operation.variables)) : nil
    }

    public var warnings: [ConfigProblem] { operation.documentProblems }

    public func adapt(_ fetch: inout HTTPBackendClient.Fetch, context: RequestContext, forwarding: ParameterForwarding) throws(BackendCallError) {
        let variables: [String: Value]
        switch operation.kind {
        case .query:
            variables = placeholdersFilled(context)
        case .mutation:
            variables = try userVariables(fetch.body)
        }
        fetch.headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        fetch.chunked = false
        if sendsQueryString {
            fetch.method = .GET
            fetch.url = urlWithOperation(fetch.url, variables: variables)
            fetch.body = ByteBuffer()
        } else {
            fetch.method = .POST
            fetch.body = fixedBody ?? ByteBuffer(bytes: Self.body(prefix: bodyPrefix, variables: variables))
        }
    }

    /// The configured variables with each `{placeholder}` replaced by the
    /// endpoint parameter it names (an absent one gives `""`, as in Lura).
    func placeholdersFilled(_ context: RequestContext) -> [String: Value] {
        var variables = operation.variables
        for (variable, param) in placeholders {
            variables[variable] = .string(context.decodedParam(param) ?? "")
        }
        return variables
    }

    /// A mutation's variables: the user's JSON object, completed by the
    /// configured ones it does not set.
    func userVariables(_ body: ByteBuffer?) throws(BackendCallError) -> [String: Value] {
        var variables: [String: Value] = [:]
        // An empty body stands for no variables (the manual's `curl -d ''`).
        if let body, body.readableBytes > 0 {
            let parsed: Value
            do { parsed = try Value(json: body.readableBytesView) } catch {
                throw BackendCallError(.badRequest, "the body of a GraphQL mutation must be a JSON object: \(error)")
            }
            guard let object = parsed.objectValue else {
                throw BackendCallError(.badRequest, "the body of a GraphQL mutation must be a JSON object, not \(parsed.typeName == "integer" ? "number" : parsed.typeName)")
            }
            variables = object
        }
        for (name, value) in operation.variables where variables[name] == nil {
            variables[name] = value
        }
        return variables
    }

    /// `{"query":…,"operationName":…,"variables":{…}}`; `variables` omitted when
    /// empty (Go's `omitempty`).
    static func body(prefix: [UInt8], variables: [String: Value]) -> [UInt8] {
        var out = prefix
        if !variables.isEmpty {
            out += Array(#","variables":"#.utf8)
            Value.object(variables).serializeJSON(into: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The URL with `query`, `operationName` and `variables` set in its query
    /// string, every key sorted as Go's `url.Values.Encode` writes them.
    func urlWithOperation(_ url: String, variables: [String: Value]) -> String {
        let split = url.firstIndex(of: "?")
        let base = split.map { String(url[..<$0]) } ?? url
        var query = split.map { QueryString(parsing: url[url.index(after: $0)...]) } ?? QueryString()
        var generated = [("query", operation.query)]
        if let name = operation.operationName { generated.append(("operationName", name)) }
        if !variables.isEmpty { generated.append(("variables", Value.object(variables).jsonString)) }
        query.pairs.removeAll { pair in generated.contains { $0.0 == pair.key } }
        query.pairs += generated.map { (key: $0.0, value: $0.1) }
        return base + "?" + query.encoded()
    }

    /// A GraphQL answer with a non-empty `errors` array failed; its `data`, if
    /// any, is kept as partial data (the response is then incomplete).
    public func judge(_ data: [String: Value], response: HTTP1Response) -> BackendCallError? {
        guard let errors = data["errors"]?.arrayValue, !errors.isEmpty else { return nil }
        let first = errors[0]["message"]?.stringValue ?? errors[0].jsonString
        var error = BackendCallError(
            .rejected(status: Int(response.head.status.code)),
            "graphql: \(first)" + (errors.count > 1 ? " (and \(errors.count - 1) more errors)" : ""),
            backendBody: response.body.map { String(buffer: $0) } ?? "",
            backendContentType: response.head.headers.first(name: "content-type"))
        if let partial = data["data"], !partial.isNull { error.partialData = data }
        return error
    }
}

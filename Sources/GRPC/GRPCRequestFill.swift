import GatewayCore

/// The request message of a `backend/grpc` call as a `Value`, filled as the
/// manual documents, lowest precedence first: allowed headers, then the
/// endpoint's `{Params}` (first letter capitalised) and query strings (dot
/// notation for nested fields, `a=1&a=2` for repeated ones, renamed by
/// `input_mapping`), then the JSON body with `use_request_body`.
struct GRPCRequestFill: Sendable {
    var inputMapping: [String: String]
    var disableQueryParams: Bool
    var useRequestBody: Bool

    func message(context: RequestContext, query: QueryString, headers: [(String, String)], body: Value?) -> Value {
        var root: [String: Value] = [:]
        for (name, value) in headers { Self.set(&root, path: name.lowercased(), .string(value)) }
        if !disableQueryParams {
            for name in context.params.keys.sorted() {
                let key = name.capitalizedFirst
                Self.set(&root, path: inputMapping[key] ?? key, .string(context.decodedParam(name) ?? ""))
            }
            var grouped: [(key: String, values: [String])] = []
            for (key, value) in query.pairs {
                if let i = grouped.firstIndex(where: { $0.key == key }) { grouped[i].values.append(value) } else { grouped.append((key, [value])) }
            }
            for (key, values) in grouped {
                let value: Value = values.count == 1 ? .string(values[0]) : .array(values.map(Value.string))
                Self.set(&root, path: inputMapping[key] ?? key, value)
            }
        }
        if useRequestBody, case .object(let members)? = body {
            root = Self.merged(root, members)
        }
        return .object(root)
    }

    /// Sets `a.b.c` in nested objects, replacing what was there.
    static func set(_ object: inout [String: Value], path: String, _ value: Value) {
        var keys = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !keys.isEmpty else { return }
        let last = keys.removeLast()
        func descend(_ object: inout [String: Value], _ rest: ArraySlice<String>) {
            guard let key = rest.first else {
                object[last] = value
                return
            }
            var child = object[key]?.objectValue ?? [:]
            descend(&child, rest.dropFirst())
            object[key] = .object(child)
        }
        descend(&object, keys[...])
    }

    /// The body over the params: nested objects merged, anything else replaced.
    static func merged(_ base: [String: Value], _ over: [String: Value]) -> [String: Value] {
        var out = base
        for (key, value) in over {
            if case .object(let a)? = out[key], case .object(let b) = value {
                out[key] = .object(merged(a, b))
            } else {
                out[key] = value
            }
        }
        return out
    }
}

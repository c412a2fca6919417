import GatewayCore
import NIOCore
import NIOHTTP1

/// The data a SOAP body template sees, as the manual documents it:
/// `.req_params` (first letter capitalised), `.req_headers` and
/// `.req_querystring` (only what the endpoint lets through, each a list of
/// values as Go's `http.Header` and `url.Values` are), `.req_path` (the
/// backend path) and `.req_body` (the client's body, parsed by its
/// Content-Type when that header is allowed and the template uses it).
enum SOAPTemplateData {
    static func make(fetch: HTTPBackendClient.Fetch, context: RequestContext, allowedQuery: QueryString,
                     wantsBody: Bool) throws(BackendCallError) -> Value {
        var params: [String: Value] = [:]
        for name in context.params.keys {
            params[name.capitalizedFirst] = .string(context.decodedParam(name) ?? "")
        }
        var headers: [String: Value] = [:]
        for (name, value) in fetch.headers {
            let key = CanonicalHeader.name(name)
            headers[key] = .array((headers[key]?.arrayValue ?? []) + [.string(value)])
        }
        var query: [String: Value] = [:]
        for (key, value) in allowedQuery.pairs {
            query[key] = .array((query[key]?.arrayValue ?? []) + [.string(value)])
        }
        var data: [String: Value] = [
            "req_params": .object(params),
            "req_headers": .object(headers),
            "req_querystring": .object(query),
            "req_path": .string(path(of: fetch.url)),
        ]
        // Only an allowed Content-Type says how to read the body (the manual's rule).
        if wantsBody, let type = fetch.headers.first(name: "content-type"), let body = fetch.body, body.readableBytes > 0 {
            data["req_body"] = try parseBody(body, contentType: type)
        }
        return .object(data)
    }

    /// The path of a backend URL, without scheme, host or query.
    static func path(of url: String) -> String {
        var rest = url[...]
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        guard let slash = rest.firstIndex(of: "/") else { return "/" }
        let path = rest[slash...]
        return String(path.prefix { $0 != "?" })
    }

    /// The client's body by the media types the manual lists; any other is an error.
    static func parseBody(_ body: ByteBuffer, contentType: String) throws(BackendCallError) -> Value {
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingSpaces.lowercased() } ?? ""
        let bytes = body.readableBytesView
        switch mediaType {
        case "application/json":
            do { return try Value(json: bytes) } catch {
                throw BackendCallError(.badRequest, "the request body is not valid JSON: \(error)")
            }
        case "application/xml", "text/xml":
            do { return .object(try BackendDecoding.xml(bytes)) } catch {
                throw BackendCallError(.badRequest, "the request body is not valid XML: \(error)")
            }
        case "application/x-www-form-urlencoded":
            return listValues(QueryString(parsing: String(decoding: bytes, as: UTF8.self)[...]).pairs)
        case "multipart/form-data":
            guard let boundary = MultipartForm.boundary(in: contentType) else {
                throw BackendCallError(.badRequest, "multipart/form-data without a boundary")
            }
            do { return listValues(try MultipartForm.fields(Array(bytes), boundary: boundary)) } catch {
                throw BackendCallError(.badRequest, "the multipart body is malformed: \(error)")
            }
        case "text/plain":
            return .string(String(decoding: bytes, as: UTF8.self))
        default:
            throw BackendCallError(.badRequest, "cannot read a request body of type \(mediaType) for the SOAP template")
        }
    }

    /// Go's `url.Values`: each key to the list of its values.
    static func listValues(_ pairs: [(key: String, value: String)]) -> Value {
        var out: [String: Value] = [:]
        for (key, value) in pairs { out[key] = .array((out[key]?.arrayValue ?? []) + [.string(value)]) }
        return .object(out)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " || s.first == "\t" { s.removeFirst() }
        while s.last == " " || s.last == "\t" { s.removeLast() }
        return s
    }
}

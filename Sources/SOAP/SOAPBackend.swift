import Foundation
import GatewayCore
import Logging
import NIOCore
import NIOHTTP1

/// `backend/soap`: the backend's request body is the configured Go template
/// (a file at `path`, or base64 `template`) executed with the request's data
/// (`SOAPTemplateData`), sent with `content_type`; a SOAP fault in the answer
/// fails the backend, its code and reason under `return_error_details`.
///
/// Interpolated values are XML-escaped (`{{ .req_params.Name }}` with `<a&b>`
/// sends `&lt;a&amp;b&gt;`), so user input cannot break or inject into the
/// envelope; `{{ .value | raw }}` writes a value as it is.
public struct SOAPBackend: BackendAdapter {
    public static let namespace = "backend/soap"

    /// The factory the gateway registers for the namespace.
    public static let adapter: (namespace: String, make: BackendAdapterFactory) = (namespace, { config throws(ConfigError) in
        try SOAPBackend(config)
    })

    let template: GoTemplate
    let contentType: String
    let usesBody: Bool
    let debug: Bool
    let urlPattern: String
    static let logger = Logger(label: "[KRAKEND]")

    public init(_ config: BackendConfig) throws(ConfigError) {
        let path = config.configPath + ".extra_config." + Self.namespace
        guard let section = config.extraConfig[Self.namespace]?.objectValue else {
            throw ConfigError(path: path, "must be an object")
        }
        let text: String
        let source: String
        if let file = section["path"]?.stringValue, !file.isEmpty {
            source = file
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw ConfigError(path: path + ".path", "cannot read \(file): \(error.localizedDescription)")
            }
        } else if let encoded = section["template"]?.stringValue {
            source = path + ".template"
            guard let data = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters), let decoded = String(data: data, encoding: .utf8) else {
                throw ConfigError(path: path + ".template", "must be a base64-encoded UTF-8 template")
            }
            text = decoded
        } else {
            throw ConfigError(path: path, "needs a \"path\" or a base64 \"template\"")
        }
        do { template = try GoTemplate(name: source, text: text) } catch {
            throw ConfigError(path: path, "\(error)")
        }
        contentType = section["content_type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } ?? "text/xml"
        debug = section["debug"]?.boolValue == true
        usesBody = text.contains("req_body")
        urlPattern = config.urlPattern
    }

    public func adapt(_ fetch: inout HTTPBackendClient.Fetch, context: RequestContext, forwarding: ParameterForwarding) throws(BackendCallError) {
        // `.req_body` needs the template to use it and the endpoint to allow Content-Type.
        let readBody = usesBody && forwarding.allows(header: "Content-Type")
        let data = try SOAPTemplateData.make(fetch: fetch, context: context, allowedQuery: forwarding.backendQuery(context.query), wantsBody: readBody)
        let body: String
        do { body = try template.execute(data, escaping: .xml) } catch {
            throw BackendCallError(.badRequest, "the SOAP template failed: \(error)")
        }
        if debug {
            let prefix = "[BACKEND: \(urlPattern)][SOAP]"
            Self.logger.debug("\(prefix) Template variables:\n \(data.jsonString)")
            Self.logger.debug("\(prefix) Generated content-type: \(contentType)")
            Self.logger.debug("\(prefix) Generated body:\n \(body)")
        }
        fetch.headers.replaceOrAdd(name: "Content-Type", value: contentType)
        fetch.body = ByteBuffer(string: body)
        fetch.chunked = false
    }

    /// A fault sent with a success status still fails the backend.
    public func judge(_ data: [String: Value], response: HTTP1Response) -> BackendCallError? {
        guard let fault = SOAPFault(data) else { return nil }
        var error = BackendCallError(.rejected(status: Int(response.head.status.code)), fault.message,
                                     backendBody: response.body.map { String(buffer: $0) } ?? "",
                                     backendContentType: response.head.headers.first(name: "content-type"))
        error.details = fault.details
        return error
    }

    /// A fault with a failure status (SOAP 1.1 sends 500): its code and reason.
    public func explain(_ error: inout BackendCallError, response: HTTP1Response) {
        guard let body = response.body, let decoded = try? BackendDecoding.xml(body.readableBytesView),
              let fault = SOAPFault(decoded) else { return }
        error.details = fault.details
        error.description += ": " + fault.message
    }
}

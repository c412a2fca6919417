import NIOCore
import NIOHTTP1

/// The router-level response rules every endpoint shares: the `X-Krakend`
/// headers and how gateway errors are shown (`return_error_msg`).
struct EndpointResponder: Sendable {
    let versionHeader: String
    let returnErrorMessage: Bool

    init(router: RouterOptions) {
        versionHeader = router.hideVersionHeader ? "Version undefined" : GatewayVersion.header
        returnErrorMessage = router.returnErrorMessage
    }

    func baseHeaders(completed: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.reserveCapacity(5)  // with room for Content-Type, Cache-Control and Content-Length
        headers.add(name: "X-Krakend", value: versionHeader)
        headers.add(name: "X-Krakend-Completed", value: completed ? "true" : "false")
        return headers
    }

    /// A failed request: the status, and the gateway's reason in the body only
    /// when `return_error_msg` is on.
    func respondError(_ writer: ResponseWriter, status: HTTPResponseStatus, message: String) {
        var headers = baseHeaders(completed: false)
        if returnErrorMessage {
            headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            writer.respond(status: status, headers: headers, body: ByteBuffer(string: message))
        } else {
            writer.respond(status: status, headers: headers, body: nil)
        }
    }
}

import NIOCore
import NIOHTTP1

/// Writes one response on the connection the request came from. Calls hop to
/// the channel's event loop once per call.
public struct ResponseWriter: Sendable {
    let channel: Channel
    let isHeadRequest: Bool

    /// The whole response at once: the fast path for everything but streams.
    public func respond(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer?) {
        var headers = headers
        let length = body?.readableBytes ?? 0
        if !headers.contains(name: "content-length"), status.mayHaveResponseBody {
            headers.add(name: "Content-Length", value: String(length))
        }
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        let sendBody = !isHeadRequest && length > 0 && status.mayHaveResponseBody
        let channel = self.channel
        let write = {
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            if sendBody, let body { channel.write(HTTPServerResponsePart.body(.byteBuffer(body)), promise: nil) }
            channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
        }
        // Usually already on the connection's loop: write at once, no extra hop.
        if channel.eventLoop.inEventLoop { write() } else { channel.eventLoop.execute(write) }
    }

    /// Starts a streamed response; follow with `writeBody` and `end`. The head
    /// leaves with the first body chunk.
    public func writeHead(status: HTTPResponseStatus, headers: HTTPHeaders) async throws {
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
    }

    /// Writes a chunk and waits until it is handed to the socket, which is
    /// the back-pressure of a streamed response.
    public func writeBody(_ buffer: ByteBuffer) async throws {
        if isHeadRequest { return }
        try await channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(buffer)))
    }

    public func end() async throws {
        channel.writeAndFlush(HTTPServerResponsePart.end(nil), promise: nil)
    }

    /// Gives up on the response: the client sees the connection (or stream) reset.
    public func abort() {
        channel.close(promise: nil)
    }
}

extension HTTPResponseStatus {
    var mayHaveResponseBody: Bool {
        switch code {
        case 100..<200, 204, 304: return false
        default: return true
        }
    }
}

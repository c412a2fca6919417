import NIOCore
import NIOHPACK
import NIOHTTP2

/// A protocol module that serves some HTTP/2 streams itself instead of the
/// HTTP application (the gRPC server): asked with each new stream's request
/// headers, on the port every other request uses.
public protocol HTTP2StreamService: Sendable {
    /// Whether this service takes a stream that opens with these headers.
    func accepts(_ headers: HPACKHeaders) -> Bool
    /// Adds the handlers that serve the stream; they read and write
    /// `HTTP2Frame.FramePayload`s, starting with the request headers.
    func configure(_ sync: ChannelPipeline.SynchronousOperations, connection: ConnectionInfo) throws
}

/// The first handler of every HTTP/2 stream: on the request headers it hands
/// the stream to the service that accepts them, or to the HTTP application,
/// and steps aside.
final class HTTP2StreamDispatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias InboundOut = HTTP2Frame.FramePayload

    private let services: [any HTTP2StreamService]
    private let connection: ConnectionInfo
    private let http: (ChannelPipeline.SynchronousOperations) throws -> Void

    init(services: [any HTTP2StreamService], connection: ConnectionInfo, http: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void) {
        self.services = services
        self.connection = connection
        self.http = http
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let sync = context.pipeline.syncOperations
        var payload = unwrapInboundIn(data)
        do {
            if case .headers(let headers) = payload,
               let service = services.first(where: { $0.accepts(headers.headers) }) {
                try service.configure(sync, connection: connection)
            } else {
                Self.addAuthority(to: &payload)
                try http(sync)
            }
        } catch {
            context.close(promise: nil)
            return
        }
        // The request headers go on to the new handlers, then the dispatcher leaves.
        context.fireChannelRead(wrapInboundOut(payload))
        sync.removeHandler(context: context, promise: nil)
    }
}

extension HTTP2StreamDispatcher {
    /// HTTP/2 lets a request leave out `:authority`; NIO's HTTP/1 view of the
    /// stream needs it (it becomes `Host`), so it is taken from a `host`
    /// header, or left empty, rather than the stream being reset.
    static func addAuthority(to payload: inout HTTP2Frame.FramePayload) {
        guard case .headers(var frame) = payload, !frame.headers.contains(name: ":authority") else { return }
        let host = frame.headers.first(name: "host") ?? ""
        frame.headers.remove(name: "host")
        // Pseudo-headers come first.
        var headers = HPACKHeaders()
        var added = false
        for (name, value, indexing) in frame.headers {
            if !added && !name.hasPrefix(":") {
                headers.add(name: ":authority", value: host)
                added = true
            }
            headers.add(name: name, value: value, indexing: indexing)
        }
        if !added { headers.add(name: ":authority", value: host) }
        frame.headers = headers
        payload = .headers(frame)
    }
}

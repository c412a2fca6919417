import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix

/// One GET over cleartext HTTP/2 with prior knowledge (no upgrade, no TLS):
/// how gRPC clients and `curl --http2-prior-knowledge` talk to the gateway.
enum HTTP2PriorKnowledgeClient {
    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    static func get(port: Int, path: String) async throws -> Response {
        let (channel, multiplexer) = try await connect(port: port)
        defer { channel.close(promise: nil) }
        let promise = channel.eventLoop.makePromise(of: Response.self)
        let stream = try await multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture {
                try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTP1ClientCodec(httpProtocol: .http))
                try stream.pipeline.syncOperations.addHandler(ResponseCollector(promise: promise))
            }
        }.get()
        var head = HTTPRequestHead(version: .http2, method: .GET, uri: path)
        head.headers.add(name: "host", value: "127.0.0.1:\(port)")
        stream.write(HTTPClientRequestPart.head(head), promise: nil)
        stream.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(10)) { promise.fail(ChannelError.connectTimeout(.seconds(10))) }
        defer { timeout.cancel() }
        return try await promise.futureResult.get()
    }

    /// A cleartext HTTP/2 connection (prior knowledge) to 127.0.0.1:`port`
    /// and its multiplexer, for opening streams. The caller closes it.
    static func connect(port: Int) async throws -> (Channel, NIOHTTP2Handler.StreamMultiplexer) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .client, connectionConfiguration: .init(), streamConfiguration: .init(),
                        inboundStreamInitializer: { $0.eventLoop.makeSucceededVoidFuture() })
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        do {
            let multiplexer = try await channel.pipeline.handler(type: NIOHTTP2Handler.self).flatMapThrowing { try $0.syncMultiplexer() }.get()
            return (channel, multiplexer)
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    private final class ResponseCollector: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<Response>
        var response = Response(status: 0, headers: [:], body: "")

        init(promise: EventLoopPromise<Response>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head):
                response.status = Int(head.status.code)
                response.headers = head.headers
            case .body(let buffer):
                response.body += String(buffer: buffer)
            case .end:
                promise.succeed(response)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: Error) { promise.fail(error) }
    }
}

import NIOConcurrencyHelpers
import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// An HTTP/2 server in-process that answers each stream with the frames a
/// scenario (the request's `:path`) names: the broken or unusual answers a
/// real gRPC server does not give.
final class ScriptedHTTP2Server: Sendable {
    let channel: Channel
    /// Connections accepted, and RST_STREAM frames received from the client.
    let counters: NIOLockedValueBox<(connections: Int, resets: Int)>
    var port: Int { channel.localAddress!.port! }

    static func start(group: EventLoopGroup) async throws -> ScriptedHTTP2Server {
        let counters = NIOLockedValueBox((connections: 0, resets: 0))
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counters.withLockedValue { $0.connections += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    // Scripted resets must not trip the server's own limits.
                    var streams = NIOHTTP2Handler.StreamConfiguration()
                    streams.streamResetFrameRateLimit.maximumCount = .max
                    streams.streamErrorRateLimit.maximumCount = .max
                    _ = try channel.pipeline.syncOperations.configureHTTP2Pipeline(
                        mode: .server, connectionConfiguration: .init(), streamConfiguration: streams
                    ) { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandler(ScriptedStreamHandler(counters: counters))
                        }
                    }
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedHTTP2Server(channel: channel, counters: counters)
    }

    private init(channel: Channel, counters: NIOLockedValueBox<(connections: Int, resets: Int)>) {
        self.channel = channel
        self.counters = counters
    }

    func stop() async { try? await channel.close() }
}

final class ScriptedStreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundOut = HTTP2Frame.FramePayload

    private var path = ""
    private let counters: NIOLockedValueBox<(connections: Int, resets: Int)>

    init(counters: NIOLockedValueBox<(connections: Int, resets: Int)>) { self.counters = counters }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .headers(let headers):
            path = headers.headers.first(name: ":path") ?? ""
            // nginx-like: answer before reading the body, then reset the stream.
            if headers.endStream || path == "/s/answerThenReset" { respond(context: context) }
        case .data(let data):
            if data.endStream, path != "/s/answerThenReset" { respond(context: context) }
        case .rstStream:
            counters.withLockedValue { $0.resets += 1 }
        default:
            break
        }
    }

    private func headers(_ context: ChannelHandlerContext, _ list: [(String, String)], end: Bool = false) {
        context.write(wrapOutboundOut(.headers(.init(headers: HPACKHeaders(list), endStream: end))), promise: nil)
    }

    private func data(_ context: ChannelHandlerContext, _ bytes: [UInt8], end: Bool = false) {
        context.write(wrapOutboundOut(.data(.init(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: end))), promise: nil)
    }

    private let ok = [(":status", "200"), ("content-type", "application/grpc")]

    private func respond(context: ChannelHandlerContext) {
        switch path {
        case "/s/http503":
            headers(context, [(":status", "503"), ("content-type", "text/plain")], end: true)
        case "/s/http404":
            headers(context, [(":status", "404")], end: true)
        case "/s/trailersOnly":
            headers(context, ok + [("grpc-status", "5"), ("grpc-message", "not%20here"), ("grpc-status-details-bin", "AQID")], end: true)
        case "/s/noStatus":
            headers(context, ok)
            data(context, [0, 0, 0, 0, 1, 7])
            headers(context, [("x-other", "1")], end: true)
        case "/s/split":
            // One message across three DATA frames, with headers and a binary trailer.
            headers(context, ok + [("x-id-bin", "AQI")])
            data(context, [0, 0, 0])
            data(context, [0, 4, 1, 2])
            data(context, [3, 4])
            headers(context, [("grpc-status", "0"), ("x-t", "v")], end: true)
        case "/s/shortMessage":
            headers(context, ok)
            data(context, [0, 0, 0, 0, 10, 1, 2])
            headers(context, [("grpc-status", "0")], end: true)
        case "/s/compressedIdentity":
            headers(context, ok)
            data(context, [1, 0, 0, 0, 1, 7])
            headers(context, [("grpc-status", "0")], end: true)
        case "/s/answerThenReset":
            headers(context, ok)
            data(context, [0, 0, 0, 0, 1, 7])
            // The reset goes once the answer is out (a reset drops queued DATA).
            let sent = context.eventLoop.makePromise(of: Void.self)
            context.writeAndFlush(wrapOutboundOut(.headers(.init(headers: HPACKHeaders([("grpc-status", "0")]), endStream: true))), promise: sent)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            sent.futureResult.whenSuccess { bound.value.writeAndFlush(self.wrapOutboundOut(.rstStream(.noError)), promise: nil) }
            return
        case "/s/refused":
            context.writeAndFlush(wrapOutboundOut(.rstStream(.refusedStream)), promise: nil)
            return
        case "/s/cancel":
            context.writeAndFlush(wrapOutboundOut(.rstStream(.cancel)), promise: nil)
            return
        case "/s/goAway":
            let frame = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: .rootStream, errorCode: .noError, opaqueData: nil))
            context.channel.parent?.writeAndFlush(frame, promise: nil)
            context.channel.parent?.close(promise: nil)
            return
        case "/s/silent":
            return  // never answers: only the deadline ends the call
        default:
            headers(context, [(":status", "200"), ("content-type", "application/grpc"), ("grpc-status", "12")], end: true)
        }
        context.flush()
    }
}

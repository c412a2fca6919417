import NIOCore
import NIOHPACK
import NIOHTTP2
import NIOPosix

/// One gRPC call written frame by frame over h2c, for what well-behaved
/// clients never send (a half-sent message, a bad prefix, a bad encoding)
/// and to read exactly what the server answered: headers, DATA, trailers.
enum RawGRPCCall {
    struct Answer {
        /// Every HEADERS block, in order (one for a trailers-only answer).
        var headerBlocks: [HPACKHeaders] = []
        var data: [UInt8] = []
        var reset: HTTP2ErrorCode?

        var status: String? { headerBlocks.first?.first(name: ":status") }
        var grpcStatus: Int? { headerBlocks.last?.first(name: "grpc-status").flatMap { Int($0) } }
        var grpcMessage: String? { headerBlocks.last?.first(name: "grpc-message") }
    }

    /// A length-prefixed message.
    static func frame(_ message: [UInt8], compressed: Bool = false) -> [UInt8] {
        let n = UInt32(message.count)
        return [compressed ? 1 : 0, UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + message
    }

    /// Sends the request headers (plus `extra`), then `body` as one DATA frame
    /// (ending the stream when `endStream`), and collects the answer until the
    /// stream closes or `timeout` passes.
    static func send(port: Int, path: String, extra: [(String, String)] = [], method: String = "POST",
                     contentType: String = "application/grpc", body: [UInt8], endStream: Bool = true,
                     timeout: TimeAmount = .seconds(10)) async throws -> Answer {
        let (channel, multiplexer) = try await HTTP2PriorKnowledgeClient.connect(port: port)
        defer { channel.close(promise: nil) }
        let promise = channel.eventLoop.makePromise(of: Answer.self)
        let stream = try await multiplexer.createStreamChannel { stream in
            stream.eventLoop.makeCompletedFuture { try stream.pipeline.syncOperations.addHandler(Collector(promise: promise)) }
        }.get()
        var headers = HPACKHeaders([(":method", method), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1:\(port)"),
                                    ("content-type", contentType), ("te", "trailers")])
        for (name, value) in extra { headers.add(name: name, value: value) }
        stream.write(HTTP2Frame.FramePayload.headers(.init(headers: headers)), promise: nil)
        stream.writeAndFlush(HTTP2Frame.FramePayload.data(.init(data: .byteBuffer(ByteBuffer(bytes: body)), endStream: endStream)), promise: nil)
        let timer = channel.eventLoop.scheduleTask(in: timeout) { stream.close(promise: nil) }
        defer { timer.cancel() }
        return try await promise.futureResult.get()
    }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = HTTP2Frame.FramePayload
        let promise: EventLoopPromise<Answer>
        var answer = Answer()
        var done = false

        init(promise: EventLoopPromise<Answer>) { self.promise = promise }

        private func finish() {
            guard !done else { return }
            done = true
            promise.succeed(answer)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .headers(let frame):
                answer.headerBlocks.append(frame.headers)
                if frame.endStream { finish() }
            case .data(let frame):
                if case .byteBuffer(let bytes) = frame.data { answer.data += bytes.readableBytesView }
                if frame.endStream { finish() }
            case .rstStream(let code):
                answer.reset = code
                finish()
            default:
                break
            }
        }

        func channelInactive(context: ChannelHandlerContext) { finish() }
        func errorCaught(context: ChannelHandlerContext, error: Error) {
            guard !done else { return }
            done = true
            promise.fail(error)
        }
    }
}

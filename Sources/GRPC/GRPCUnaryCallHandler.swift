import NIOCore
import NIOHPACK
import NIOHTTP2

/// The one handler of a unary call's HTTP/2 stream: sends the request when the
/// stream opens, reads headers, the message and trailers, and completes the
/// call's promise exactly once — with the server's status, or with the
/// client's own verdict (deadline, lost connection, malformed answer).
///
/// Created before the stream exists, so that the deadline and a failed
/// connection attempt can end the call too. Lives on one event loop.
final class GRPCUnaryCallHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame.FramePayload
    typealias OutboundIn = Never
    typealias OutboundOut = HTTP2Frame.FramePayload

    private let requestHeaders: HPACKHeaders
    private let requestMessage: ByteBuffer
    private let promise: EventLoopPromise<GRPCUnaryResponse>
    private var reader: GRPCMessageReader
    private var context: ChannelHandlerContext?
    private var sent = false

    private var responseHeaders: HPACKHeaders?
    private var encoding: String?
    private var message: ByteBuffer?
    private(set) var isDone = false

    var futureResult: EventLoopFuture<GRPCUnaryResponse> { promise.futureResult }

    init(requestHeaders: HPACKHeaders, message: ByteBuffer, maxReceiveMessageSize: Int, promise: EventLoopPromise<GRPCUnaryResponse>) {
        self.requestHeaders = requestHeaders
        self.requestMessage = message
        self.promise = promise
        self.reader = GRPCMessageReader(maxMessageSize: maxReceiveMessageSize)
    }

    // MARK: Ending the call from outside the stream

    /// The deadline passed: the call fails, and closing the stream resets it
    /// (RST_STREAM CANCEL), which tells the server to stop working on it.
    func expire() {
        finish(.failure(GRPCCallError(.deadlineExceeded, "context deadline exceeded")))
    }

    /// The call could not get a stream (no connection).
    func fail(_ error: GRPCCallError) {
        finish(.failure(error))
    }

    // MARK: Stream events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if isDone {
            // Expired while the stream was being opened.
            context.close(promise: nil)
        } else if context.channel.isActive {
            send(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        send(context: context)
        context.fireChannelActive()
    }

    private func send(context: ChannelHandlerContext) {
        guard !sent, !isDone else { return }
        sent = true
        let headers = HTTP2Frame.FramePayload.headers(.init(headers: requestHeaders))
        context.write(wrapOutboundOut(headers), promise: nil)
        let body = GRPCFraming.frame(requestMessage, allocator: context.channel.allocator)
        context.writeAndFlush(wrapOutboundOut(.data(.init(data: .byteBuffer(body), endStream: true))), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isDone else { return }
        switch unwrapInboundIn(data) {
        case .headers(let frame):
            if responseHeaders == nil {
                receivedHeaders(frame.headers, endStream: frame.endStream)
            } else {
                receivedTrailers(frame.headers, endStream: frame.endStream)
            }
        case .data(let frame):
            guard case .byteBuffer(let bytes) = frame.data else { return }
            receivedData(bytes)
            if frame.endStream && !isDone {
                finish(.failure(GRPCCallError(.internal, "server closed the stream without sending trailers")))
            }
        case .rstStream(let code):
            receivedReset(code)
        default:
            break
        }
    }

    private func receivedHeaders(_ headers: HPACKHeaders, endStream: Bool) {
        let status = headers.first(name: ":status").flatMap { Int($0) } ?? 0
        guard status == 200 else {
            let code = status == 0 ? GRPCStatusCode.internal : GRPCStatusCode(httpStatus: status)
            finish(.failure(GRPCCallError(code, "unexpected HTTP status code received from server: \(status)")))
            return
        }
        let contentType = headers.first(name: "content-type") ?? ""
        guard contentType.hasPrefix("application/grpc") else {
            finish(.failure(GRPCCallError(.internal, "transport: received unexpected content-type \"\(contentType)\"")))
            return
        }
        if endStream {
            // Trailers-only: the status comes in the one HEADERS frame.
            responseHeaders = [:]
            receivedTrailers(headers, endStream: true)
            return
        }
        responseHeaders = headers
        encoding = headers.first(name: "grpc-encoding").map { $0.lowercased() }
    }

    private func receivedData(_ bytes: ByteBuffer) {
        guard responseHeaders != nil else {
            finish(.failure(GRPCCallError(.internal, "received DATA before the response headers")))
            return
        }
        do {
            for received in try reader.append(bytes) {
                guard message == nil else {
                    finish(.failure(GRPCCallError(.internal, "cardinality violation: expected one response message, received more")))
                    return
                }
                message = try decompress(received)
            }
        } catch GRPCMessageReader.Failure.tooLarge(let size, let limit) {
            finish(.failure(GRPCCallError(.resourceExhausted, "grpc: received message larger than max (\(size) vs. \(limit))")))
        } catch GRPCMessageReader.Failure.malformed(let reason) {
            finish(.failure(GRPCCallError(.internal, "grpc: \(reason)")))
        } catch let error as GRPCCallError {
            finish(.failure(error))
        } catch {
            finish(.failure(GRPCCallError(.internal, "\(error)")))
        }
    }

    private func decompress(_ received: GRPCMessageReader.Message) throws -> ByteBuffer {
        guard received.compressed else { return received.bytes }
        switch encoding {
        case "gzip"?:
            do {
                let inflated = try GRPCGzip.inflate(Array(received.bytes.readableBytesView), limit: reader.maxMessageSize)
                return ByteBuffer(bytes: inflated)
            } catch GRPCGzip.Failure.tooLarge(let size) {
                throw GRPCCallError(.resourceExhausted, "grpc: received message after decompression larger than max (\(size)+ vs. \(reader.maxMessageSize))")
            } catch {
                throw GRPCCallError(.internal, "grpc: failed to decompress the received message: \(error)")
            }
        case nil, "identity"?:
            throw GRPCCallError(.internal, "grpc: compressed flag set with identity or empty encoding")
        case let other?:
            throw GRPCCallError(.unimplemented, "grpc: Decompressor is not installed for grpc-encoding \"\(other)\"")
        }
    }

    private func receivedTrailers(_ trailers: HPACKHeaders, endStream: Bool) {
        guard endStream else {
            finish(.failure(GRPCCallError(.internal, "received a second HEADERS frame that does not end the stream")))
            return
        }
        guard let statusText = trailers.first(name: "grpc-status") else {
            finish(.failure(GRPCCallError(.internal, "server closed the stream without sending trailers")))
            return
        }
        guard reader.leftover == 0 else {
            finish(.failure(GRPCCallError(.internal, "grpc: the stream ended inside a message (\(reader.leftover) bytes of an incomplete message)")))
            return
        }
        let status = GRPCStatusCode(wireValue: Substring(statusText))
        if status == .ok && message == nil {
            // As grpc-go: a unary call answered OK must carry its message.
            finish(.failure(GRPCCallError(.internal, "cardinality violation: received no response message from non-streaming RPC")))
            return
        }
        let response = GRPCUnaryResponse(
            status: status,
            message: trailers.first(name: "grpc-message").map(GRPCPercentEncoding.decode) ?? "",
            details: trailers.first(name: "grpc-status-details-bin").flatMap(Base64.decode),
            headers: GRPCMetadata(received: responseHeaders ?? [:]),
            trailers: GRPCMetadata(received: trailers),
            body: status == .ok ? message : nil)
        finish(.success(response))
    }

    private func receivedReset(_ code: HTTP2ErrorCode) {
        let status = GRPCStatusCode(resetCode: code)
        finish(.failure(GRPCCallError(status, "stream terminated by RST_STREAM with error code: \(code)")))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let closed = error as? NIOHTTP2Errors.StreamClosed {
            // A peer's RST_STREAM arrives as a frame first (handled above); a
            // closure without one is NIOHTTP2 dropping streams the server's
            // GOAWAY said it never processed (code CANCEL): retryable, so
            // UNAVAILABLE as grpc-go says it, not CANCELLED.
            if closed.errorCode == .cancel {
                finish(.failure(GRPCCallError(.unavailable, "the server sent GOAWAY before processing the stream")))
            } else {
                receivedReset(closed.errorCode)
            }
        } else {
            finish(.failure(GRPCCallError(.unavailable, "connection error: \(error)")))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(GRPCCallError(.unavailable, "error reading from server: the connection closed")))
        context.fireChannelInactive()
    }

    /// Completes the promise once; a stream still open is then closed, which
    /// resets it when the server has not finished.
    private func finish(_ result: Result<GRPCUnaryResponse, GRPCCallError>) {
        guard !isDone else { return }
        isDone = true
        message = nil
        switch result {
        case .success(let response): promise.succeed(response)
        case .failure(let error): promise.fail(error)
        }
        context?.close(promise: nil)
    }
}

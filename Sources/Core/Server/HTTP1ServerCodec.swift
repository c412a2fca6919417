import NIOCore
import NIOHTTP1

/// HTTP/1.1 on a client connection, in one handler: requests parsed from
/// the bytes read (`HTTP1RequestParser`), responses written as bytes, the
/// head and a small body of a response in one buffer and one write.
///
/// It stands where NIO's request decoder, response encoder and protocol
/// error handler stood, with the same parts on either side
/// (`HTTPServerRequestPart` up, `HTTPServerResponsePart` down), so the
/// request handler above it is the one HTTP/2 streams use too. A malformed
/// request is answered 400, a head larger than `max_header_bytes` (plus
/// Go's 4096 bytes of slack) 431, and the connection closes.
final class HTTP1ServerCodec: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = ByteBuffer

    private var parser: HTTP1RequestParser
    /// Bytes read and not yet parsed: after a request that switches
    /// protocols, they wait here for the new protocol.
    private var unparsed: ByteBuffer?
    private var removed = false
    private var failed = false

    /// The methods of requests whose answer has not started: a HEAD answer has no body.
    private var methods = CircularBuffer<HTTPMethod>(initialCapacity: 4)
    private var responseStarted = false
    private var suppressBody = false
    private var chunked = false
    /// Response bytes not yet handed to the channel (until a flush or the end).
    private var pending: ByteBuffer?

    private static let noBytes = ByteBuffer()


    init(maxHeaderBytes: Int) {
        // Go's server allows 4096 bytes on top of MaxHeaderBytes.
        parser = HTTP1RequestParser(maxHeadSize: maxHeaderBytes + 4096)
    }

    // MARK: requests

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var bytes = unwrapInboundIn(data)
        if unparsed == nil { unparsed = bytes } else { unparsed!.writeBuffer(&bytes) }
        parse(context: context)
    }

    /// Hands on every request part the bytes hold. The handler above may
    /// answer, or remove this one (a protocol switch), within each call.
    private func parse(context: ChannelHandlerContext) {
        while !removed && !failed {
            // A part may need no more bytes (the end of a request without a body).
            var input = unparsed ?? Self.noBytes
            unparsed = nil
            let part: HTTPServerRequestPart?
            do { part = try parser.next(&input) } catch {
                refuse(error, context: context)
                return
            }
            if input.readableBytes > 0 { unparsed = input }
            guard let part else { return }
            if case .head(let head) = part { methods.append(head.method) }
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    /// Answers a request that cannot be read, unless an answer has started
    /// (then there is nothing to say), and closes.
    private func refuse(_ error: HTTP1Malformed, context: ChannelHandlerContext) {
        failed = true
        unparsed = nil
        writePending(context: context)
        if !responseStarted {
            let response: StaticString = error.isTooLarge
                ? "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 35\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large"
                : "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
            var buffer = context.channel.allocator.buffer(capacity: response.utf8CodeUnitCount)
            buffer.writeStaticString(response)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in context.close(promise: nil) }
        } else {
            context.close(promise: nil)
        }
    }

    /// Leaving the pipeline (a protocol switch): the bytes that followed the
    /// request go on to the new protocol's handlers.
    func removeHandler(context: ChannelHandlerContext, removalToken: ChannelHandlerContext.RemovalToken) {
        removed = true
        if let rest = unparsed, rest.readableBytes > 0 {
            unparsed = nil
            context.fireChannelRead(NIOAny(rest))
            context.fireChannelReadComplete()
        }
        context.leavePipeline(removalToken: removalToken)
    }

    // MARK: responses

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let code = head.status.code
            let informational = (100..<200).contains(code) && code != 101
            var respondingToConnect = false
            if !informational {
                let method = methods.popFirst()
                suppressBody = method == .HEAD || method == .CONNECT
                respondingToConnect = method == .CONNECT
                responseStarted = true
            }
            // Framing headers as NIO's encoder sets them.
            chunked = head.frameBody(hasBody: !respondingToConnect && head.status.mayHaveResponseBody) && !suppressBody
            // Room for a body short enough to follow in this buffer, so that appending it does not reallocate.
            let length = suppressBody || chunked ? 0 : head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
            var out = pending ?? context.channel.allocator.buffer(capacity: 512 + (length <= ByteBuffer.coalesceLimit ? length : 0))
            pending = nil
            out.writeResponseHead(head)
            stage(out, promise: promise, context: context)
        case .body(.byteBuffer(let body)):
            if suppressBody {
                promise?.fail(NIOHTTPResponseEncoderError.responseBodyNotAllowed)
                return
            }
            guard body.readableBytes > 0 else {
                if promise != nil { writePending(context: context, promise: promise) }
                return
            }
            var out = pending ?? context.channel.allocator.buffer(capacity: min(body.readableBytes, ByteBuffer.coalesceLimit) + 16)
            pending = nil
            out.writeBodyPart(body, framing: chunked ? .chunked : .length) { context.write(wrapOutboundOut($0), promise: nil) }
            // Written with the promise even when empty: it must not complete before the part.
            stage(out, promise: promise, context: context)
        case .body(.fileRegion):
            promise?.fail(ChannelError.operationUnsupported)
        case .end(let trailers):
            if !suppressBody && chunked {
                var out = pending ?? context.channel.allocator.buffer(capacity: 5)
                pending = nil
                out.writeStaticString("0\r\n")
                for (name, value) in trailers ?? [:] {
                    out.writeString(name)
                    out.writeStaticString(": ")
                    out.writeString(value)
                    out.writeStaticString("\r\n")
                }
                out.writeStaticString("\r\n")
                pending = out
            }
            suppressBody = false
            chunked = false
            responseStarted = false
            writePending(context: context, promise: promise)
        }
    }

    /// Keeps `bytes` for the next write, or writes them now when someone
    /// waits on them.
    private func stage(_ bytes: ByteBuffer, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        if let promise {
            context.write(wrapOutboundOut(bytes), promise: promise)
        } else {
            pending = bytes
        }
    }

    /// Hands the pending bytes to the channel. With a promise, something is
    /// written even when nothing is pending, so that the promise does not
    /// complete before the bytes ahead of it (a close waits on it).
    private func writePending(context: ChannelHandlerContext, promise: EventLoopPromise<Void>? = nil) {
        guard pending != nil || promise != nil else { return }
        let out = pending ?? Self.noBytes
        pending = nil
        context.write(wrapOutboundOut(out), promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        writePending(context: context)
        context.flush()
    }
}

extension HTTPResponseHead {
    /// `Content-Length` and `Transfer-Encoding` as NIO's `HTTPResponseEncoder`
    /// sets them: none without a body; with one, the length if given, else
    /// chunked on HTTP/1.1. Returns whether the body goes chunked.
    mutating func frameBody(hasBody: Bool) -> Bool {
        guard hasBody else {
            headers.removeIfPresent("content-length")
            headers.removeIfPresent("transfer-encoding")
            return false
        }
        if headers.contains(name: "content-length") {
            headers.removeIfPresent("transfer-encoding")
            return false
        }
        guard version.major == 1 && version.minor >= 1 else { return false }
        headers.replaceOrAdd(name: "transfer-encoding", value: "chunked")
        return true
    }
}

extension ByteBuffer {
    /// The status line and headers of a response.
    mutating func writeResponseHead(_ head: HTTPResponseHead) {
        writeStaticString(head.version.minor == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        writeString(String(head.status.code))
        writeInteger(UInt8(ascii: " "))
        writeString(head.status.reasonPhrase)
        writeStaticString("\r\n")
        for (name, value) in head.headers {
            writeString(name)
            writeStaticString(": ")
            writeString(value)
            writeStaticString("\r\n")
        }
        writeStaticString("\r\n")
    }
}

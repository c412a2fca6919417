import NIOCore

/// Rejects an HTTP/1.1 request head that grows past `max_header_bytes` before
/// the parser has buffered it all: counts the raw bytes up to the blank line
/// that ends the head, and answers 431 once the count is too high.
final class HeaderSizeLimit: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let limit: Int
    private var awaitingHead = true
    private var count = 0
    /// The last bytes seen, to find "\r\n\r\n" across reads.
    private var tail: UInt32 = 0
    private var rejected = false

    init(maxHeaderBytes: Int) {
        // Go's server allows 4096 bytes on top of MaxHeaderBytes.
        self.limit = maxHeaderBytes + 4096
    }

    /// The request handler saw a whole head: the following bytes are body.
    func headArrived() {
        awaitingHead = false
        count = 0
        tail = 0
    }
    /// A response ended: the next bytes start a new head.
    func awaitHead() {
        awaitingHead = true
        count = 0
        tail = 0
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if rejected { return }
        let buffer = unwrapInboundIn(data)
        if awaitingHead {
            // Cheap case first: even counting every byte, the head is within bounds.
            if count + buffer.readableBytes <= limit {
                count += buffer.readableBytes
                context.fireChannelRead(data)
                return
            }
            // Over the bound: find where the head ends to know what belongs to it.
            var seen = 0
            var found = false
            buffer.withUnsafeReadableBytes { bytes in
                for byte in bytes {
                    seen += 1
                    tail = (tail << 8) | UInt32(byte)
                    if tail == 0x0D0A_0D0A { found = true; break }
                }
            }
            count += seen
            if found {
                awaitingHead = false
                count = 0
            } else if count > limit {
                reject(context: context)
                return
            }
        }
        context.fireChannelRead(data)
    }

    private func reject(context: ChannelHandlerContext) {
        rejected = true
        let body = "431 Request Header Fields Too Large"
        let response = "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        context.writeAndFlush(NIOAny(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            context.close(promise: nil)
        }
    }
}

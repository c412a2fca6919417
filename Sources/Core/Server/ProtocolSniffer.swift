import NIOCore

/// On a plain-text connection, tells HTTP/2 with prior knowledge (which opens
/// with the fixed preface `PRI * HTTP/2.0…`) from HTTP/1.1, then configures
/// the pipeline for it and steps aside, passing on the bytes it read. A
/// connection that has not said which it speaks closes at shutdown.
final class ProtocolSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let configureHTTP1: (ChannelPipeline.SynchronousOperations) throws -> Void
    private let configureHTTP2: (ChannelPipeline.SynchronousOperations) throws -> Void
    private var buffered: ByteBuffer?

    init(http1: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void,
         http2: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void) {
        self.configureHTTP1 = http1
        self.configureHTTP2 = http2
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if var held = buffered {
            held.writeBuffer(&bytes)
            bytes = held
        }
        let n = min(bytes.readableBytes, Self.preface.count)
        let matches = bytes.withUnsafeReadableBytes { raw in (0..<n).allSatisfy { raw[$0] == Self.preface[$0] } }
        if matches && n < Self.preface.count {
            buffered = bytes
            return
        }
        buffered = nil
        do {
            if matches { try configureHTTP2(context.pipeline.syncOperations) } else { try configureHTTP1(context.pipeline.syncOperations) }
        } catch {
            context.close(promise: nil)
            return
        }
        // The bytes go on to the protocol's handlers, within this read.
        context.fireChannelRead(wrapInboundOut(bytes))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}

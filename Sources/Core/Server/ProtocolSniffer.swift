import NIOCore

/// On a plain-text connection, tells HTTP/2 with prior knowledge (which opens
/// with the fixed preface `PRI * HTTP/2.0…`) from HTTP/1.1, then configures
/// the pipeline for it and steps aside, passing on the bytes it read.
final class ProtocolSniffer: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    private let configureHTTP1: (ChannelPipeline.SynchronousOperations) throws -> Void
    private let configureHTTP2: (ChannelPipeline.SynchronousOperations) throws -> Void

    init(http1: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void,
         http2: @escaping (ChannelPipeline.SynchronousOperations) throws -> Void) {
        self.configureHTTP1 = http1
        self.configureHTTP2 = http2
    }

    func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let n = min(buffer.readableBytes, Self.preface.count)
        let matches = buffer.withUnsafeReadableBytes { bytes in
            (0..<n).allSatisfy { bytes[$0] == Self.preface[$0] }
        }
        if matches && n < Self.preface.count { return .needMoreData }
        if matches { try configureHTTP2(context.pipeline.syncOperations) } else { try configureHTTP1(context.pipeline.syncOperations) }
        // On removal, decodeLast passes on the bytes read so far.
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        return .needMoreData
    }

    /// Called as the sniffer leaves the pipeline: the bytes it held go to the
    /// protocol handlers that now follow it.
    func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        if buffer.readableBytes > 0, let bytes = buffer.readSlice(length: buffer.readableBytes) {
            context.fireChannelRead(NIOAny(bytes))
        }
        return .needMoreData
    }
}

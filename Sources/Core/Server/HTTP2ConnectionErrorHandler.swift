import NIOCore
import NIOHTTP2

/// The last handler of an HTTP/2 connection: NIOHTTP2 answers a connection
/// error with GOAWAY but leaves the connection open, so it is closed here.
/// A frame for a stream that already ended (clients send RST_STREAM or
/// WINDOW_UPDATE after a call's trailers) is a stream error, already
/// answered with RST_STREAM: the connection and its other calls go on.
final class HTTP2ConnectionErrorHandler: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch error {
        case is NIOHTTP2Errors.NoSuchStream, is NIOHTTP2Errors.StreamClosed:
            return
        default:
            // The GOAWAY NIOHTTP2 just wrote goes out first.
            context.flush()
            context.close(promise: nil)
        }
    }
}

import CNIOExtrasZlib
import NIOCore

/// Inflates one gzip or zlib (`deflate`) response body as its chunks arrive.
/// The output may grow to `maxRatio` times the compressed bytes read so far,
/// no more (a small bomb never becomes a large buffer), as NIO's
/// `NIOHTTPResponseDecompressor(limit: .ratio(200))` did before it.
final class ResponseInflater {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `Content-Encoding` values inflated.
    static func applies(to contentEncoding: String) -> Bool {
        switch contentEncoding.lowercased() {
        case "gzip", "x-gzip", "deflate": return true
        default: return false
        }
    }

    private let stream: UnsafeMutablePointer<cnioextras_z_stream>
    private let maxRatio: Int
    private var compressed = 0
    private var inflated = 0
    private(set) var isComplete = false

    init(maxRatio: Int = 200) {
        self.maxRatio = maxRatio
        stream = .allocate(capacity: 1)
        stream.initialize(to: cnioextras_z_stream())
        // 15 + 32: the largest window, and zlib tells gzip from zlib by the header.
        let code = CNIOExtrasZlib_inflateInit2(stream, 15 + 32)
        precondition(code == CNIOEXTRAS_Z_OK, "zlib inflateInit2 failed: \(code)")
    }

    deinit {
        cnioextras_z_inflateEnd(stream)
        stream.deallocate()
    }

    /// The inflated bytes of `input`, one more part of the body.
    func inflate(_ input: ByteBuffer, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        guard input.readableBytes > 0 else { return allocator.buffer(capacity: 0) }
        guard !isComplete else { throw Failure(description: "data after the end of the compressed body") }
        compressed += input.readableBytes
        var input = input
        var output = allocator.buffer(capacity: max(4096, input.readableBytes * 4))
        try input.withUnsafeMutableReadableBytes { source in
            stream.pointee.next_in = CNIOExtrasZlib_voidPtr_to_BytefPtr(source.baseAddress)
            stream.pointee.avail_in = UInt32(source.count)
            while true {
                var code: Int32 = CNIOEXTRAS_Z_OK
                let room = max(4096, output.readableBytes)
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { target in
                    stream.pointee.next_out = CNIOExtrasZlib_voidPtr_to_BytefPtr(target.baseAddress)
                    stream.pointee.avail_out = UInt32(target.count)
                    code = cnioextras_z_inflate(stream, CNIOEXTRAS_Z_NO_FLUSH)
                    return target.count - Int(stream.pointee.avail_out)
                }
                if inflated + output.readableBytes > compressed * maxRatio {
                    throw Failure(description: "the decompressed body is more than \(maxRatio) times its compressed size")
                }
                switch code {
                case CNIOEXTRAS_Z_STREAM_END:
                    isComplete = true
                    guard stream.pointee.avail_in == 0 else { throw Failure(description: "data after the end of the compressed body") }
                    return
                case CNIOEXTRAS_Z_OK, CNIOEXTRAS_Z_BUF_ERROR:
                    // Done once the input is used up and the output had room to spare.
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return }
                    if code == CNIOEXTRAS_Z_BUF_ERROR && stream.pointee.avail_in == 0 { return }
                default:
                    throw Failure(description: "the body is not valid gzip or deflate data")
                }
            }
        }
        inflated += output.readableBytes
        return output
    }
}

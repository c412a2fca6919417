import NIOCore

/// gRPC's length-prefixed messages: a compressed flag byte, a big-endian
/// 32-bit length, the message.
enum GRPCFraming {
    static let prefixLength = 5

    /// One uncompressed message with its prefix.
    static func frame(_ message: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        var out = allocator.buffer(capacity: prefixLength + message.readableBytes)
        out.writeInteger(UInt8(0))
        out.writeInteger(UInt32(message.readableBytes))
        out.writeImmutableBuffer(message)
        return out
    }
}

/// Reassembles the messages of a response from DATA frames of any size,
/// refusing, as soon as a prefix announces it, a message larger than the
/// limit: nothing beyond the limit is ever buffered.
struct GRPCMessageReader {
    enum Failure: Error, Equatable {
        /// The announced (or inflated) size; the limit.
        case tooLarge(Int, Int)
        case malformed(String)
    }

    struct Message {
        var compressed: Bool
        var bytes: ByteBuffer
    }

    let maxMessageSize: Int
    private var buffer: ByteBuffer?

    init(maxMessageSize: Int) { self.maxMessageSize = maxMessageSize }

    /// Adds the payload of a DATA frame, returns the messages it completes.
    mutating func append(_ data: ByteBuffer) throws -> [Message] {
        if buffer == nil || buffer!.readableBytes == 0 {
            buffer = data
        } else {
            var data = data
            buffer!.writeBuffer(&data)
        }
        var messages: [Message] = []
        while let message = try next() { messages.append(message) }
        if buffer?.readableBytes == 0 { buffer = nil } else { buffer?.discardReadBytes() }
        return messages
    }

    private mutating func next() throws -> Message? {
        guard var buf = buffer, buf.readableBytes >= GRPCFraming.prefixLength else { return nil }
        let flag: UInt8 = buf.readInteger()!
        let length = Int(buf.readInteger(as: UInt32.self)!)
        guard flag <= 1 else { throw Failure.malformed("invalid compressed flag \(flag) in a message prefix") }
        guard length <= maxMessageSize else { throw Failure.tooLarge(length, maxMessageSize) }
        guard let bytes = buf.readSlice(length: length) else { return nil }
        buffer = buf
        return Message(compressed: flag == 1, bytes: bytes)
    }

    /// Bytes of an incomplete message left when the stream ends: the server
    /// announced more than it sent.
    var leftover: Int { buffer?.readableBytes ?? 0 }
}

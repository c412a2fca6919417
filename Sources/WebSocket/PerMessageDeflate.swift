import CNIOExtrasZlib
import NIOCore
import NIOHTTP1
import NIOPosix

/// The permessage-deflate extension (RFC 7692) toward the gateway's clients,
/// negotiated as gorilla/websocket negotiates it: without context takeover in
/// either direction. Every message is then a deflate stream of its own, so a
/// connection keeps no zlib state: one compressor per window size and one
/// decompressor serve every connection of an event loop (zlib's state is
/// ~300 KB, too much to hold for each of 10,000 clients). Backends are spoken
/// to uncompressed.
struct PerMessageDeflate: Sendable, Equatable {
    /// The LZ77 window the gateway compresses with: 15 unless the client's
    /// offer asked for less (`server_max_window_bits`).
    var windowBits = 15

    /// The first offer in the request's `Sec-WebSocket-Extensions` the gateway
    /// accepts. An offer with an unknown, repeated or malformed parameter is
    /// declined, and so is `server_max_window_bits=8`, which zlib's raw
    /// deflate cannot honour.
    static func negotiate(_ headers: HTTPHeaders) -> PerMessageDeflate? {
        for offer in headers[canonicalForm: "sec-websocket-extensions"] {
            let parts = offer.split(separator: ";").map(\.trimmingSpaces)
            guard parts.first?.lowercased() == "permessage-deflate" else { continue }
            if let accepted = accept(parts.dropFirst()) { return accepted }
        }
        return nil
    }

    private static func accept(_ parameters: ArraySlice<String>) -> PerMessageDeflate? {
        var result = PerMessageDeflate()
        var seen = Set<String>()
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(\.trimmingSpaces)
            let name = pair[0].lowercased()
            let value = pair.count > 1 ? unquoted(pair[1]) : nil
            guard seen.insert(name).inserted else { return nil }
            switch (name, value) {
            case ("server_no_context_takeover", nil), ("client_no_context_takeover", nil), ("client_max_window_bits", nil):
                break
            case ("client_max_window_bits", let v?):
                guard windowBits(v) != nil else { return nil }
            case ("server_max_window_bits", let v?):
                guard let bits = windowBits(v), bits > 8 else { return nil }
                result.windowBits = bits
            default:
                return nil
            }
        }
        return result
    }

    private static func unquoted(_ text: String) -> String {
        text.count >= 2 && text.hasPrefix("\"") && text.hasSuffix("\"") ? String(text.dropFirst().dropLast()) : text
    }

    private static func windowBits(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let bits = Int(text), (8...15).contains(bits) else { return nil }
        return bits
    }

    /// The `Sec-WebSocket-Extensions` answer: no context takeover either
    /// way (a server may ask both even when the client did not offer them).
    var responseHeader: String {
        var out = "permessage-deflate; server_no_context_takeover; client_no_context_takeover"
        if windowBits != 15 { out += "; server_max_window_bits=\(windowBits)" }
        return out
    }

    struct TooLarge: Error {}
    struct Corrupt: Error {}

    /// The empty stored block that ends a sync flush (RFC 7692 §7.2.1):
    /// stripped from what is sent, put back on what is received.
    private static let tail: [UInt8] = [0x00, 0x00, 0xFF, 0xFF]

    /// A message's payload, compressed.
    func compress(_ input: ByteBuffer, allocator: ByteBufferAllocator) -> ByteBuffer {
        let stream = ZlibStreams.forThisThread.deflater(windowBits: windowBits)
        defer { cnioextras_z_deflateReset(stream) }
        var output = allocator.buffer(capacity: input.readableBytes / 2 + 64)
        input.withUnsafeReadableBytes { source in
            stream.pointee.next_in = CNIOExtrasZlib_voidPtr_to_BytefPtr(UnsafeMutableRawPointer(mutating: source.baseAddress))
            stream.pointee.avail_in = UInt32(source.count)
            // Output space that runs out may leave output pending: call again.
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: max(256, source.count / 8)) { target in
                    stream.pointee.next_out = CNIOExtrasZlib_voidPtr_to_BytefPtr(target.baseAddress)
                    stream.pointee.avail_out = UInt32(target.count)
                    _ = cnioextras_z_deflate(stream, CNIOEXTRAS_Z_SYNC_FLUSH)
                    return target.count - Int(stream.pointee.avail_out)
                }
            } while stream.pointee.avail_out == 0
        }
        if output.readableBytes >= 4, output.getBytes(at: output.writerIndex - 4, length: 4) == Self.tail {
            output.moveWriterIndex(to: output.writerIndex - 4)
        }
        return output
    }

    /// A received message's payload, inflated: at most `limit` bytes, else
    /// `TooLarge` as soon as the limit is passed (a small bomb never becomes
    /// a large buffer); `Corrupt` if it is not deflate data.
    func decompress(_ input: ByteBuffer, limit: Int, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        let stream = ZlibStreams.forThisThread.inflater
        defer { cnioextras_z_inflateReset(stream) }
        var input = input
        input.writeBytes(Self.tail)
        var output = allocator.buffer(capacity: min(limit + 1, max(1024, input.readableBytes * 4)))
        try input.withUnsafeMutableReadableBytes { source in
            stream.pointee.next_in = CNIOExtrasZlib_voidPtr_to_BytefPtr(source.baseAddress)
            stream.pointee.avail_in = UInt32(source.count)
            while true {
                let room = limit + 1 - output.readableBytes
                var code: Int32 = CNIOEXTRAS_Z_OK
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: min(room, max(1024, output.readableBytes))) { target in
                    let space = min(target.count, room)
                    stream.pointee.next_out = CNIOExtrasZlib_voidPtr_to_BytefPtr(target.baseAddress)
                    stream.pointee.avail_out = UInt32(space)
                    code = cnioextras_z_inflate(stream, CNIOEXTRAS_Z_SYNC_FLUSH)
                    return space - Int(stream.pointee.avail_out)
                }
                if output.readableBytes > limit { throw TooLarge() }
                switch code {
                case CNIOEXTRAS_Z_STREAM_END, CNIOEXTRAS_Z_BUF_ERROR:
                    return  // the last block, or nothing more to do
                case CNIOEXTRAS_Z_OK:
                    // Done once the input is used up and the output had room to spare.
                    if stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { return }
                default:
                    throw Corrupt()
                }
            }
        }
        return output
    }
}

/// One thread's zlib streams, reset after each message. An event loop is one
/// thread, so every connection on it shares them, one message at a time.
/// (Sendable only so that the thread-local slot can be a static: no other
/// thread ever sees an instance.)
private final class ZlibStreams: @unchecked Sendable {
    private static let current = ThreadSpecificVariable<ZlibStreams>()

    static var forThisThread: ZlibStreams {
        if let streams = current.currentValue { return streams }
        let streams = ZlibStreams()
        current.currentValue = streams
        return streams
    }

    private var deflaters: [Int: UnsafeMutablePointer<cnioextras_z_stream>] = [:]
    private var inflaterStream: UnsafeMutablePointer<cnioextras_z_stream>?

    var inflater: UnsafeMutablePointer<cnioextras_z_stream> {
        if let stream = inflaterStream { return stream }
        let stream = UnsafeMutablePointer<cnioextras_z_stream>.allocate(capacity: 1)
        stream.initialize(to: cnioextras_z_stream())
        // A raw stream (negative bits) with the largest window reads any window.
        let code = CNIOExtrasZlib_inflateInit2(stream, -15)
        precondition(code == CNIOEXTRAS_Z_OK, "zlib inflateInit2 failed: \(code)")
        inflaterStream = stream
        return stream
    }

    func deflater(windowBits: Int) -> UnsafeMutablePointer<cnioextras_z_stream> {
        if let stream = deflaters[windowBits] { return stream }
        let stream = UnsafeMutablePointer<cnioextras_z_stream>.allocate(capacity: 1)
        stream.initialize(to: cnioextras_z_stream())
        let code = CNIOExtrasZlib_deflateInit2(stream, CNIOEXTRAS_Z_DEFAULT_COMPRESSION, CNIOEXTRAS_Z_DEFLATED,
                                               -Int32(windowBits), 8, CNIOEXTRAS_Z_DEFAULT_STRATEGY)
        precondition(code == CNIOEXTRAS_Z_OK, "zlib deflateInit2 failed: \(code)")
        deflaters[windowBits] = stream
        return stream
    }

    deinit {
        for stream in deflaters.values {
            cnioextras_z_deflateEnd(stream)
            stream.deallocate()
        }
        if let inflater = inflaterStream {
            cnioextras_z_inflateEnd(inflater)
            inflater.deallocate()
        }
    }
}

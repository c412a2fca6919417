import Foundation

/// A WebSocket client over a plain blocking socket, frame by frame, so tests
/// can send what no well-behaved client would (unmasked frames, bad UTF-8,
/// reserved bits). Every read is bounded by `timeout`, and waits on a thread
/// of its own: blocking the tests' task pool would stall the gateway's tasks.
final class TestWebSocket: @unchecked Sendable {
    struct Frame: Equatable {
        var fin = true
        var opcode: UInt8
        var payload: [UInt8]
        /// RSV1: with permessage-deflate, the first frame of a compressed message.
        var rsv1 = false
        var text: String { String(decoding: payload, as: UTF8.self) }
        /// The close code of a close frame.
        var closeCode: UInt16? { opcode == 8 && payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil }
    }

    struct HandshakeFailed: Error, CustomStringConvertible {
        var description: String
    }

    let fd: Int32
    /// The handshake answer: status line and headers.
    private(set) var responseHead = ""
    private var pending: [UInt8] = []

    /// Connects and upgrades; throws with the answer when it is not 101.
    /// `extra` bytes are sent right behind the request, in the same write.
    static func connect(port: Int, path: String, headers: [(String, String)] = [], extra: [UInt8] = [], timeout: TimeInterval = 5) async throws -> TestWebSocket {
        try await offThePool { try TestWebSocket(port: port, path: path, headers: headers, extra: extra, timeout: timeout) }
    }

    private init(port: Int, path: String, headers: [(String, String)], extra: [UInt8], timeout: TimeInterval) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Foundation.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        sendRaw(Array(request.utf8) + extra)
        while !pending.containsHeadEnd {
            guard fill() else { break }
        }
        guard let end = pending.headEnd else {
            close(fd)
            throw HandshakeFailed(description: "no handshake answer: \(String(decoding: pending, as: UTF8.self))")
        }
        responseHead = String(decoding: pending[..<end], as: UTF8.self)
        pending.removeFirst(end + 4)
        guard responseHead.hasPrefix("HTTP/1.1 101") else {
            close(fd)
            throw HandshakeFailed(description: responseHead)
        }
    }

    deinit { close(fd) }

    /// The value of a handshake answer header.
    func header(_ name: String) -> String? {
        for line in responseHead.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == name.lowercased() { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return nil
    }

    // MARK: frames

    func send(_ text: String) { sendFrame(opcode: 1, payload: Array(text.utf8)) }

    func sendFrame(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) {
        sendRaw(Self.frameBytes(opcode: opcode, payload: payload, fin: fin, masked: masked, rsv: rsv))
    }

    /// `bytes` as a permessage-deflate payload any inflater reads: one
    /// stored (uncompressed) deflate block, without the final-block bit,
    /// for the receiver to end with its `00 00 ff ff`.
    static func storedBlock(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt16(bytes.count)
        return [0x00, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8(~n >> 8)] + bytes
    }

    static func frameBytes(opcode: UInt8, payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0) -> [UInt8] {
        var out: [UInt8] = [(fin ? 0x80 : 0) | rsv << 4 | opcode]
        let maskBit: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            out.append(maskBit | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            out.append(maskBit | 126)
            out += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            out.append(maskBit | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: payload.count >> shift)) }
        }
        if masked {
            let key: [UInt8] = [0x12, 0x34, 0x56, 0x78]
            out += key
            out += payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
        } else {
            out += payload
        }
        return out
    }

    /// The next frame from the gateway, or nil when the connection closed or
    /// nothing came in time.
    func readFrame() async -> Frame? {
        await offThePool { self.readFrameNow() }
    }

    private func readFrameNow() -> Frame? {
        while true {
            if let frame = parse() { return frame }
            guard fill() else { return nil }
        }
    }

    /// The next data frame, skipping pings.
    func readMessage() async -> Frame? {
        await offThePool { self.readMessageNow() }
    }

    private func readMessageNow() -> Frame? {
        while let frame = readFrameNow() {
            if frame.opcode != 9 && frame.opcode != 10 { return frame }
        }
        return nil
    }

    /// Whether the gateway closed the TCP connection within `seconds` (reads
    /// to the end). The default outlasts the gateway's own limit: a client
    /// that does not answer its close frame is cut after 5 s at the latest.
    func closedByPeer(within seconds: Double = 10) async -> Bool {
        await offThePool { self.closedByPeerNow(within: seconds) }
    }

    private func closedByPeerNow(within seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while true {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = recv(fd, &buffer, buffer.count, 0)
            if n == 0 || (n < 0 && errno == ECONNRESET) { return true }
            if n < 0 && Date() >= deadline { return false }
        }
    }

    private func parse() -> Frame? {
        guard pending.count >= 2 else { return nil }
        var length = Int(pending[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard pending.count >= 4 else { return nil }
            length = Int(pending[2]) << 8 | Int(pending[3])
            offset = 4
        } else if length == 127 {
            guard pending.count >= 10 else { return nil }
            length = pending[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard pending.count >= offset + length else { return nil }
        let frame = Frame(fin: pending[0] & 0x80 != 0, opcode: pending[0] & 0x0F, payload: Array(pending[offset..<offset + length]),
                          rsv1: pending[0] & 0x40 != 0)
        pending.removeFirst(offset + length)
        return frame
    }

    private func fill() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let n = recv(fd, &buffer, buffer.count, 0)
        guard n > 0 else { return false }
        pending += buffer[0..<n]
        return true
    }

    /// Bytes as they are, framed or not.
    func sendRaw(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Foundation.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            sent += n
        }
    }
}

private extension Array where Element == UInt8 {
    var headEnd: Int? {
        guard count >= 4 else { return nil }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return i }
        return nil
    }
    var containsHeadEnd: Bool { headEnd != nil }
}

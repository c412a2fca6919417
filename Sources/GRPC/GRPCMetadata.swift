import NIOHPACK

/// Custom metadata of a call, in order, names lowercased.
///
/// Values of binary keys (names ending in `-bin`) are kept as the base64 text
/// the server sent, unchanged: that is the form a gateway forwards them in
/// (as HTTP headers, or into JSON), and `bytes(_:)` decodes one when the bytes
/// themselves are wanted.
public struct GRPCMetadata: Sendable, Sequence {
    public private(set) var entries: [(name: String, value: String)]

    public init(_ entries: [(String, String)] = []) {
        self.entries = entries.map { (name: $0.0.lowercased(), value: $0.1) }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { entries.makeIterator() }

    public var isEmpty: Bool { entries.isEmpty }

    /// The first value of `name` (case-insensitive).
    public subscript(name: String) -> String? {
        let key = name.lowercased()
        return entries.first { $0.name == key }?.value
    }

    /// The decoded bytes of the first value of binary key `name`; nil when
    /// absent or not base64.
    public func bytes(_ name: String) -> [UInt8]? {
        self[name].flatMap(Base64.decode)
    }

    /// Reserved names, the transport's own: never taken from a caller's
    /// metadata nor reported as the server's.
    static func isReserved(_ name: String) -> Bool {
        if name.hasPrefix(":") { return true }
        switch name {
        case "content-type", "te", "grpc-timeout", "grpc-encoding", "grpc-accept-encoding",
             "grpc-status", "grpc-message", "grpc-status-details-bin",
             "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
             "host", "content-length":
            return true
        default:
            return false
        }
    }

    /// The custom metadata of a HEADERS block received from the server.
    init(received headers: HPACKHeaders) {
        self.entries = headers.compactMap { name, value, _ in
            let name = name.lowercased()
            return Self.isReserved(name) ? nil : (name: name, value: value)
        }
    }
}

/// gRPC's percent-encoding of `grpc-message`: UTF-8, with bytes outside
/// printable ASCII and `%` itself written as `%XX`.
enum GRPCPercentEncoding {
    static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            if byte >= 0x20 && byte <= 0x7E && byte != UInt8(ascii: "%") {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    /// Lenient as grpc-go: a `%` not followed by two hex digits is kept as is,
    /// and invalid UTF-8 is repaired rather than dropping the message.
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(UInt8(ascii: "%")) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}


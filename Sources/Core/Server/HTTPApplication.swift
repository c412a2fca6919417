import NIOCore
import NIOHTTP1

/// What the server asks of the gateway for each request: called on the
/// connection's event loop as soon as the request head is read, it decides
/// how the body is to be read and returns the work to run.
public protocol HTTPApplication: Sendable {
    func prepare(_ head: HTTPRequestHead, connection: ConnectionInfo) -> PreparedRequest
}

/// Facts about the connection a request came on, read once per connection.
public struct ConnectionInfo: Sendable {
    public let remoteAddress: SocketAddress?
    public let isHTTP2: Bool
    public let isTLS: Bool
    /// The client's IP address as Go reports it: a dual-stack listener sees
    /// IPv4 clients as `::ffff:a.b.c.d`, Go as `a.b.c.d`.
    public let clientIP: String?

    public init(remoteAddress: SocketAddress?, isHTTP2: Bool, isTLS: Bool) {
        self.remoteAddress = remoteAddress
        self.isHTTP2 = isHTTP2
        self.isTLS = isTLS
        clientIP = remoteAddress?.ipAddress.map(Self.unmapped)
    }

    static func unmapped(_ ip: String) -> String {
        ip.hasPrefix("::ffff:") && ip.utf8.contains(UInt8(ascii: ".")) ? String(ip.dropFirst(7)) : ip
    }
}

/// The work for one request, decided when its head arrived.
public struct PreparedRequest: Sendable {
    public enum BodyMode: Sendable {
        /// Read the whole body first (at most `limit` bytes, else 413).
        case buffered(limit: Int)
        /// Hand the body over as it arrives, with back-pressure (no-op endpoints).
        case streamed
    }

    public var bodyMode: BodyMode
    public var run: @Sendable (IncomingRequest, ResponseWriter) async -> Void
    /// The same work without a task, started on the connection's event loop
    /// once the body is read: the fast path, when the work allows it.
    public var runOnLoop: (@Sendable (IncomingRequest, ResponseWriter, EventLoop) -> Void)?
    /// Instead of `run`: the request may switch the connection to another
    /// protocol (a WebSocket endpoint).
    public var upgrade: ConnectionUpgrade?
    /// The route's `{params}`, handed to `run` in the request: the work
    /// itself is then built once per route, not once per request.
    public var params: [(name: String, value: String)] = []

    public init(bodyMode: BodyMode, run: @escaping @Sendable (IncomingRequest, ResponseWriter) async -> Void,
                runOnLoop: (@Sendable (IncomingRequest, ResponseWriter, EventLoop) -> Void)? = nil) {
        self.bodyMode = bodyMode
        self.run = run
        self.runOnLoop = runOnLoop
    }

    /// A request that may switch protocols; its (small) body is read first.
    public init(upgrade: @escaping ConnectionUpgrade) {
        self.init(bodyMode: .buffered(limit: 1 << 16), run: { _, _ in })
        self.upgrade = upgrade
    }
}

/// A request as the gateway sees it.
public struct IncomingRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: RequestBody
    public var connection: ConnectionInfo
    /// The route's `{params}` (`PreparedRequest.params`).
    public var params: [(name: String, value: String)] = []
}

/// The body of a request: already read, or still arriving.
public enum RequestBody: Sendable {
    case buffered(ByteBuffer?)
    case streamed(RequestBodyStream)

    /// Bytes of a buffered body read so far.
    var bufferedSize: Int {
        if case .buffered(let body?) = self { return body.readableBytes }
        return 0
    }

    /// Appends a chunk to a buffered body. The body is taken out of `self`
    /// first, so its storage stays uniquely referenced and is not copied.
    mutating func append(_ chunk: inout ByteBuffer) {
        guard case .buffered(var body?) = self else {
            self = .buffered(chunk)
            return
        }
        self = .buffered(nil)
        body.writeBuffer(&chunk)
        self = .buffered(body)
    }

    /// The whole body, reading a stream to its end if needed.
    public func collect(upTo limit: Int = .max) async throws -> ByteBuffer? {
        switch self {
        case .buffered(let b): return b
        case .streamed(let stream):
            var out = RequestBody.buffered(nil)
            var size = 0
            for try await var chunk in stream {
                size += chunk.readableBytes
                if size > limit { throw RequestBodyTooLarge() }
                out.append(&chunk)
            }
            guard case .buffered(let body) = out else { return nil }
            return body
        }
    }
}

public struct RequestBodyTooLarge: Error {}

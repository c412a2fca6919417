import AsyncHTTPClient
import Foundation
import GatewayCore
import NIOCore
import NIOHTTP1

// Scoped servers: whatever a test starts is stopped when its body returns or
// throws, so a failing expectation never leaves a listener behind.

/// Runs `body` with a started echo backend, then stops it.
func withBackend<T>(_ body: (EchoBackend) async throws -> T) async throws -> T {
    let backend = try await EchoBackend.start()
    do {
        let result = try await body(backend)
        await backend.stop()
        return result
    } catch {
        await backend.stop()
        throw error
    }
}

/// Runs `body` with two started echo backends, then stops both.
func withTwoBackends<T>(_ body: (EchoBackend, EchoBackend) async throws -> T) async throws -> T {
    try await withBackend { a in try await withBackend { b in try await body(a, b) } }
}

/// Runs `body` with a gateway serving `config` (a krakend.json text), then stops it.
func withGateway<T>(_ config: String, environment: [String: String] = [:], _ body: (GatewayHarness) async throws -> T) async throws -> T {
    let gateway = try await GatewayHarness.start(config, environment: environment)
    do {
        let result = try await body(gateway)
        await gateway.stop()
        return result
    } catch {
        await gateway.stop()
        throw error
    }
}

/// The usual shape of a test: one echo backend and a gateway whose config
/// text is built from the backend's URL.
func withBackendAndGateway<T>(_ config: (EchoBackend) -> String, _ body: (EchoBackend, GatewayHarness) async throws -> T) async throws -> T {
    try await withBackend { backend in
        try await withGateway(config(backend)) { gateway in try await body(backend, gateway) }
    }
}

/// A loopback port where nothing listens, held (bound, never listening) for
/// the duration of `body` so that no other test's server can take it: a
/// connection to it is refused.
func withClosedLoopbackPort<T>(_ body: (Int) async throws -> T) async throws -> T {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EIO) }
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = 0
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return try await body(Int(UInt16(bigEndian: addr.sin_port)))
}

extension TestHTTP {
    /// A request with a body of raw bytes, sent with its length or, when
    /// `chunked`, with `Transfer-Encoding: chunked` in 64 KB pieces.
    static func request(_ url: String, method: HTTPMethod, headers: [(String, String)] = [], bytes: ByteBuffer, chunked: Bool) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if chunked {
            request.body = .stream(Chunks(buffer: bytes, size: 64 << 10), length: .unknown)
        } else {
            request.body = .bytes(bytes)
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Response(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
    }

    /// A buffer split into pieces, as an async sequence.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let buffer: ByteBuffer
        let size: Int
        struct AsyncIterator: AsyncIteratorProtocol {
            var rest: ByteBuffer
            let size: Int
            mutating func next() async -> ByteBuffer? {
                guard rest.readableBytes > 0 else { return nil }
                return rest.readSlice(length: Swift.min(size, rest.readableBytes))
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(rest: buffer, size: size) }
    }
}

extension TestHTTP.Response {
    /// The echo backend's view of a header: its values, by canonical name.
    func echoedHeader(_ name: String) -> [String]? {
        json?["headers"]?[name]?.arrayValue?.compactMap(\.stringValue)
    }

    /// The echo backend's view of the query: key → values.
    var echoedQuery: [String: [String]] {
        var out: [String: [String]] = [:]
        for (k, v) in json?["query"]?.objectValue ?? [:] { out[k] = v.arrayValue?.compactMap(\.stringValue) ?? [] }
        return out
    }

    /// The header names the echo backend received, canonical.
    var echoedHeaderNames: Set<String> { Set((json?["headers"]?.objectValue ?? [:]).keys) }

    /// The header names the echo backend received, exactly as they were sent.
    var echoedRawHeaderNames: [String] { json?["header_names"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
}

/// Runs blocking socket work on a thread of its own. Not on Dispatch's
/// global queue: on Linux the task pool runs on the same few threads (one
/// per core), so a dozen reads waiting out their timeouts there stalled
/// every task, the gateway's and the echo backend's included, for seconds.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

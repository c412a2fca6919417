import AsyncHTTPClient
import Foundation
import GatewayCore
import GatewayGRPC
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import GatewayRuntime

/// A gateway started in-process from a configuration text, on an ephemeral
/// loopback port; `stop()` shuts it down.
final class GatewayHarness: Sendable {
    let running: RunningGateway
    var server: GatewayServer { running.server }
    var client: HTTPBackendClient { running.client }
    var grpcServer: GRPCServer? { running.grpcServer }
    var gateway: Gateway { running.gateway }
    var port: Int { running.port }
    var url: String { "http://127.0.0.1:\(port)" }

    static func start(_ json: String, environment: [String: String] = [:]) async throws -> GatewayHarness {
        var document = try Value(json: json)
        // Tests are about behaviour, not about the 2 s default: a loaded CI
        // machine running hundreds of tests at once must not turn a slow
        // backend answer into a timeout. Tests of timeouts set their own.
        if case .object(var root) = document, root["timeout"] == nil {
            root["timeout"] = .string("10s")
            document = .object(root)
        }
        let config = try ConfigParser.parse(document, environment: environment)
        var settings = try ServerSettings(config)
        settings.host = "127.0.0.1"
        settings.port = 0
        return GatewayHarness(running: try await RunningGateway.start(config, settings: settings, logger: Logger(label: "test")))
    }

    private init(running: RunningGateway) { self.running = running }

    func stop() async { await running.stop(deadline: .seconds(2)) }
}

/// A plain HTTP client for the tests' requests.
enum TestHTTP {
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))

    struct Response {
        var status: Int
        var headers: HTTPHeaders
        var body: String
        var json: Value? { try? Value(json: body) }
    }

    static func request(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> Response {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (k, v) in headers { request.headers.add(name: k, value: v) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(10))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return Response(status: Int(response.status.code), headers: response.headers, body: String(buffer: buffer))
    }
}

/// Raw bytes over TCP, for requests no well-behaved client would send.
/// Every exchange blocks a Dispatch thread, never one of the task pool's:
/// Swift concurrency has only as many threads as cores (two here), shared
/// with the in-process gateway, and a read that waits out its timeout there
/// would stall every test and the gateway with them.
enum RawSocket {
    /// Sends `text`, then reads until the peer closes or `timeout` passes.
    static func exchange(port: Int, _ text: String, timeout: TimeInterval = 5) async throws -> String {
        String(decoding: try await exchangeBytes(port: port, Array(text.utf8), timeout: timeout), as: UTF8.self)
    }

    /// `exchange` for binary protocols: the bytes as they came.
    static func exchangeBytes(port: Int, _ bytes: [UInt8], timeout: TimeInterval = 5) async throws -> [UInt8] {
        try await exchangeUntilClosed(port: port, bytes, timeout: timeout).bytes
    }

    /// The bytes, and whether the peer closed the connection (rather than
    /// the wait running out).
    static func exchangeUntilClosed(port: Int, _ bytes: [UInt8], timeout: TimeInterval = 5) async throws -> (bytes: [UInt8], closedByPeer: Bool) {
        try await offThePool { try blockingExchange(port: port, bytes, timeout: timeout) }
    }

    private static func blockingExchange(port: Int, _ bytes: [UInt8], timeout: TimeInterval) throws -> (bytes: [UInt8], closedByPeer: Bool) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { break }
            sent += n
        }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            if n <= 0 { return (out, n == 0 || errno == ECONNRESET) }
            out += buffer[0..<n]
        }
    }
}

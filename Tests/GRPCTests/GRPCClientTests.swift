import Foundation
import NIOCore
import NIOPosix
import XCTest
@testable import GatewayGRPC

/// Unary calls against the grpcio peer.
final class GRPCClientTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var peer: PythonPeer!
    var client: GRPCClient!

    override func setUp() async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        peer = try await PythonPeer.start()
        client = try GRPCClient(group: group)
    }

    override func tearDown() async throws {
        await client?.shutdown()
        await peer?.stop()
        try await group.shutdownGracefully()
    }

    var target: String { "127.0.0.1:\(peer.port)" }

    func call(
        _ method: String, _ message: String = "", metadata: [(String, String)] = [], timeout: TimeAmount = .seconds(5),
        client: GRPCClient? = nil, target: String? = nil, loop: EventLoop? = nil
    ) async throws -> GRPCUnaryResponse {
        try await (client ?? self.client).unary(
            host: target ?? self.target, path: "/test.Echo/\(method)", message: Array(message.utf8), metadata: metadata,
            deadline: .now() + timeout, on: loop ?? group.next()
        ).get()
    }

    func callError(_ method: String, metadata: [(String, String)] = [], timeout: TimeAmount = .seconds(5), target: String? = nil) async -> GRPCCallError? {
        do {
            _ = try await call(method, metadata: metadata, timeout: timeout, target: target)
            return nil
        } catch {
            return error as? GRPCCallError
        }
    }

    func testEchoRoundTripWithMetadata() async throws {
        let response = try await call("Echo", "hello gRPC", metadata: [("X-Hello", "world"), ("x-trailer", "bye"), ("other", "no")])
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.body.map { String(buffer: $0) }, "hello gRPC")
        XCTAssertEqual(response.headers["x-hello"], "world")
        XCTAssertNil(response.headers["other"])
        XCTAssertEqual(response.trailers["x-trailer"], "bye")
        XCTAssertNil(response.trailers["grpc-status"])
    }

    func testEmptyMessage() async throws {
        let response = try await call("Echo", "")
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.body?.readableBytes, 0)
    }

    func testConcurrentCallsShareOneConnection() async throws {
        let loop = group.next()
        let client = self.client!
        let target = self.target
        try await withThrowingTaskGroup(of: String.self) { tasks in
            for i in 0..<50 {
                tasks.addTask {
                    let response = try await client.unary(
                        host: target, path: "/test.Echo/Echo", message: Array("call \(i)".utf8), metadata: [],
                        deadline: .now() + .seconds(5), on: loop).get()
                    return response.body.map { String(buffer: $0) } ?? ""
                }
            }
            var seen = Set<String>()
            for try await answer in tasks { seen.insert(answer) }
            XCTAssertEqual(seen.count, 50)
        }
        let peers = try await call("Peers", loop: loop)
        XCTAssertEqual(peers.body.map { String(buffer: $0) }, "1")
    }

    func testFailuresCarryCodeMessageAndDetails() async throws {
        for code in [GRPCStatusCode.invalidArgument, .notFound, .permissionDenied, .internal, .unauthenticated] {
            let response = try await call("Fail", metadata: [("x-code", String(code.rawValue)), ("x-message", "nope")])
            XCTAssertEqual(response.status, code)
            XCTAssertEqual(response.message, "nope")
            XCTAssertNil(response.body)
        }
        let details: [UInt8] = [0x08, 0x05, 0x12, 0x03, 0x61, 0x62, 0xFF]
        let response = try await call("Fail", metadata: [
            ("x-code", "9"), ("x-message", "déjà vu: 100% ✓"), ("x-details", Base64.encode(details)),
        ])
        XCTAssertEqual(response.status, .failedPrecondition)
        XCTAssertEqual(response.message, "déjà vu: 100% ✓")
        XCTAssertEqual(response.details, details)
    }

    func testDeadlineExceededAndConnectionStillUsable() async throws {
        let loop = group.next()
        let start = ContinuousClock.now
        do {
            _ = try await call("Slow", metadata: [("x-sleep-ms", "2000")], timeout: .milliseconds(200), loop: loop)
            XCTFail("expected DEADLINE_EXCEEDED")
        } catch let error as GRPCCallError {
            XCTAssertEqual(error.code, .deadlineExceeded)
        }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1))
        let response = try await call("Echo", "after", loop: loop)
        XCTAssertEqual(response.body.map { String(buffer: $0) }, "after")
        let peers = try await call("Peers", loop: loop)
        XCTAssertEqual(peers.body.map { String(buffer: $0) }, "1")
    }

    func testUnknownMethodIsUnimplemented() async throws {
        let response = try await call("Nope")
        XCTAssertEqual(response.status, .unimplemented)
    }

    func testBigMessageBeyondLimitIsResourceExhausted() async throws {
        let ok = try await call("Big", metadata: [("x-size", "1000000")])
        XCTAssertEqual(ok.body?.readableBytes, 1_000_000)
        let error = await callError("Big", metadata: [("x-size", String(5 << 20))])
        XCTAssertEqual(error?.code, .resourceExhausted)
        // The connection survives the reset stream.
        let again = try await call("Echo", "still here")
        XCTAssertEqual(again.status, .ok)
    }

    func testGzipResponseIsInflated() async throws {
        let text = String(repeating: "compress me, please; ", count: 5000)
        let response = try await call("Echo", text, metadata: [("x-compress", "1")])
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.body.map { String(buffer: $0) }, text)
        // Incompressible bytes come as stored blocks.
        var random = [UInt8](repeating: 0, count: 70_000)
        for i in random.indices { random[i] = UInt8.random(in: 0...255) }
        let raw = try await client.unary(
            host: target, path: "/test.Echo/Echo", message: random, metadata: [("x-compress", "1")],
            deadline: .now() + .seconds(5), on: group.next()).get()
        XCTAssertEqual(raw.body.map { Array($0.readableBytesView) }, random)
    }

    func testGzipBeyondLimitIsResourceExhausted() async throws {
        var settings = GRPCClientSettings()
        settings.maxReceiveMessageSize = 10_000
        let small = try GRPCClient(group: group, settings: settings)
        defer { Task { await small.shutdown() } }
        do {
            _ = try await call("Echo", String(repeating: "a", count: 50_000), metadata: [("x-compress", "1")], client: small)
            XCTFail("expected RESOURCE_EXHAUSTED")
        } catch let error as GRPCCallError {
            XCTAssertEqual(error.code, .resourceExhausted)
        }
        await small.shutdown()
    }

    func testServerKilledMidCallIsUnavailableThenReconnects() async throws {
        let loop = group.next()
        let port = peer.port
        let pending = client.unary(
            host: target, path: "/test.Echo/Slow", message: [], metadata: [("x-sleep-ms", "3000")],
            deadline: .now() + .seconds(5), on: loop)
        try await Task.sleep(for: .milliseconds(300))
        await peer.kill()
        do {
            _ = try await pending.get()
            XCTFail("expected UNAVAILABLE")
        } catch let error as GRPCCallError {
            XCTAssertEqual(error.code, .unavailable)
        }
        // Nobody listening: UNAVAILABLE at once, not a hang.
        let refused = await callError("Echo", target: "127.0.0.1:\(port)")
        XCTAssertEqual(refused?.code, .unavailable)
        // Back on the same port: the same endpoint gets a new connection.
        peer = try await PythonPeer.start(port: port)
        let response = try await call("Echo", "back", loop: loop)
        XCTAssertEqual(response.body.map { String(buffer: $0) }, "back")
    }

    func testHTTPTargetForms() async throws {
        let response = try await call("Echo", "h2c", target: "http://127.0.0.1:\(peer.port)")
        XCTAssertEqual(response.status, .ok)
    }
}

import NIOCore
import NIOPosix
import XCTest
@testable import GatewayGRPC

/// Unusual and broken answers, from the scripted HTTP/2 server.
final class GRPCProtocolTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var server: ScriptedHTTP2Server!
    var client: GRPCClient!

    override func setUp() async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        server = try await ScriptedHTTP2Server.start(group: group)
        client = try GRPCClient(group: group)
    }

    override func tearDown() async throws {
        await client?.shutdown()
        await server?.stop()
        try await group.shutdownGracefully()
    }

    func call(_ scenario: String, timeout: TimeAmount = .seconds(3)) async -> Result<GRPCUnaryResponse, GRPCCallError> {
        do {
            return .success(try await client.unary(
                host: "127.0.0.1:\(server.port)", path: "/s/\(scenario)", message: [1], metadata: [],
                deadline: .now() + timeout, on: group.next()).get())
        } catch {
            return .failure(error as! GRPCCallError)
        }
    }

    func code(_ scenario: String, timeout: TimeAmount = .seconds(3)) async -> GRPCStatusCode {
        switch await call(scenario, timeout: timeout) {
        case .success(let response): return response.status
        case .failure(let error): return error.code
        }
    }

    func testHTTPStatusIsMapped() async {
        let unavailable = await code("http503")
        XCTAssertEqual(unavailable, .unavailable)
        let unimplemented = await code("http404")
        XCTAssertEqual(unimplemented, .unimplemented)
    }

    func testTrailersOnly() async throws {
        let response = try await call("trailersOnly").get()
        XCTAssertEqual(response.status, .notFound)
        XCTAssertEqual(response.message, "not here")
        XCTAssertEqual(response.details, [1, 2, 3])
    }

    func testMissingStatusIsInternal() async {
        let result = await code("noStatus")
        XCTAssertEqual(result, .internal)
    }

    func testMessageSplitAcrossFrames() async throws {
        let response = try await call("split").get()
        XCTAssertEqual(response.status, .ok)
        XCTAssertEqual(response.body.map { Array($0.readableBytesView) }, [1, 2, 3, 4])
        XCTAssertEqual(response.headers["x-id-bin"], "AQI")
        XCTAssertEqual(response.headers.bytes("x-id-bin"), [1, 2])
        XCTAssertEqual(response.trailers["x-t"], "v")
    }

    func testMalformedFramingIsInternal() async {
        let short = await code("shortMessage")
        XCTAssertEqual(short, .internal)
        let compressed = await code("compressedIdentity")
        XCTAssertEqual(compressed, .internal)
    }

    func testResetsAreMapped() async {
        let refused = await code("refused")
        XCTAssertEqual(refused, .unavailable)
        let cancelled = await code("cancel")
        XCTAssertEqual(cancelled, .cancelled)
        // The connection is still good after resets.
        let fine = await code("other")
        XCTAssertEqual(fine, .unimplemented)
    }

    /// A server may end every answer with RST_STREAM(NO_ERROR) (nginx does);
    /// hundreds of them must not trip the client's rapid-reset protection.
    func testAnswersFollowedByResetsKeepTheConnection() async {
        for i in 0..<300 {
            let result = await call("answerThenReset")
            guard case .success(let response) = result, response.status == .ok else { return XCTFail("call \(i): \(result)") }
        }
        XCTAssertEqual(server.counters.withLockedValue { $0.connections }, 1)
    }

    func testGoAwayThenNewConnection() async {
        let first = await code("goAway")
        XCTAssertEqual(first, .unavailable)
        let next = await code("other")
        XCTAssertEqual(next, .unimplemented)
    }

    func testSilentServerEndsByDeadline() async {
        let start = ContinuousClock.now
        let result = await code("silent", timeout: .milliseconds(150))
        XCTAssertEqual(result, .deadlineExceeded)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(1))
        // The server is told: the stream is reset (CANCEL).
        let end = ContinuousClock.now + .seconds(2)
        while server.counters.withLockedValue({ $0.resets }) == 0 && ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(10))
        }
        XCTAssertEqual(server.counters.withLockedValue { $0.resets }, 1)
    }

    func testIdleConnectionIsClosed() async throws {
        var settings = GRPCClientSettings()
        settings.idleConnectionTimeout = .milliseconds(100)
        let idling = try GRPCClient(group: group, settings: settings)
        let loop = group.next()
        for _ in 0..<2 {
            let response = try await idling.unary(
                host: "127.0.0.1:\(server.port)", path: "/s/other", message: [], metadata: [],
                deadline: .now() + .seconds(2), on: loop).get()
            XCTAssertEqual(response.status, .unimplemented)
            try await Task.sleep(for: .milliseconds(400))
        }
        await idling.shutdown()
        XCTAssertEqual(server.counters.withLockedValue { $0.connections }, 2)
        // Without the idle timeout, calls keep sharing one connection.
        for _ in 0..<2 { _ = await code("other") }
        XCTAssertEqual(server.counters.withLockedValue { $0.connections }, 3)
    }

    func testNobodyListeningIsUnavailable() async throws {
        let port = server.port
        await server.stop()
        server = nil
        do {
            _ = try await client.unary(
                host: "127.0.0.1:\(port)", path: "/s/x", message: [], metadata: [],
                deadline: .now() + .seconds(2), on: group.next()).get()
            XCTFail("expected UNAVAILABLE")
        } catch let error as GRPCCallError {
            XCTAssertEqual(error.code, .unavailable)
        }
    }
}

@testable import GatewayCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Testing

/// The backend connection pool on one event loop, so that every exchange
/// goes over the same kept-alive connection.
@Suite struct ConnectionPoolTests {
    static func get(_ pool: HTTP1ConnectionPool, _ backend: EchoBackend, _ path: String, on loop: EventLoop,
                    within timeout: TimeAmount) async -> Result<HTTP1Response, Error> {
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path)
        head.headers.add(name: "Host", value: "127.0.0.1:\(backend.port)")
        let request = HTTP1Request(host: "127.0.0.1", port: backend.port, head: head, body: nil)
        do { return .success(try await pool.execute(request, deadline: .now() + timeout, on: loop).get()) } catch { return .failure(error) }
    }

    static func isTimeout(_ result: Result<HTTP1Response, Error>) -> Bool {
        if case .failure(let error as HTTP1ClientError) = result { return error.isTimeout }
        return false
    }

    /// The connection keeps one timer across exchanges: a deadline earlier
    /// than the timer's still strikes on time, and a timer set for an earlier
    /// exchange does not cut a later one with more time.
    @Test func eachExchangeOnAPooledConnectionKeepsItsOwnDeadline() async throws {
        try await withBackend { backend in
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let pool = HTTP1ConnectionPool(group: group, settings: HTTPClientSettings())
            let loop = group.next()

            // A short deadline, met: the timer stays set for it.
            let quick = await Self.get(pool, backend, "/gzip", on: loop, within: .milliseconds(400))
            #expect((try? quick.get())?.head.status == .ok)
            // A longer exchange outlives that timer on the same connection.
            let long = await Self.get(pool, backend, "/slow/900", on: loop, within: .seconds(10))
            #expect((try? long.get())?.head.status == .ok, "cut by the earlier exchange's timer: \(long)")

            // A long deadline, met; then a short one that the backend misses.
            let relaxed = await Self.get(pool, backend, "/gzip", on: loop, within: .seconds(30))
            #expect((try? relaxed.get())?.head.status == .ok)
            let started = ContinuousClock.now
            let missed = await Self.get(pool, backend, "/slow/5000", on: loop, within: .milliseconds(300))
            #expect(Self.isTimeout(missed), "\(missed)")
            #expect(ContinuousClock.now - started < .seconds(3), "the short deadline waited for the long one's timer")

            await pool.shutdown()
            try await group.shutdownGracefully()
        }
    }
}

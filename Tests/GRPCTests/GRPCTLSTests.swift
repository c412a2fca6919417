import Foundation
import NIOCore
import NIOPosix
import XCTest
@testable import GatewayGRPC

/// Calls over TLS (ALPN h2) to the grpcio peer's secure port.
final class GRPCTLSTests: XCTestCase {
    var group: MultiThreadedEventLoopGroup!
    var peer: PythonPeer!
    var certificate: TestCertificate!

    override func setUp() async throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        certificate = try await TestCertificate.make()
        peer = try await PythonPeer.start(certificate: certificate.certificate, key: certificate.key)
    }

    override func tearDown() async throws {
        await peer?.stop()
        certificate?.remove()
        try await group.shutdownGracefully()
    }

    func echo(_ client: GRPCClient, target: String) async throws -> GRPCUnaryResponse {
        try await client.unary(
            host: target, path: "/test.Echo/Echo", message: Array("secure".utf8), metadata: [],
            deadline: .now() + .seconds(5), on: group.next()).get()
    }

    func testAllowInsecure() async throws {
        var settings = GRPCClientSettings()
        settings.tls = GRPCClientTLS(allowInsecureConnections: true)
        let client = try GRPCClient(group: group, settings: settings)
        let response = try await echo(client, target: "127.0.0.1:\(peer.tlsPort)")
        XCTAssertEqual(response.body.map { String(buffer: $0) }, "secure")
        await client.shutdown()
    }

    func testTrustedCA() async throws {
        var settings = GRPCClientSettings()
        settings.tls = GRPCClientTLS(caFiles: [certificate.certificate])
        let client = try GRPCClient(group: group, settings: settings)
        let response = try await echo(client, target: "https://localhost:\(peer.tlsPort)")
        XCTAssertEqual(response.body.map { String(buffer: $0) }, "secure")
        await client.shutdown()
    }

    func testUntrustedCertificateIsUnavailable() async throws {
        let client = try GRPCClient(group: group)
        do {
            _ = try await echo(client, target: "https://localhost:\(peer.tlsPort)")
            XCTFail("expected a failure")
        } catch let error as GRPCCallError {
            XCTAssertEqual(error.code, .unavailable)
        }
        await client.shutdown()
    }
}

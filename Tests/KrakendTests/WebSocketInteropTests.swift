import Foundation
import Testing

/// WebSockets checked by implementations the project did not write: Python
/// `websockets` clients and backends (Tests/interop/websocket/gateway_suite.py
/// against backend.py: one multiplexed backend connection, the handshake,
/// envelopes and session data, unicast/multicast/broadcast, connect and
/// disconnect events, size limits, direct mode with binary frames,
/// subprotocols and forwarding, a backend restart), and the Autobahn
/// TestSuite cases (kosoku) against a direct endpoint with an echo backend,
/// and wss:// on both sides.
@Suite struct WebSocketInteropTests {
    static let template = InteropPeer.interopDirectory.appendingPathComponent("websocket/krakend.json.template")

    @Test func independentClientsAndBackendSeeTheDocumentedBehaviour() async throws {
        let peer = try await InteropPeer(script: "websocket/backend.py", ports: 2)
        do {
            let config = try String(contentsOf: Self.template, encoding: .utf8).replacingOccurrences(of: "{{BACKEND}}", with: "127.0.0.1:\(peer.port)")
            try await withGateway(config) { gateway in
                let result = try await InteropScript.run("websocket/gateway_suite.py", [
                    "--gateway", "ws://127.0.0.1:\(gateway.port)", "--control", "http://127.0.0.1:\(peer.morePorts[0])"])
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains(" 0 failed"), "\(result.output)")
            }
            await peer.stop()
        } catch {
            await peer.stop()
            throw error
        }
    }

    /// wss:// on both sides: clients reach the gateway's TLS port, and the
    /// gateway reaches a TLS backend it trusts through `client_tls`; a
    /// backend it does not trust is never reached, and its client is told so.
    @Test func wssFromClientsAndToBackends() async throws {
        let cert = GRPCServerInteropTests.fixtures.path + "/test-cert.pem", key = GRPCServerInteropTests.fixtures.path + "/test-key.pem"
        try await withInteropPeer("websocket/echo_server.py", arguments: ["--tls", cert, key]) { echo in
            func config(trust: Bool) -> String {
                """
                {"version": 3, "tls": {"keys": [{"public_key": "\(cert)", "private_key": "\(key)"}]}\(trust ? #", "client_tls": {"ca_certs": ["\#(cert)"]}"# : ""),
                 "endpoints": [{"endpoint": "/secure",
                   "backend": [{"host": ["wss://127.0.0.1:\(echo.port)"], "url_pattern": "/", "disable_host_sanitize": true}],
                   "extra_config": {"websocket": {"enable_direct_communication": true, "max_retries": 1, "max_message_size": 1048576}}}]}
                """
            }
            try await withGateway(config(trust: true)) { gateway in
                let result = try await InteropScript.run("websocket/echo_client.py", ["--url", "wss://127.0.0.1:\(gateway.port)/secure", "--ca", cert])
                #expect(result.status == 0, "\(result.output)")
            }
            try await withGateway(config(trust: false)) { gateway in
                let result = try await InteropScript.run("websocket/echo_client.py", [
                    "--url", "wss://127.0.0.1:\(gateway.port)/secure", "--ca", cert, "--expect-close", "1011"])
                #expect(result.status == 0, "\(result.output)")
            }
        }
    }

    @Test func autobahnCasesPassInDirectMode() async throws {
        try await withInteropPeer("websocket/echo_server.py") { echo in
            let config = """
            {"version": 3, "endpoints": [{"endpoint": "/autobahn",
              "backend": [{"host": ["ws://127.0.0.1:\(echo.port)"], "url_pattern": "/", "disable_host_sanitize": true}],
              "extra_config": {"websocket": {"enable_direct_communication": true, "max_message_size": 33554432,
                                             "read_buffer_size": 65536, "write_buffer_size": 65536, "message_buffer_size": 1024,
                                             "ping_period": "10m", "pong_wait": "11m"}}}]}
            """
            // No ping during a case: Autobahn's harness ends a case on any ping.
            try await withGateway(config) { gateway in
                // Group 9's 4-16 MB messages and group 12's thousand messages
                // of 1 KB to 128 KB cost a debug build minutes of both cores and
                // starve the tests running beside it: they are left to the full
                // run by hand (`autobahn.py --url …`, README), which passes.
                let result = try await InteropScript.run("websocket/autobahn.py", [
                    "--url", "ws://127.0.0.1:\(gateway.port)/autobahn", "--cases", "1,2,3,4,5,6,7,9,10,12.*.1,12.*.2,12.*.3",
                    "--exclude", "9.1.4,9.1.5,9.1.6,9.2.4,9.2.5,9.2.6,9.3.*,9.4.*", "--timeout", "500"],
                    timeout: .seconds(600))
                #expect(result.status == 0, "\(result.output)")
                #expect(result.output.contains(" 0 failed"), "\(result.output)")
            }
        }
    }
}

import Foundation
import GatewayCore
import Testing

/// The gRPC server checked by an independent client: Tests/interop/grpc/gateway_suite.py
/// calls the gateway with grpcio (plaintext h2c and TLS on the REST port),
/// through both reflection versions, health, gzip and bad calls, while REST
/// requests run on the same port. The backends are a grpcio flight finder and
/// an HTTP JSON service.
@Suite struct GRPCServerInteropTests {
    static let root = InteropPeer.interopDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func config(flights: InteropPeer, http: EchoBackend, tls: Bool) -> String {
        let airports = #"{"airports":{"BCN":{"iata":"BCN","name":"El Prat"}}}"#
            .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let tlsSection = tls ? #", "tls": {"keys": [{"public_key": "\#(fixtures.path)/test-cert.pem", "private_key": "\#(fixtures.path)/test-key.pem"}]}"# : ""
        return """
        {"version": 3, "timeout": "5s"\(tlsSection),
         "extra_config": {"grpc": {"catalog": ["\(root.path)/catalogs/flights/flights.pb"], "server": {"services": [
           {"name": "flight_finder.Flights", "methods": [
             {"name": "FindFlight", "input_headers": ["X-Tenant"], "payload_params": {"page.cursor": "cursor"},
              "backend": [
                {"host": ["127.0.0.1:\(flights.port)"], "url_pattern": "/flight_finder.Flights/FindFlight",
                 "extra_config": {"backend/grpc": {"use_request_body": true, "output_remove_unset_values": true}}},
                {"host": ["\(http.url)"], "method": "GET", "url_pattern": "/json?body=\(airports)&cursor={cursor}"}]},
             {"name": "BookFlight", "input_headers": ["X-Fail", "X-Message", "X-Details"],
              "backend": [{"host": ["127.0.0.1:\(flights.port)"], "url_pattern": "/flight_finder.Flights/BookFlight",
                           "extra_config": {"backend/grpc": {"use_request_body": true}}}]}]}]}}},
         "endpoints": [{"endpoint": "/rest", "backend": [{"host": ["\(http.url)"], "url_pattern": "/json?body=%7B%22rest%22%3Atrue%7D"}]}]}
        """
    }

    @Test(arguments: [false, true])
    func grpcioSeesTheServiceOnTheRESTPort(tls: Bool) async throws {
        try await withInteropPeer("grpc/flights_server.py") { flights in
            try await withBackend { http in
                try await withGateway(Self.config(flights: flights, http: http, tls: tls)) { gateway in
                    var arguments = ["--target", "localhost:\(gateway.port)",
                                     "--rest", "\(tls ? "https" : "http")://localhost:\(gateway.port)"]
                    if tls { arguments += ["--ca", Self.fixtures.path + "/test-cert.pem"] }
                    let result = try await InteropScript.run("grpc/gateway_suite.py", arguments)
                    #expect(result.status == 0, "\(result.output)")
                    #expect(result.output.contains("0 failed"), "\(result.output)")
                }
            }
        }
    }
}

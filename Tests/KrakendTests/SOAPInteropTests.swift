import Foundation
import GatewayCore
import Testing

/// The manual's CountryInfo example against spyne (Tests/interop/soap), a
/// SOAP service the project did not write: the body it received, and the
/// JSON and XML the user gets.
@Suite struct SOAPInteropTests {
    static let examples = InteropPeer.interopDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/soap")

    /// The gateway on examples/soap/krakend.json (templates by absolute path),
    /// in front of the spyne service.
    static func withExample(_ body: (InteropPeer, GatewayHarness) async throws -> Void) async throws {
        try await withInteropPeer("soap/server.py") { server in
            var config = try String(contentsOf: examples.appendingPathComponent("krakend.json"), encoding: .utf8)
            config = config.replacingOccurrences(of: "http://127.0.0.1:4100", with: server.url)
                .replacingOccurrences(of: "examples/soap/", with: examples.path + "/")
            try await withGateway(config) { gateway in try await body(server, gateway) }
        }
    }

    @Test func countryFlagAsTheManualShowsIt() async throws {
        try await Self.withExample { server, gateway in
            let response = try await TestHTTP.request(gateway.url + "/country/ES")
            #expect(response.status == 200)
            #expect(response.body == #"{"flag_url":"http://www.oorsprong.org/WebSamples.CountryInfo/Flags/ES.jpg"}"#)
            let received = try #require(try await TestHTTP.request(server.url + "/__requests").json?.arrayValue?.last)
            #expect(received["method"]?.stringValue == "POST")
            #expect(received["path"]?.stringValue == "/websamples.countryinfo/CountryInfoService.wso")
            #expect(received["content_type"]?.stringValue == "text/xml")
            let template = try String(contentsOf: Self.examples.appendingPathComponent("soap_flag_request.xml"), encoding: .utf8)
            #expect(received["body"]?.stringValue == template.replacingOccurrences(of: "{{ .req_params.Country }}", with: "ES"))
        }
    }

    @Test func xmlOutputAndFaults() async throws {
        try await Self.withExample { _, gateway in
            let name = try await TestHTTP.request(gateway.url + "/country/NL/name")
            #expect(name.status == 200)
            #expect(name.headers.first(name: "Content-Type")?.hasPrefix("application/xml") == true)
            #expect(name.body.contains("<CountryNameResult>Netherlands</CountryNameResult>"), "\(name.body)")

            let fault = try await TestHTTP.request(gateway.url + "/country/XX/name")
            #expect(fault.status == 200)
            #expect(fault.headers.first(name: "X-Krakend-Completed") == "false")
            #expect(fault.body.contains("<faultstring>Country not found in the database</faultstring>"), "\(fault.body)")
            #expect(fault.body.contains("<http_status_code>500</http_status_code>"), "\(fault.body)")
        }
    }
}

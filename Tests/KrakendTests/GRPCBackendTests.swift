import Foundation
import GatewayCore
import Testing

/// The manual's gRPC client examples against a grpcio flight finder
/// (Tests/interop/grpc/flights_server.py), a gRPC server the project did not
/// write: what the service received, and the REST answer the user gets.
@Suite struct GRPCBackendTests {
    static let catalog = InteropPeer.interopDirectory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("catalogs/flights/flights.pb").path

    static func withFlights(_ endpoints: [String], _ body: (GatewayHarness) async throws -> Void) async throws {
        try await withInteropPeer("grpc/flights_server.py") { server in
            let config = """
            {"version": 3, "extra_config": {"grpc": {"catalog": ["\(catalog)"]}},
             "host": ["127.0.0.1:\(server.port)"], "endpoints": [\(endpoints.joined(separator: ","))]}
            """
            try await withGateway(config) { gateway in try await body(gateway) }
        }
    }

    /// What FindFlight received (the server puts it in `next_cursor`).
    static func received(_ response: TestHTTP.Response) throws -> Value {
        let cursor = try #require(response.json?["next_cursor"]?.stringValue, "no next_cursor in \(response.status) \(response.body)")
        return try Value(json: cursor)
    }

    @Test func paramsQueryStringsAndInputMappingFillTheRequest() async throws {
        try await Self.withFlights(["""
            {"endpoint": "/flights/{date}", "input_query_strings": ["*"], "input_headers": ["X-Tenant"],
             "backend": [{"url_pattern": "/flight_finder.Flights/FindFlight",
               "extra_config": {"backend/grpc": {
                 "input_mapping": {"lat": "where.latitude", "lon": "where.longitude", "Date": "when.departure"},
                 "header_mapping": {"X-Tenant": "customerid"}}}}]}
            """]) { gateway in
            let response = try await TestHTTP.request(gateway.url + "/flights/2023-07-09?lat=123&lon=456&cabins=BUSINESS&cabins=2&page.size=10",
                                                      headers: [("X-Tenant", "acme")])
            #expect(response.status == 200)
            let seen = try Self.received(response)
            #expect(seen["request"] == (try Value(json: """
                {"where": {"latitude": 123.0, "longitude": 456.0}, "when": {"departure": "2023-07-09"},
                 "cabins": ["BUSINESS", "PREMIUM_ECONOMY"], "page": {"size": 10}}
                """)))
            #expect(seen["metadata"]?["customerid"]?.stringValue == "acme")
        }
    }

    @Test func theAnswerIsDecodedWithZeroValuesAndTheOutputFlags() async throws {
        try await Self.withFlights(["""
            {"endpoint": "/plain", "backend": [{"url_pattern": "/flight_finder.Flights/FindFlight", "deny": ["next_cursor"],
               "extra_config": {"backend/grpc": {}}}]}
            """, """
            {"endpoint": "/flags", "backend": [{"url_pattern": "/flight_finder.Flights/FindFlight", "deny": ["next_cursor"],
               "extra_config": {"backend/grpc": {"output_enum_as_string": true, "output_timestamp_as_string": true,
                                "output_duration_as_string": true, "output_remove_unset_values": true}}}]}
            """]) { gateway in
            let plain = try await TestHTTP.request(gateway.url + "/plain")
            #expect(plain.status == 200)
            let flight = try #require(plain.json?["flights"]?.arrayValue?.first)
            #expect(flight["cabin"] == Value(3))
            #expect(flight["price"] == .null)  // unset message field
            #expect(flight["amenities"] == .array([]))
            #expect(plain.json?["searched_at"]?["seconds"] == Value(1688896800))
            #expect(plain.json?["total_results"] == Value(2))

            let flags = try await TestHTTP.request(gateway.url + "/flags")
            let flagged = try #require(flags.json?["flights"]?.arrayValue?.first)
            #expect(flagged["cabin"]?.stringValue == "BUSINESS")
            #expect(flagged["total_duration"]?.stringValue == "7200s")
            #expect(flagged["amenities"] == nil)
            #expect(flags.json?["searched_at"]?.stringValue == "2023-07-09T10:00:00Z")
        }
    }

    @Test func aValueThatDoesNotFitIsA400NamingTheField() async throws {
        try await Self.withFlights(["""
            {"endpoint": "/f", "input_query_strings": ["*"], "extra_config": {},
             "backend": [{"url_pattern": "/flight_finder.Flights/FindFlight", "extra_config": {"backend/grpc": {}}}]}
            """]) { gateway in
            let response = try await TestHTTP.request(gateway.url + "/f?passengers=many")
            #expect(response.status == 400)
        }
    }

    @Test(arguments: [("NOT_FOUND", 404), ("PERMISSION_DENIED", 403), ("UNAVAILABLE", 503), ("INVALID_ARGUMENT", 400)])
    func aStatusBecomesItsHTTPStatus(name: String, http: Int) async throws {
        try await Self.withFlights(["""
            {"endpoint": "/book", "input_headers": ["X-Fail", "X-Message"],
             "backend": [{"url_pattern": "/flight_finder.Flights/BookFlight",
               "extra_config": {"backend/grpc": {}, "backend/http": {"return_error_code": true}}}]}
            """, """
            {"endpoint": "/book-details", "input_headers": ["X-Fail", "X-Message"],
             "backend": [{"url_pattern": "/flight_finder.Flights/BookFlight",
               "extra_config": {"backend/grpc": {}, "backend/http": {"return_error_details": "booking"}}}]}
            """]) { gateway in
            let headers = [("X-Fail", name), ("X-Message", "no seat for you")]
            let code = try await TestHTTP.request(gateway.url + "/book", headers: headers)
            #expect(code.status == http)
            let detailed = try await TestHTTP.request(gateway.url + "/book-details", headers: headers)
            let details = try #require(detailed.json?["error_booking"])
            #expect(details["http_status_code"] == Value(http))
            #expect(details["grpc_status_name"]?.stringValue == name)
            #expect(details["grpc_message"]?.stringValue == "no seat for you")
        }
    }

    @Test func statusDetailsAreDecodedWithTheCatalog() async throws {
        try await Self.withFlights([#"""
            {"endpoint": "/book", "input_headers": ["X-Fail", "X-Message", "X-Details"],
             "backend": [{"url_pattern": "/flight_finder.Flights/BookFlight",
               "extra_config": {"backend/grpc": {}, "backend/http": {"return_error_details": "booking"}}}]}
            """#]) { gateway in
            let response = try await TestHTTP.request(gateway.url + "/book",
                headers: [("X-Fail", "FAILED_PRECONDITION"), ("X-Message", "sold out"), ("X-Details", "1")])
            let status = try #require(response.json?["error_booking"]?["grpc_status_details"], "\(response.body)")
            #expect(status["code"] == Value(9))
            #expect(status["message"]?.stringValue == "sold out")
            let detail = try #require(status["details"]?.arrayValue?.first)
            #expect(detail["@type"]?.stringValue == "type.googleapis.com/flight_finder.Money")
            #expect(detail["currency"]?.stringValue == "EUR")
            #expect(detail["units"] == Value(42))
        }
    }

    @Test func aMalformedAnswerIsAServerErrorAndTheGatewayGoesOn() async throws {
        try await Self.withFlights([#"""
            {"endpoint": "/book", "input_headers": ["X-Garbage"], "backend": [{"url_pattern": "/flight_finder.Flights/BookFlight",
               "extra_config": {"backend/grpc": {}}}]}
            """#]) { gateway in
            let broken = try await TestHTTP.request(gateway.url + "/book", headers: [("X-Garbage", "1")])
            #expect(broken.status == 500)
            let fine = try await TestHTTP.request(gateway.url + "/book")
            #expect(fine.status == 200)
        }
    }

    @Test func anUnknownMethodIsAConfigurationError() async throws {
        let config = """
        {"version": 3, "extra_config": {"grpc": {"catalog": ["\(Self.catalog)"]}},
         "endpoints": [{"endpoint": "/x", "backend": [{"host": ["127.0.0.1:1"], "url_pattern": "/flight_finder.Flights/Nope",
           "extra_config": {"backend/grpc": {}}}]}]}
        """
        let error = await #expect(throws: ConfigError.self) { try await withGateway(config) { _ in } }
        #expect(error?.problems.first?.path == "endpoints[0].backend[0].url_pattern")
    }

    @Test(arguments: [true, false])
    func anAlternateHostTakesOverWhenOneIsDown(alternate: Bool) async throws {
        try await withClosedLoopbackPort { closed in
            try await withInteropPeer("grpc/flights_server.py") { server in
                let config = """
                {"version": 3, "extra_config": {"grpc": {"catalog": ["\(Self.catalog)"]}},
                 "endpoints": [{"endpoint": "/x", "backend": [{"host": ["127.0.0.1:\(closed)", "127.0.0.1:\(server.port)"],
                   "url_pattern": "/flight_finder.Flights/FindFlight",
                   "extra_config": {"backend/grpc": {"use_alternate_host_on_error": \(alternate)}}}]}]}
                """
                try await withGateway(config) { gateway in
                    var statuses: [Int] = []
                    for _ in 0..<4 { statuses.append(try await TestHTTP.request(gateway.url + "/x").status) }
                    // Round robin sends every other call to the closed port.
                    #expect(statuses.filter { $0 == 200 }.count == (alternate ? 4 : 2), "\(statuses)")
                }
            }
        }
    }

    @Test func anUnreachableServiceIs503() async throws {
        try await withClosedLoopbackPort { port in
            let config = """
            {"version": 3, "extra_config": {"grpc": {"catalog": ["\(Self.catalog)"]}},
             "endpoints": [{"endpoint": "/x", "backend": [{"host": ["127.0.0.1:\(port)"], "url_pattern": "/flight_finder.Flights/FindFlight",
               "extra_config": {"backend/grpc": {}, "backend/http": {"return_error_code": true}}}]}]}
            """
            try await withGateway(config) { gateway in
                let response = try await TestHTTP.request(gateway.url + "/x")
                #expect(response.status == 503)
            }
        }
    }
}

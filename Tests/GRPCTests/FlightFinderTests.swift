import GatewayCore
@testable import GatewayGRPC
import XCTest

/// The manual's flight finder: a response rendered with KrakenD's
/// `backend/grpc` output flags, and a request filled from URL params and
/// query strings (all strings) as `input_mapping` produces it.
final class FlightFinderTests: XCTestCase {
    var catalog: GRPCCatalog { Fixtures.flightsCatalog }

    func testResponseWithDefaultFlags() throws {
        let method = try XCTUnwrap(catalog.method(path: "/flight_finder.Flights/FindFlight"))
        let decoded = try MessageDecoder(catalog: catalog).decode(try Fixtures.golden("flights_response"), as: method.output)
        let first = try XCTUnwrap(decoded["flights"]?.arrayValue?.first)
        XCTAssertEqual(first["cabin"], .number("3"))
        XCTAssertEqual(first["fare_code"], .string("YFLEX"))
        XCTAssertNil(first["discount"], "the other oneof member is left out")
        XCTAssertEqual(first["segments"]?.arrayValue?.first?["departure_time"], json(#"{"seconds":1688896800,"nanos":0}"#))
        XCTAssertEqual(first["baggage_allowance"], json(#"{"cabin":1}"#))
        XCTAssertEqual(first["price"], json(#"{"currency":"EUR","units":129,"nanos":990000000}"#))
        let second = try XCTUnwrap(decoded["flights"]?.arrayValue?.last)
        XCTAssertEqual(second["segments"], .array([]))
        XCTAssertEqual(second["total_duration"], .null)
        XCTAssertEqual(second["amenities"], .array([]))
        XCTAssertEqual(second["seats_left"], .number("0"))
        XCTAssertEqual(decoded["total_results"], .number("18446744073709551615"))
    }

    func testResponseWithEveryOutputFlag() throws {
        let config = json("""
        {"output_enum_as_string":true,"output_timestamp_as_string":true,"output_duration_as_string":true,
         "output_remove_unset_values":true,"response_naming_convention":"camelCase"}
        """)
        let decoder = MessageDecoder(catalog: catalog, options: DecodingOptions(backendConfig: config))
        let decoded = try decoder.decode(try Fixtures.golden("flights_response"), as: try message("flight_finder.FlightFinderResponse", in: catalog))
        let expected = json("""
        {"flights":[
          {"id":"FL-1","segments":[{"flightNumber":"KK101","carrier":"KrakenAir",
             "origin":{"iata":"BCN","name":"Josep Tarradellas Barcelona-El Prat","city":"Barcelona","location":{"latitude":41.2974,"longitude":2.0833}},
             "destination":{"iata":"MAD","name":"Adolfo Suárez Madrid-Barajas","city":"Madrid","location":{"latitude":40.4983,"longitude":-3.5676}},
             "departureTime":"2023-07-09T10:00:00Z","arrivalTime":"2023-07-09T11:25:00.5Z","duration":"5100.5s"}],
           "cabin":"BUSINESS","price":{"currency":"EUR","units":129,"nanos":990000000},"seatsLeft":4,
           "amenities":["wifi","meal"],"totalDuration":"5100s","baggageAllowance":{"cabin":1},"fareCode":"YFLEX"},
          {"id":"FL-2","cabin":"ECONOMY","price":{"currency":"EUR","units":49},"discount":{"currency":"EUR","units":10}}],
         "airports":{"BCN":{"iata":"BCN","city":"Barcelona"}},"nextCursor":"c2","totalResults":18446744073709551615,
         "searchedAt":"2023-07-09T10:30:00.000001Z"}
        """)
        XCTAssertEqual(decoded, expected, decoded.jsonString)
        // What a gRPC-to-gRPC path does: the rendered value goes back to the same bytes.
        var encoding = EncodingOptions()
        encoding.namingConvention = .camelCase
        let encoded = try MessageEncoder(catalog: catalog, options: encoding)
            .encode(decoded, as: try message("flight_finder.FlightFinderResponse", in: catalog))
        XCTAssertEqual(hex(encoded), hex(try Fixtures.golden("flights_response")))
    }

    func testRequestFromParamsAndQueryStrings() throws {
        // `/flights/{date}?lat=41.29&lon=2.08&cabin=BUSINESS&cabin=FIRST&passengers=2&max_stops=0`
        // after input_mapping {"lat":"where.latitude","lon":"where.longitude","Date":"when.departure"}.
        let request = json("""
        {"where":{"latitude":"41.29","longitude":"2.08"},"when":{"departure":"2023-07-09","flexible":"true"},
         "cabins":["BUSINESS","FIRST"],"passengers":"2","max_stops":"0","page":{"cursor":"abc","size":"20"},
         "preferences":{"seat":"window"},"ignored_param":"x"}
        """)
        let method = try XCTUnwrap(catalog.method(path: "/flight_finder.Flights/FindFlight"))
        let encoded = try MessageEncoder(catalog: catalog).encode(request, as: method.input)
        var options = DecodingOptions()
        options.removeUnsetValues = true
        options.enumAsString = true
        let decoded = try MessageDecoder(catalog: catalog, options: options).decode(encoded, as: method.input)
        XCTAssertEqual(decoded, json("""
        {"where":{"latitude":41.29,"longitude":2.08},"when":{"departure":"2023-07-09","flexible":true},
         "cabins":["BUSINESS","FIRST"],"passengers":2,"max_stops":0,"page":{"cursor":"abc","size":20},
         "preferences":{"seat":"window"}}
        """))
        XCTAssertThrowsError(try MessageEncoder(catalog: catalog).encode(json(#"{"where":{"latitude":"north"}}"#), as: method.input)) { error in
            XCTAssertEqual(String(describing: error), #"protobuf: field where.latitude: cannot convert "north" to double"#)
        }
        XCTAssertThrowsError(try MessageEncoder(catalog: catalog).encode(json(#"{"cabins":["BUSINESS","LUXURY"]}"#), as: method.input)) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "cabins[1]")
        }
    }
}

import GatewayCore
@testable import GatewayGRPC
import XCTest

/// Timestamp, Duration, wrappers, Struct/Value/ListValue, Empty, FieldMask
/// and Any, in KrakenD's default form, with its output flags, and in the
/// forms accepted on input.
final class WellKnownTypeTests: XCTestCase {
    let structJSON = #"{"name":"flight","seats":3,"direct":true,"gate":null,"tags":["a",1.5],"crew":{"pilot":"Ann"}}"#

    var defaultForm: Value {
        json("""
        {"ts":{"seconds":1688898600,"nanos":500000000},"dur":{"seconds":90,"nanos":250000000},
         "w_double":2.5,"w_float":0.5,"w_int64":-9007199254740993,"w_uint64":18446744073709551615,
         "w_int32":0,"w_uint32":7,"w_bool":true,"w_string":"wrapped","w_bytes":"AQID",
         "st":\(structJSON),"val":-0.5,"list":[false,null],"empty":{},
         "mask":{"paths":["departure_time","where.latitude"]},
         "any":{"type_url":"type.googleapis.com/codec.test.Nested","value":"CgZwYWNrZWQgBQ=="},
         "ts_list":[{"seconds":0,"nanos":0},{"seconds":-1,"nanos":999999999}]}
        """)
    }

    func testDefaultFormsAsTheManualDocuments() throws {
        // Struct entries are a map: protoc wrote them in text order, the
        // encoder sorts them, so compare decoded values rather than bytes.
        try assertRoundTrip(try Fixtures.golden("wellknown"), as: "codec.test.WellKnown", equals: defaultForm, exact: false)
    }

    func testTimestampAndDurationAsStrings() throws {
        let options = DecodingOptions(backendConfig: json(
            #"{"output_timestamp_as_string":true,"output_duration_as_string":true}"#))
        let decoded = try decode(try Fixtures.golden("wellknown"), as: "codec.test.WellKnown", options: options)
        XCTAssertEqual(decoded["ts"], .string("2023-07-09T10:30:00.5Z"))
        XCTAssertEqual(decoded["dur"], .string("90.25s"))
        XCTAssertEqual(decoded["ts_list"], json(#"["1970-01-01T00:00:00Z","1969-12-31T23:59:59.999999999Z"]"#))
        // The string forms are accepted back, and give the same bytes.
        let again = try decode(try encode(decoded, as: "codec.test.WellKnown"), as: "codec.test.WellKnown")
        XCTAssertEqual(again, defaultForm)
    }

    func testTimestampAndDurationStringInputs() throws {
        let expected = "0a0c08a898aaa5061080cab5ee01" + "1207085a1080e59a77"
        for input in [
            #"{"ts":"2023-07-09T10:30:00.5Z","dur":"90.25s"}"#,
            #"{"ts":"2023-07-09T12:30:00.500+02:00","dur":"1m30.25s"}"#,
            #"{"ts":"2023-07-09t10:30:00.500000000z","dur":"1m30s250ms"}"#,
            #"{"ts":{"seconds":"1688898600","nanos":500000000},"dur":{"seconds":90,"nanos":"250000000"}}"#,
        ] {
            XCTAssertEqual(hex(try encode(json(input), as: "codec.test.WellKnown")), expected, input)
        }
        XCTAssertEqual(hex(try encode(json(#"{"dur":"-1.5s"}"#), as: "codec.test.WellKnown")),
                       "1216" + "08ffffffffffffffffff01" + "1080b6ca91feffffffff01")
        for (input, path) in [(#"{"ts":"2023-07-09"}"#, "ts"), (#"{"dur":"soon"}"#, "dur"),
                              (#"{"ts_list":["2023-02-30T00:00:00Z"]}"#, "ts_list[0]")] {
            XCTAssertThrowsError(try encode(json(input), as: "codec.test.WellKnown"), input) { error in
                XCTAssertEqual((error as? ProtobufEncodeError)?.path, path)
            }
        }
    }

    func testWrappersAreBareValues() throws {
        XCTAssertEqual(hex(try encode(json(#"{"w_int64":"-5","w_bool":"true","w_string":"","w_int32":0}"#), as: "codec.test.WellKnown")),
                       "2a0b08fbffffffffffffffff01" + "3a00" + "4a020801" + "5200")
        // The object form works too; null leaves the wrapper unset.
        XCTAssertEqual(try encode(json(#"{"w_uint32":{"value":7},"w_double":null}"#), as: "codec.test.WellKnown"),
                       bytes(hex: "42020807"))
        var options = DecodingOptions()
        options.removeUnsetValues = true
        XCTAssertEqual(try decode(bytes(hex: "3a00 5200"), as: "codec.test.WellKnown", options: options),
                       json(#"{"w_int32":0,"w_string":""}"#), "a present wrapper holding zero is zero, not null")
        XCTAssertEqual(try decode([], as: "codec.test.WellKnown")["w_int32"], .null)
    }

    func testStructValueAndListValueAreJSON() throws {
        let input = json(#"{"st":\#(structJSON),"val":{"deep":[1,{"x":null}]},"list":["s",2,true,null,[],{}]}"#)
        var options = DecodingOptions()
        options.removeUnsetValues = true
        let roundTrip = try decode(try encode(input, as: "codec.test.WellKnown"), as: "codec.test.WellKnown", options: options)
        XCTAssertEqual(roundTrip, input)
        // JSON null in a Value field is NullValue, not "unset".
        XCTAssertEqual(hex(try encode(json(#"{"val":null}"#), as: "codec.test.WellKnown")), "6a020800")
        XCTAssertEqual(try decode(bytes(hex: "6a020800"), as: "codec.test.WellKnown", options: options), json(#"{"val":null}"#))
        XCTAssertThrowsError(try encode(json(#"{"st":[1]}"#), as: "codec.test.WellKnown")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "st")
        }
    }

    func testAnyAsProtoJSONWhenTheTypeIsInTheCatalog() throws {
        var options = DecodingOptions()
        options.wellKnownTypesAsProtoJSON = true
        options.removeUnsetValues = true
        let decoded = try decode(try Fixtures.golden("wellknown"), as: "codec.test.WellKnown", options: options)
        XCTAssertEqual(decoded["any"], json(#"{"@type":"type.googleapis.com/codec.test.Nested","name":"packed","level":5}"#))
        XCTAssertEqual(decoded["mask"], .string("departureTime,where.latitude"))
        // Both accepted back, to the same bytes as protoc's.
        let encoded = try encode(.object(["any": decoded["any"]!, "mask": decoded["mask"]!]), as: "codec.test.WellKnown")
        let golden = try decode(try Fixtures.golden("wellknown"), as: "codec.test.WellKnown")
        let expected = try encode(.object(["any": golden["any"]!, "mask": golden["mask"]!]), as: "codec.test.WellKnown")
        XCTAssertEqual(hex(encoded), hex(expected))

        // Well-known types inside an Any nest under "value".
        var strings = options
        strings.durationAsString = true
        let wrapped = json(#"{"any":{"@type":"type.googleapis.com/google.protobuf.Duration","value":"1.5s"}}"#)
        XCTAssertEqual(try decode(try encode(wrapped, as: "codec.test.WellKnown"), as: "codec.test.WellKnown", options: strings), wrapped)

        // A type the catalog lacks: the plain structure, and an error on input.
        let foreign = json(#"{"any":{"type_url":"type.googleapis.com/other.Thing","value":"CgE="}}"#)
        XCTAssertEqual(try decode(try encode(foreign, as: "codec.test.WellKnown"), as: "codec.test.WellKnown", options: options), foreign)
        XCTAssertThrowsError(try encode(json(#"{"any":{"@type":"x/other.Thing"}}"#), as: "codec.test.WellKnown")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "any.@type")
        }
    }

    func testFieldMaskInputForms() throws {
        let expected = try encode(json(#"{"mask":{"paths":["departure_time","where.latitude"]}}"#), as: "codec.test.WellKnown")
        XCTAssertEqual(try encode(json(#"{"mask":"departureTime,where.latitude"}"#), as: "codec.test.WellKnown"), expected)
        XCTAssertEqual(try encode(json(#"{"mask":["departure_time","where.latitude"]}"#), as: "codec.test.WellKnown"), expected)
    }

    func testEmpty() throws {
        XCTAssertEqual(hex(try encode(json(#"{"empty":{}}"#), as: "codec.test.WellKnown")), "7a00")
        XCTAssertEqual(try decode(bytes(hex: "7a00"), as: "codec.test.WellKnown")["empty"], .object([:]))
        XCTAssertEqual(try decode([], as: "codec.test.WellKnown")["empty"], .null)
    }

    func testTimestampsOutsideTheRFC3339RangeStayObjects() throws {
        var options = DecodingOptions()
        options.timestampAsString = true
        // seconds = 253402300800 (year 10000)
        let decoded = try decode(bytes(hex: "0a07 088083d1ffaf07"), as: "codec.test.WellKnown", options: options)
        XCTAssertEqual(decoded["ts"], json(#"{"seconds":253402300800,"nanos":0}"#))
    }

    func testOptionsFromTheBackendConfig() {
        let options = DecodingOptions(backendConfig: json("""
        {"response_naming_convention":"camelCase","output_enum_as_string":true,"output_timestamp_as_string":true,
         "output_duration_as_string":true,"output_remove_unset_values":true,"request_naming_convention":"camelCase"}
        """))
        XCTAssertEqual(options.namingConvention, .camelCase)
        XCTAssertTrue(options.enumAsString && options.timestampAsString && options.durationAsString && options.removeUnsetValues)
        XCTAssertEqual(DecodingOptions(backendConfig: json("{}")), DecodingOptions())
        XCTAssertEqual(EncodingOptions(backendConfig: json(#"{"request_naming_convention":"camelCase"}"#)).namingConvention, .camelCase)
        XCTAssertEqual(EncodingOptions(backendConfig: json("{}")).namingConvention, .snakeCase)
    }
}

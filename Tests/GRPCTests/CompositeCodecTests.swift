import GatewayCore
@testable import GatewayGRPC
import XCTest

/// Nested messages, repeated fields (packed and not), maps, oneofs and
/// proto3 `optional`, against protoc's and python protobuf's bytes.
final class CompositeCodecTests: XCTestCase {
    let removeUnset: DecodingOptions = {
        var options = DecodingOptions()
        options.removeUnsetValues = true
        return options
    }()

    func testRepeatedFieldsOfEveryTypeArePackedLikeProtoc() throws {
        let expected = json("""
        {"r_int32":[1,-2,300],"r_int64":[-9223372036854775808,9223372036854775807],"r_uint32":[0,4294967295],
         "r_uint64":[18446744073709551615],"r_sint32":[-1,1,-64],"r_sint64":[-9223372036854775808],
         "r_fixed32":[1,2],"r_fixed64":[3],"r_sfixed32":[-5],"r_sfixed64":[-6],"r_float":[0.25,-2],
         "r_double":[1e-7,123456789.125],"r_bool":[true,false,true],"r_string":["a","","c"],
         "r_bytes":["AQI=",""],"r_enum":[1,3,9],
         "r_nested":[{"name":"first","level":1,"child":null,"children":[]},
                     {"name":"second","level":0,"child":{"name":"inner","level":0,"child":null,"children":[]},"children":[]}],
         "unpacked_int32":[7,8,9]}
        """)
        try assertRoundTrip(try Fixtures.golden("repeated"), as: "codec.test.Repeateds", equals: expected)
        XCTAssertTrue(hex(try Fixtures.golden("repeated")).contains("900107900108900109"), "[packed = false] stays unpacked")
    }

    func testPackedAndUnpackedAreBothAcceptedOnDecode() throws {
        var decoded = try decode(try Fixtures.golden("repeated_packed_mix"), as: "codec.test.Repeateds", options: removeUnset)
        XCTAssertEqual(decoded, json(#"{"r_int32":[1,2],"unpacked_int32":[3,4]}"#))
        // r_int32 unpacked then packed, unpacked_int32 packed, r_enum unpacked.
        let mixed = bytes(hex: "0801 0802 0a020304 9201020506 8001 02")
        decoded = try decode(mixed, as: "codec.test.Repeateds", options: removeUnset)
        XCTAssertEqual(decoded, json(#"{"r_int32":[1,2,3,4],"unpacked_int32":[5,6],"r_enum":[2]}"#))
        // Written back canonically: proto3 packs, `[packed = false]` does not.
        XCTAssertEqual(hex(try encode(decoded, as: "codec.test.Repeateds")), "0a0401020304" + "82010102" + "900105900106")
    }

    func testASingleValueFillsARepeatedField() throws {
        // `?r_int32=5&r_enum=RED` gives single strings, not lists.
        let encoded = try encode(json(#"{"r_int32":"5","r_enum":"RED","r_string":"x"}"#), as: "codec.test.Repeateds")
        XCTAssertEqual(try decode(encoded, as: "codec.test.Repeateds", options: removeUnset),
                       json(#"{"r_int32":[5],"r_enum":[1],"r_string":["x"]}"#))
        XCTAssertThrowsError(try encode(json(#"{"r_int32":[1,"x"]}"#), as: "codec.test.Repeateds")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "r_int32[1]")
        }
        XCTAssertThrowsError(try encode(json(#"{"r_string":["a",null]}"#), as: "codec.test.Repeateds")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "r_string[1]")
        }
        XCTAssertThrowsError(try encode(json(#"{"r_nested":[{},{"level":"high"}]}"#), as: "codec.test.Repeateds")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "r_nested[1].level")
        }
    }

    func testNestedMessages() throws {
        let leaf = #""child":null,"children":[]"#
        let expected = json("""
        {"name":"root","level":0,"children":[],"child":{"name":"a","level":1,"children":[],
          "child":{"name":"b","level":2,"child":null,"children":[
            {"name":"c1","level":0,\(leaf)},{"name":"c2","level":-3,\(leaf)}]}}}
        """)
        try assertRoundTrip(try Fixtures.golden("nested_deep"), as: "codec.test.Nested", equals: expected)
        XCTAssertEqual(try decode(try Fixtures.golden("nested_deep"), as: "codec.test.Nested", options: removeUnset),
                       json(#"{"name":"root","child":{"name":"a","level":1,"child":{"name":"b","level":2,"children":[{"name":"c1"},{"name":"c2","level":-3}]}}}"#))
    }

    func testAMessageFieldSentTwiceIsMerged() throws {
        let merged = try decode(try Fixtures.golden("merge_twice"), as: "codec.test.Nested")
        XCTAssertEqual(merged, try decode(try Fixtures.golden("merge_expected"), as: "codec.test.Nested"))
        XCTAssertEqual(try encode(merged, as: "codec.test.Nested"), try Fixtures.golden("merge_expected"))
    }

    func testMapsOfEveryKeyKind() throws {
        let empty = #""child":null,"children":[],"level":0"#
        let expected = json("""
        {"str_int":{"answer":42},"int_str":{"-1":"minus one"},"long_nested":{"9007199254740993":{"name":"big",\(empty)}},
         "bool_enum":{"true":2},"uint_bytes":{"7":"/w=="},"sint_double":{"-5":2.5},"fixed_bool":{"3":false},
         "str_nested":{"empty":{"name":"",\(empty)}}}
        """)
        try assertRoundTrip(try Fixtures.golden("maps_single"), as: "codec.test.Maps", equals: expected)
    }

    func testMapsWithSeveralEntries() throws {
        let expected = json("""
        {"str_int":{"":0,"a":1,"b":2,"c":3},"int_str":{"-3":"v-3","2":"v2","10":"v10"},
         "bool_enum":{"false":1,"true":3},"str_nested":{"x":{"name":"X"},"y":{"level":2}}}
        """)
        try assertRoundTrip(try Fixtures.golden("maps_multi"), as: "codec.test.Maps", equals: expected, exact: false, options: removeUnset)
    }

    func testMapEntriesAreWrittenInKeyOrder() throws {
        let encoded = try encode(json(#"{"int_str":{"10":"a","-3":"b","2":"c"},"bool_enum":{"true":"RED","false":"BLUE"}}"#), as: "codec.test.Maps")
        // -3, 2, 10 numerically; false before true.
        XCTAssertEqual(hex(encoded), "120e08fdffffffffffffffff01120162" + "12050802120163" + "1205080a120161"
                       + "2204080010032204080110" + "01")
        XCTAssertThrowsError(try encode(json(#"{"int_str":{"ten":"a"}}"#), as: "codec.test.Maps")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "int_str[ten]")
        }
        XCTAssertThrowsError(try encode(json(#"{"str_int":{"k":"v"}}"#), as: "codec.test.Maps")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "str_int[k]")
        }
    }

    func testMapEntryWithoutKeyOrValueGetsZeroValues() throws {
        // str_int entry with only a value; str_nested entry with only a key.
        let decoded = try decode(bytes(hex: "0a021007 4203 0a0178"), as: "codec.test.Maps", options: removeUnset)
        XCTAssertEqual(decoded, json(#"{"str_int":{"":7},"str_nested":{"x":{}}}"#))
    }

    func testOneofs() throws {
        try assertRoundTrip(try Fixtures.golden("choice_text"), as: "codec.test.Choice", equals: json(#"{"text":"picked","other":"x"}"#))
        try assertRoundTrip(try Fixtures.golden("choice_nested"), as: "codec.test.Choice",
                            equals: json(#"{"nested":{"name":"n","level":2,"child":null,"children":[]},"other":""}"#))
        // A oneof member set to its zero value is still set, and written.
        try assertRoundTrip(try Fixtures.golden("choice_zero"), as: "codec.test.Choice", equals: json(#"{"number":0,"other":""}"#))
        XCTAssertEqual(try encode(json(#"{"color":"COLOR_UNSPECIFIED"}"#), as: "codec.test.Choice"), [0x20, 0x00])
    }

    func testTheLastOneofMemberOnTheWireWins() throws {
        let decoded = try decode(bytes(hex: "0a0178 1005 0a0179 1006"), as: "codec.test.Choice", options: removeUnset)
        XCTAssertEqual(decoded, json(#"{"number":6}"#))
    }

    func testTwoOneofMembersInTheInputAreAnError() {
        XCTAssertThrowsError(try encode(json(#"{"text":"a","number":1}"#), as: "codec.test.Choice")) { error in
            XCTAssertEqual((error as? ProtobufEncodeError)?.path, "number")
            XCTAssertTrue(String(describing: error).contains("oneof pick already set by text"))
        }
        XCTAssertNoThrow(try encode(json(#"{"text":"a","number":null}"#), as: "codec.test.Choice"))
    }

    func testProto3OptionalKeepsPresence() throws {
        let golden = try Fixtures.golden("optionals_set_zero")
        XCTAssertEqual(hex(golden), "08001200 1800".replacingOccurrences(of: " ", with: ""))
        try assertRoundTrip(golden, as: "codec.test.Optionals",
                            equals: json(#"{"maybe_int":0,"maybe_str":"","maybe_enum":0}"#), options: removeUnset)
        // Unset optional fields get their zero value unless asked to remove unset ones.
        XCTAssertEqual(try decode([], as: "codec.test.Optionals"),
                       json(#"{"maybe_int":0,"maybe_str":"","maybe_enum":0,"plain":0,"maybe_nested":null}"#))
        XCTAssertEqual(try encode(json(#"{"plain":0}"#), as: "codec.test.Optionals"), [])
        XCTAssertEqual(try encode(json(#"{"maybe_int":"0"}"#), as: "codec.test.Optionals"), [0x08, 0x00])
    }
}

import GatewayCore
@testable import GatewayGRPC
import XCTest

/// proto2: declared defaults, presence, unpacked repeated fields, groups, and
/// skipping unknown fields of every wire type.
final class Proto2Tests: XCTestCase {
    func testUnsetFieldsTakeTheirDeclaredDefaults() throws {
        let expected = json("""
        {"id":"only-required","count":42,"label":"hello \\"world\\"","flag":true,"ratio":1.5,"limit":"Infinity",
         "blob":"AQJhYmM=","level":20,"first_level":5,"big":-9007199254740993,"ubig":18446744073709551615,
         "numbers":[],"packed_numbers":[],"item":null,"line":[],"zero_set":0,"negative":-7}
        """)
        XCTAssertEqual(try decode(try Fixtures.golden("defaults_minimal"), as: "codec.legacy.Defaults"), expected)
        var options = DecodingOptions()
        options.enumAsString = true
        let named = try decode(try Fixtures.golden("defaults_minimal"), as: "codec.legacy.Defaults", options: options)
        XCTAssertEqual(named["level"], .string("HIGH"))
        XCTAssertEqual(named["first_level"], .string("LOW"), "proto2's default enum value is the first declared")
        options.removeUnsetValues = true
        try assertRoundTrip(try Fixtures.golden("defaults_minimal"), as: "codec.legacy.Defaults",
                            equals: json(#"{"id":"only-required"}"#), options: options)
        let descriptor = try message("codec.legacy.Defaults")
        XCTAssertEqual(descriptor.field(named: "blob")?.defaultValue, .string("AQJhYmM="))
        XCTAssertEqual(descriptor.field(named: "level")?.defaultValue, .string("HIGH"))
        XCTAssertNil(descriptor.field(named: "zero_set")?.defaultValue)
    }

    func testExplicitZeroValuesArePresentInProto2() throws {
        var options = DecodingOptions()
        options.removeUnsetValues = true
        let expected = json("""
        {"count":0,"label":"set","flag":false,"ratio":-2,"limit":1,"blob":"eA==","level":5,"first_level":10,
         "big":1,"ubig":2,"id":"full","numbers":[1,2,3],"packed_numbers":[4,5,6],
         "item":{"sku":"SKU-1","qty":3},"line":[{"text":"one"},{"text":"two"}],"zero_set":0,"negative":-1}
        """)
        try assertRoundTrip(try Fixtures.golden("defaults_full"), as: "codec.legacy.Defaults", equals: expected, options: options)
        let golden = hex(try Fixtures.golden("defaults_full"))
        XCTAssertTrue(golden.hasPrefix("0800"), "count: 0 is written in proto2")
        XCTAssertTrue(golden.contains("600160026003"), "proto2 repeated is unpacked")
        XCTAssertTrue(golden.contains("6a03040506"), "unless [packed = true]")
    }

    func testGroupsBothWays() throws {
        var options = DecodingOptions()
        options.removeUnsetValues = true
        let encoded = try encode(json(#"{"id":"g","item":{"qty":"2"},"line":[{"text":"a"},{}]}"#), as: "codec.legacy.Defaults")
        // Item = 14 (start 0x73, end 0x74), qty = 16; Line = 17 (start 0x8b01, end 0x8c01), text = 18.
        XCTAssertEqual(hex(encoded), "5a0167" + "73" + "8001" + "02" + "74" + "8b01" + "9201" + "0161" + "8c01" + "8b01" + "8c01")
        XCTAssertEqual(try decode(encoded, as: "codec.legacy.Defaults", options: options),
                       json(#"{"id":"g","item":{"qty":2},"line":[{"text":"a"},{}]}"#))
    }

    func testUnknownFieldsOfEveryWireTypeAreSkipped() throws {
        // Wide has varint, fixed64, bytes, nested groups, fixed32 and a nested
        // message that Narrow does not know; only name and tail survive.
        let decoded = try decode(try Fixtures.golden("wide"), as: "codec.legacy.Narrow")
        XCTAssertEqual(decoded, json(#"{"name":"kept","tail":100}"#))
        let wide = try decode(try Fixtures.golden("wide"), as: "codec.legacy.Wide", options: {
            var o = DecodingOptions()
            o.removeUnsetValues = true
            return o
        }())
        XCTAssertEqual(wide["blob"], json(#"{"inside":"group payload","deeper":{"deep":9}}"#))
        XCTAssertEqual(wide["nested"], json(#"{"name":"nested wide","blob":{"inside":"deep"}}"#))
    }
}

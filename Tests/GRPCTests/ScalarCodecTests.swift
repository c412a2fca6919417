import Foundation
import GatewayCore
@testable import GatewayGRPC
import XCTest

/// Every scalar type against protoc's bytes, and the string conversions the
/// gateway relies on to fill requests from URL params and query strings.
final class ScalarCodecTests: XCTestCase {
    let fullScalars = """
    {"f_int32":-42,"f_int64":-9223372036854775808,"f_uint32":4294967295,
     "f_uint64":18446744073709551615,"f_sint32":-2147483648,"f_sint64":9223372036854775807,
     "f_fixed32":3000000000,"f_fixed64":12345678901234567890,"f_sfixed32":-123456,
     "f_sfixed64":-1234567890123456789,"f_float":1.5,"f_double":0.1,"f_bool":true,
     "f_string":"héllo \\"world\\" ✈","f_bytes":"AAH/YmluYXJ5","f_enum":3}
    """

    func testEveryScalarTypeMatchesProtoc() throws {
        try assertRoundTrip(try Fixtures.golden("scalars_full"), as: "codec.test.Scalars", equals: json(fullScalars))
    }

    func testSixtyFourBitIntegersKeepTheirExactLiteral() throws {
        let decoded = try decode(try Fixtures.golden("scalars_full"), as: "codec.test.Scalars")
        XCTAssertEqual(decoded["f_uint64"], .number("18446744073709551615"))
        XCTAssertEqual(decoded["f_int64"], .number("-9223372036854775808"))
        XCTAssertEqual(decoded["f_fixed64"], .number("12345678901234567890"))
    }

    func testFloatsUseGoNotationAndUnknownEnumNumbersPassThrough() throws {
        let expected = json("""
        {"f_int32":2147483647,"f_int64":0,"f_uint32":0,"f_uint64":0,"f_sint32":0,"f_sint64":0,
         "f_fixed32":0,"f_fixed64":0,"f_sfixed32":0,"f_sfixed64":0,"f_float":3.4028235e+38,
         "f_double":1e+21,"f_bool":false,"f_string":"","f_bytes":"","f_enum":7}
        """)
        try assertRoundTrip(try Fixtures.golden("scalars_floats"), as: "codec.test.Scalars", equals: expected)
        var options = DecodingOptions()
        options.enumAsString = true
        XCTAssertEqual(try decode(try Fixtures.golden("scalars_floats"), as: "codec.test.Scalars", options: options)["f_enum"],
                       .number("7"), "a number the enum does not name stays a number")
    }

    func testNaNAndInfinitiesAreStrings() throws {
        var options = DecodingOptions()
        options.removeUnsetValues = true
        let expected = json(#"{"f_int64":1,"f_float":"-Infinity","f_double":"NaN"}"#)
        try assertRoundTrip(try Fixtures.golden("scalars_special"), as: "codec.test.Scalars", equals: expected, options: options)
    }

    func testEnumAsString() throws {
        var options = DecodingOptions()
        options.enumAsString = true
        let decoded = try decode(try Fixtures.golden("scalars_full"), as: "codec.test.Scalars", options: options)
        XCTAssertEqual(decoded["f_enum"], .string("BLUE"))
        // Names and numbers are both accepted back.
        XCTAssertEqual(try encode(decoded, as: "codec.test.Scalars"), try Fixtures.golden("scalars_full"))
        let unsetEnum = try decode([], as: "codec.test.Scalars", options: options)
        XCTAssertEqual(unsetEnum["f_enum"], .string("COLOR_UNSPECIFIED"))
    }

    func testCamelCaseNamingBothWays() throws {
        var options = DecodingOptions()
        options.namingConvention = .camelCase
        let decoded = try decode(try Fixtures.golden("scalars_full"), as: "codec.test.Scalars", options: options)
        XCTAssertEqual(decoded["fInt32"], .number("-42"))
        XCTAssertEqual(decoded["fSfixed64"], .number("-1234567890123456789"))
        XCTAssertNil(decoded["f_int32"])
        var encoding = EncodingOptions()
        encoding.namingConvention = .camelCase
        XCTAssertEqual(try encode(decoded, as: "codec.test.Scalars", options: encoding), try Fixtures.golden("scalars_full"))
        // Either spelling is read; with both present, the convention's wins.
        XCTAssertEqual(try encode(json(#"{"fInt32":1,"f_int32":2}"#), as: "codec.test.Scalars", options: encoding), [0x08, 0x01])
        XCTAssertEqual(try encode(json(#"{"fInt32":1,"f_int32":2}"#), as: "codec.test.Scalars"), [0x08, 0x02])
    }

    func testStringsAreConvertedToTheFieldsType() throws {
        // What the gateway builds from `?f_int32=-42&f_bool=true&...`: all strings.
        let fromParams = json("""
        {"f_int32":"-42","f_int64":"-9223372036854775808","f_uint32":"4294967295",
         "f_uint64":"18446744073709551615","f_sint32":"-2147483648","f_sint64":"9223372036854775807",
         "f_fixed32":"3000000000","f_fixed64":"12345678901234567890","f_sfixed32":"-123456",
         "f_sfixed64":"-1234567890123456789","f_float":"1.5","f_double":"0.1","f_bool":"true",
         "f_string":"héllo \\"world\\" ✈","f_bytes":"AAH_YmluYXJ5","f_enum":"BLUE"}
        """)
        XCTAssertEqual(hex(try encode(fromParams, as: "codec.test.Scalars")), hex(try Fixtures.golden("scalars_full")))
        XCTAssertEqual(try encode(json(#"{"f_enum":"3"}"#), as: "codec.test.Scalars"), [0x80, 0x01, 0x03])
        XCTAssertEqual(try encode(json(#"{"f_bool":"1"}"#), as: "codec.test.Scalars"), [0x68, 0x01])
        XCTAssertEqual(try encode(json(#"{"f_bool":"False","f_int32":"0"}"#), as: "codec.test.Scalars"), [])
        XCTAssertEqual(try encode(json(#"{"f_string":42}"#), as: "codec.test.Scalars"), [0x72, 0x02, 0x34, 0x32])
        XCTAssertEqual(try encode(json(#"{"f_double":"NaN"}"#), as: "codec.test.Scalars"),
                       [0x61] + withUnsafeBytes(of: Double.nan.bitPattern.littleEndian, Array.init))
    }

    func testIntegralValuesInOtherNotationsAreAccepted() throws {
        XCTAssertEqual(try encode(json(#"{"f_int32":1e3}"#), as: "codec.test.Scalars"), [0x08, 0xE8, 0x07])
        XCTAssertEqual(try encode(json(#"{"f_uint64":"5.0"}"#), as: "codec.test.Scalars"), [0x20, 0x05])
        XCTAssertEqual(try encode(json(#"{"f_int64":-0}"#), as: "codec.test.Scalars"), [])
    }

    func testUnconvertibleValuesThrowNamingTheField() {
        let cases: [(String, String, String)] = [
            (#"{"f_int32":"abc"}"#, "f_int32", #"cannot convert "abc" to int32"#),
            (#"{"f_int32":2147483648}"#, "f_int32", "cannot convert 2147483648 to int32"),
            (#"{"f_int32":1.5}"#, "f_int32", "to int32"),
            (#"{"f_uint32":-1}"#, "f_uint32", "to uint32"),
            (#"{"f_uint64":"18446744073709551616"}"#, "f_uint64", "to uint64"),
            (#"{"f_bool":"yes"}"#, "f_bool", "to bool"),
            (#"{"f_enum":"PURPLE"}"#, "f_enum", "not a value of enum codec.test.Color"),
            (#"{"f_bytes":"*not base64*"}"#, "f_bytes", "to bytes"),
            (#"{"f_float":1e39}"#, "f_float", "to float"),
            (#"{"f_double":"0x10"}"#, "f_double", "to double"),
            (#"{"f_string":{"a":1}}"#, "f_string", "a value of type object"),
            (#"{"f_int64":[1]}"#, "f_int64", "to int64"),
        ]
        for (input, path, problem) in cases {
            XCTAssertThrowsError(try encode(json(input), as: "codec.test.Scalars"), input) { error in
                let e = error as? ProtobufEncodeError
                XCTAssertEqual(e?.path, path, input)
                XCTAssertTrue(e?.problem.contains(problem) ?? false, "\(input): \(error)")
                XCTAssertTrue(String(describing: error).contains("field \(path)"))
            }
        }
        XCTAssertThrowsError(try encode(json(#"[1]"#), as: "codec.test.Scalars"))
    }

    /// `input_assume_bytes`: base64 still decodes; anything else is taken verbatim.
    func testAssumeBytesTakesNonBase64TextVerbatim() throws {
        let options = EncodingOptions(backendConfig: json(#"{"input_assume_bytes": true}"#))
        let verbatim = try encode(json(#"{"f_bytes":"*not base64*"}"#), as: "codec.test.Scalars", options: options)
        let decoded = try decode(verbatim, as: "codec.test.Scalars")
        XCTAssertEqual(decoded["f_bytes"]?.stringValue, Data("*not base64*".utf8).base64EncodedString())
        let base64 = try encode(json(#"{"f_bytes":"AAH/YmluYXJ5"}"#), as: "codec.test.Scalars", options: options)
        XCTAssertEqual(try decode(base64, as: "codec.test.Scalars")["f_bytes"]?.stringValue, "AAH/YmluYXJ5")
    }

    func testUnknownKeysAreIgnoredAndNullMeansUnset() throws {
        XCTAssertEqual(try encode(json(#"{"nope":1,"f_int32":null,"f_string":null}"#), as: "codec.test.Scalars"), [])
        XCTAssertEqual(try encode(.null, as: "codec.test.Scalars"), [])
    }

    func testProto3ZeroValuesAreNotWritten() throws {
        let zeros = json(#"{"f_int32":0,"f_string":"","f_bytes":"","f_bool":false,"f_enum":"COLOR_UNSPECIFIED","f_double":0}"#)
        XCTAssertEqual(try encode(zeros, as: "codec.test.Scalars"), [])
        // -0.0 has a non-zero bit pattern and is written, as protobuf does.
        XCTAssertEqual(try encode(json(#"{"f_double":-0.0}"#), as: "codec.test.Scalars"),
                       [0x61, 0, 0, 0, 0, 0, 0, 0, 0x80])
    }

    func testEncodeIntoAReusedBuffer() throws {
        let encoder = MessageEncoder(catalog: Fixtures.codecCatalog)
        let scalars = try message("codec.test.Scalars")
        var buffer: [UInt8] = []
        try encoder.encode(json(fullScalars), as: scalars, into: &buffer)
        XCTAssertEqual(buffer, try Fixtures.golden("scalars_full"))
        let capacity = buffer.capacity
        try encoder.encode(json(#"{"f_int32":1}"#), as: scalars, into: &buffer)
        XCTAssertEqual(buffer, [0x08, 0x01])
        XCTAssertEqual(buffer.capacity, capacity)
    }
}

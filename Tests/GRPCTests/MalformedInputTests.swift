import GatewayCore
@testable import GatewayGRPC
import XCTest

/// Bad bytes throw `ProtobufDecodeError`: never a trap, never a read outside
/// the buffer, never unbounded recursion.
final class MalformedInputTests: XCTestCase {
    func assertDecodeFails(
        _ hexText: String, as name: String = "codec.test.Scalars", _ reason: ProtobufDecodeError.Reason,
        _ note: String = "", file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try decode(bytes(hex: hexText), as: name), note, file: file, line: line) { error in
            XCTAssertEqual((error as? ProtobufDecodeError)?.reason, reason, "\(error)", file: file, line: line)
        }
    }

    func testTruncatedAndOverlongVarints() {
        assertDecodeFails("0880", .truncatedVarint)
        assertDecodeFails("08", .truncatedVarint)
        assertDecodeFails("88", .truncatedVarint, "a truncated tag")
        assertDecodeFails("08ffffffffffffffffffff01", .malformedVarint)
    }

    func testLengthsAndFixedValuesBeyondTheBuffer() {
        assertDecodeFails("720561", .truncated)
        assertDecodeFails("72ffffffff0f61", .truncated)
        assertDecodeFails("72ffffffffffffffffff01", .truncated, "a length of 2^64-1")
        assertDecodeFails("3d0102", .truncated)
        assertDecodeFails("41010203040506", .truncated)
        assertDecodeFails("1205 0a0561", as: "codec.test.Nested", .truncated)
        assertDecodeFails("a2060561", as: "codec.test.Scalars", .truncated, "an unknown field's length too")
    }

    func testInvalidTagsAndWireTypes() {
        assertDecodeFails("0001", .invalidFieldNumber)
        assertDecodeFails("0e", .invalidWireType)
        assertDecodeFails("0f", .invalidWireType)
        assertDecodeFails("f8ffffff7f01", .invalidFieldNumber, "field number beyond 2^29-1")
        assertDecodeFails("0a00", .wrongWireType(field: "codec.test.Scalars.f_int32"))
        assertDecodeFails("7501000000", .wrongWireType(field: "codec.test.Scalars.f_string"))
        assertDecodeFails("1001", as: "codec.test.Nested", .wrongWireType(field: "codec.test.Nested.child"))
        assertDecodeFails("0a0180", as: "codec.test.Repeateds", .truncatedVarint, "a packed run ending inside a varint")
        assertDecodeFails("5a03010203", as: "codec.test.Repeateds", .truncated, "packed floats cut short")
    }

    func testUnbalancedGroups() {
        assertDecodeFails("0c", .unbalancedGroup)
        assertDecodeFails("a306", .unbalancedGroup, "an unknown group never closed")
        assertDecodeFails("a306 a406 ac06", .unbalancedGroup, "closed by another field's end tag")
        assertDecodeFails("5a0167 73", as: "codec.legacy.Defaults", .unbalancedGroup, "a known group never closed")
        assertDecodeFails("5a0167 73 7c", as: "codec.legacy.Defaults", .unbalancedGroup)
    }

    func testNestingIsLimited() throws {
        func nested(_ depth: Int) -> [UInt8] {
            var bytes: [UInt8] = []
            for _ in 0..<depth {
                var outer: [UInt8] = [0x12]
                var length = bytes.count
                while length >= 0x80 { outer.append(UInt8(length & 0x7F) | 0x80); length >>= 7 }
                outer.append(UInt8(length))
                bytes = outer + bytes
            }
            return bytes
        }
        XCTAssertNoThrow(try decode(nested(90), as: "codec.test.Nested"))
        XCTAssertThrowsError(try decode(nested(150), as: "codec.test.Nested")) { error in
            XCTAssertEqual((error as? ProtobufDecodeError)?.reason, .depthLimitExceeded)
        }
        // Unknown groups nested deep: skipped with the same limit.
        let groups = [UInt8](repeating: 0xA3, count: 5000).flatMap { [$0, 0x06] as [UInt8] }
        XCTAssertThrowsError(try decode(groups, as: "codec.test.Scalars")) { error in
            XCTAssertEqual((error as? ProtobufDecodeError)?.reason, .depthLimitExceeded)
        }
        var options = DecodingOptions()
        options.depthLimit = 10
        XCTAssertThrowsError(try decode(nested(11), as: "codec.test.Nested", options: options))

        // Encoding a Value nested deeper than the limit is refused too.
        var deep = Value.object([:])
        for _ in 0..<150 { deep = .object(["child": deep]) }
        XCTAssertThrowsError(try encode(deep, as: "codec.test.Nested")) { error in
            XCTAssertTrue(String(describing: error).contains("depth limit"))
        }
    }

    func testErrorsCarryTheOffset() {
        // level 1, then child (3 bytes) whose name claims 5 bytes: noticed at offset 6.
        XCTAssertThrowsError(try decode(bytes(hex: "2001 1203 0a0561"), as: "codec.test.Nested")) { error in
            XCTAssertEqual(error as? ProtobufDecodeError, ProtobufDecodeError(.truncated, at: 6))
        }
    }

    func testEmptyInputIsAMessageWithNothingSet() throws {
        XCTAssertEqual(try decode([], as: "codec.test.Choice"), json(#"{"other":""}"#))
        let empty = UnsafeRawBufferPointer(start: nil, count: 0)
        XCTAssertEqual(try MessageDecoder(catalog: Fixtures.codecCatalog).decode(empty, as: message("codec.test.Choice")),
                       json(#"{"other":""}"#))
    }

    /// Random and mutated inputs: any outcome but a crash is fine.
    func testRandomAndMutatedInputsNeverCrash() throws {
        var rng = SplitMix64(seed: 0x5EED)
        let names = ["codec.test.Scalars", "codec.test.Repeateds", "codec.test.Maps", "codec.test.WellKnown",
                     "codec.legacy.Defaults", "codec.test.Nested"]
        let goldens = try ["scalars_full", "repeated", "maps_single", "wellknown", "defaults_full", "nested_deep"]
            .map(Fixtures.golden)
        var decodedCount = 0
        var options = DecodingOptions()
        options.timestampAsString = true
        options.wellKnownTypesAsProtoJSON = true
        for round in 0..<6000 {
            let k = round % names.count
            var input: [UInt8]
            if round % 2 == 0 {
                input = (0..<Int(rng.next() % 64)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            } else {
                input = goldens[k]
                for _ in 0..<(1 + Int(rng.next() % 4)) where !input.isEmpty {
                    let at = Int(rng.next() % UInt64(input.count))
                    switch rng.next() % 3 {
                    case 0: input[at] = UInt8(truncatingIfNeeded: rng.next())
                    case 1: input.removeSubrange(at...)
                    default: input.insert(UInt8(truncatingIfNeeded: rng.next()), at: at)
                    }
                }
            }
            if let value = try? decode(input, as: names[k], options: options) {
                decodedCount += 1
                _ = try? encode(value, as: names[k])
            }
        }
        XCTAssertGreaterThan(decodedCount, 0)
    }
}

/// A small deterministic generator, so a failure can be replayed.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

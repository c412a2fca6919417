import Foundation
import GatewayCore
@testable import GatewayGRPC
import XCTest

/// Fixtures live next to the tests (made by Fixtures/generate.py; the tests
/// need neither protoc nor python).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ relative: String) -> String {
        directory.appendingPathComponent(relative).path
    }

    static func bytes(_ relative: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(relative)))
    }

    /// Golden wire bytes of a case: `protoc --encode` of cases/NAME.txtpb.
    static func golden(_ name: String) throws -> [UInt8] {
        try bytes("cases/\(name).bin")
    }

    /// codec_test.proto and codec_legacy.proto with the well-known types.
    static let codecCatalog: GRPCCatalog = {
        try! GRPCCatalog.load([path("codec_test.pb")])
    }()

    static let flightsCatalog: GRPCCatalog = {
        try! GRPCCatalog.load([path("flights.pb")])
    }()
}

extension XCTestCase {
    func message(_ name: String, in catalog: GRPCCatalog = Fixtures.codecCatalog) throws -> MessageDescriptor {
        try XCTUnwrap(catalog.message(named: name), "no message \(name)")
    }

    func json(_ text: String) -> Value {
        try! Value(json: text)
    }

    func decode(
        _ bytes: [UInt8], as name: String, catalog: GRPCCatalog = Fixtures.codecCatalog,
        options: DecodingOptions = DecodingOptions()
    ) throws -> Value {
        try MessageDecoder(catalog: catalog, options: options).decode(bytes, as: message(name, in: catalog))
    }

    func encode(
        _ value: Value, as name: String, catalog: GRPCCatalog = Fixtures.codecCatalog,
        options: EncodingOptions = EncodingOptions()
    ) throws -> [UInt8] {
        try MessageEncoder(catalog: catalog, options: options).encode(value, as: message(name, in: catalog))
    }

    /// Decodes golden bytes, checks the value, encodes it back and checks the
    /// bytes are the golden ones (`exact`) or at least decode to the same value.
    func assertRoundTrip(
        _ golden: [UInt8], as name: String, equals expected: Value, exact: Bool = true,
        options: DecodingOptions = DecodingOptions(), catalog: GRPCCatalog = Fixtures.codecCatalog,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let decoded = try decode(golden, as: name, catalog: catalog, options: options)
        XCTAssertEqual(decoded, expected, "decoded:\n\(decoded.jsonString)\nexpected:\n\(expected.jsonString)", file: file, line: line)
        let encoded = try encode(decoded, as: name, catalog: catalog)
        if exact {
            XCTAssertEqual(hex(encoded), hex(golden), "re-encoded bytes differ", file: file, line: line)
        }
        let again = try decode(encoded, as: name, catalog: catalog, options: options)
        XCTAssertEqual(again, decoded, "re-encoded value differs: \(again.jsonString)", file: file, line: line)
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

func bytes(hex text: String) -> [UInt8] {
    let chars = Array(text.filter { !$0.isWhitespace })
    return stride(from: 0, to: chars.count, by: 2).map { UInt8(String(chars[$0...$0 + 1]), radix: 16)! }
}

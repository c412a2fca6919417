import GatewayCore
@testable import GatewayGRPC
import XCTest

/// Loading `.pb` descriptor sets into a catalog: lookups, the raw file bytes
/// kept for reflection, warnings for conflicts and missing imports, errors
/// for files that are not descriptor sets.
final class CatalogTests: XCTestCase {
    func testFlightFinderMethodLookupGivesInputAndOutput() throws {
        let catalog = Fixtures.flightsCatalog
        XCTAssertEqual(catalog.warnings, [])
        let method = try XCTUnwrap(catalog.method(path: "/flight_finder.Flights/FindFlight"))
        XCTAssertEqual(method.name, "FindFlight")
        XCTAssertEqual(method.input.fullName, "flight_finder.FlightFinderRequest")
        XCTAssertEqual(method.output.fullName, "flight_finder.FlightFinderResponse")
        XCTAssertFalse(method.clientStreaming || method.serverStreaming)
        XCTAssertEqual(catalog.method(path: "flight_finder.Flights/BookFlight")?.output.fullName, "flight_finder.Booking")
        XCTAssertNil(catalog.method(path: "/flight_finder.Flights/Nope"))
        XCTAssertEqual(catalog.service(named: "flight_finder.Flights")?.methods.map(\.name), ["FindFlight", "BookFlight"])
    }

    func testIndexesMessagesEnumsAndFieldsByFullyQualifiedName() throws {
        let catalog = Fixtures.flightsCatalog
        let segment = try XCTUnwrap(catalog.message(named: "flight_finder.Flight.Segment"))
        XCTAssertEqual(segment.fileName, "flights.proto")
        let departure = try XCTUnwrap(segment.field(named: "departure_time"))
        XCTAssertEqual(departure.jsonName, "departureTime")
        XCTAssertEqual(departure.type, .message)
        XCTAssertEqual(departure.typeName, "google.protobuf.Timestamp")
        XCTAssertEqual(segment.field(named: "departureTime")?.number, 5)
        XCTAssertNotNil(catalog.message(named: ".flight_finder.Airport"))
        let cabin = try XCTUnwrap(catalog.enumType(named: "flight_finder.CabinClass"))
        XCTAssertEqual(cabin.name(of: 3), "BUSINESS")
        XCTAssertEqual(cabin.number(of: "FIRST"), 4)
        let flight = try XCTUnwrap(catalog.message(named: "flight_finder.Flight"))
        XCTAssertEqual(flight.oneofs.map(\.name), ["fare"])
        XCTAssertEqual(flight.oneofs[0].fieldIndices.map { flight.fields[$0].name }, ["fare_code", "discount"])
        XCTAssertTrue(try XCTUnwrap(flight.field(named: "baggage_allowance")).isMap)
        let request = try XCTUnwrap(catalog.message(named: "flight_finder.FlightFinderRequest"))
        let maxStops = try XCTUnwrap(request.field(named: "max_stops"))
        XCTAssertTrue(maxStops.isProto3Optional)
        XCTAssertNil(maxStops.oneofIndex, "proto3 optional is not a real oneof")
        XCTAssertTrue(try XCTUnwrap(request.field(named: "cabins")).isPacked)
    }

    func testKeepsEachFileDescriptorProtoVerbatim() throws {
        let original = try Fixtures.bytes("flights.pb")
        let catalog = Fixtures.flightsCatalog
        XCTAssertEqual(catalog.files.map(\.name),
                       ["google/protobuf/timestamp.proto", "google/protobuf/duration.proto", "flights.proto"])
        // A FileDescriptorSet is `repeated FileDescriptorProto file = 1`: rebuild it.
        var writer = WireWriter(reusing: [])
        for file in catalog.files {
            writer.writeTag(1, .lengthDelimited)
            writer.writeBytes(file.rawBytes)
        }
        XCTAssertEqual(writer.bytes, original)
        XCTAssertEqual(catalog.file(containingSymbol: "flight_finder.Flights.FindFlight")?.name, "flights.proto")
        XCTAssertEqual(catalog.file(containingSymbol: "google.protobuf.Duration")?.name, "google/protobuf/duration.proto")
        XCTAssertEqual(catalog.file(named: "flights.proto")?.dependencies,
                       ["google/protobuf/timestamp.proto", "google/protobuf/duration.proto"])
        XCTAssertEqual(catalog.file(named: "flights.proto")?.syntax, .proto3)
    }

    func testWellKnownTypesDirectory() throws {
        let catalog = try GRPCCatalog.load([Fixtures.path("well-known")])
        XCTAssertEqual(catalog.warnings, [])
        XCTAssertEqual(catalog.files.count, 7)
        for name in ["Timestamp", "Duration", "Int64Value", "BytesValue", "Struct", "Value", "ListValue",
                     "Empty", "FieldMask", "Any"] {
            XCTAssertNotNil(catalog.message(named: "google.protobuf." + name), name)
        }
        XCTAssertEqual(catalog.enumType(named: "google.protobuf.NullValue")?.values.first?.name, "NULL_VALUE")
    }

    func testIdenticalFilesFromSeveralSetsAreNotConflicts() throws {
        // flights.pb carries timestamp.proto and duration.proto (--include_imports),
        // exactly as the well-known sets do.
        let catalog = try GRPCCatalog.load([Fixtures.path("flights.pb"), Fixtures.path("well-known")])
        XCTAssertEqual(catalog.warnings, [])
        XCTAssertEqual(catalog.files.count, 8)
    }

    func testConflictsAreWarningsAndTheFirstDefinitionWins() throws {
        let catalog = try GRPCCatalog.load([Fixtures.path("catalog/conflicts")])
        let dir = Fixtures.path("catalog/conflicts")
        XCTAssertEqual(catalog.warnings, [
            CatalogWarning(kind: .conflictingFile(
                name: "shared.proto", keptSource: dir + "/1_shared_a.pb", ignoredSource: dir + "/2_shared_b.pb")),
            CatalogWarning(kind: .conflictingDefinition(
                symbol: "shared.Thing", keptFile: "shared.proto", ignoredFile: "thing_again.proto")),
        ])
        XCTAssertEqual(catalog.message(named: "shared.Thing")?.fields.map(\.name), ["name"])
        XCTAssertNotNil(catalog.message(named: "shared.OnlyInA"))
        XCTAssertNil(catalog.message(named: "shared.OnlyInB"), "the conflicting file is ignored whole")
        XCTAssertNotNil(catalog.enumType(named: "shared.Mood"), "symbols that do not conflict are kept")
        XCTAssertTrue(catalog.warnings[1].description.contains("conflicting definition of shared.Thing"))
    }

    func testMissingImportIsAWarningAndLeavesDataUnfilled() throws {
        let catalog = try GRPCCatalog.load([Fixtures.path("catalog/missing/order.pb")])
        XCTAssertEqual(catalog.warnings, [
            CatalogWarning(kind: .missingImport(file: "order.proto", dependency: "money.proto")),
            CatalogWarning(kind: .missingDefinition(type: "dep.Money", usedBy: "shop.Order.total")),
            CatalogWarning(kind: .missingDefinition(type: "dep.Unit", usedBy: "shop.Order.unit")),
        ])
        // id "A-1", total {currency "EUR", units 5}, unit 1, quantity 2
        let order = bytes(hex: "0a03412d31 1207 0a03455552 1005 1801 2002")
        let decoded = try decode(order, as: "shop.Order", catalog: catalog)
        XCTAssertEqual(decoded, json(#"{"id":"A-1","total":{},"unit":1,"quantity":2}"#))
        let method = try XCTUnwrap(catalog.method(path: "/shop.Orders/Get"))
        XCTAssertEqual(method.input.fullName, "shop.Order")

        // With the dependency loaded (before or after), everything resolves.
        for paths in [["catalog/missing/order.pb", "catalog/money.pb"], ["catalog/money.pb", "catalog/missing/order.pb"]] {
            let full = try GRPCCatalog.load(paths.map(Fixtures.path))
            XCTAssertEqual(full.warnings, [])
            XCTAssertEqual(try decode(order, as: "shop.Order", catalog: full),
                           json(#"{"id":"A-1","total":{"currency":"EUR","units":5},"unit":1,"quantity":2}"#))
        }
    }

    func testMissingMethodTypesBecomeEmptyPlaceholders() throws {
        let catalog = try GRPCCatalog(descriptorSets: [("memory", try Fixtures.bytes("catalog/missing/order.pb"))])
        let method = try XCTUnwrap(catalog.method(path: "/shop.Orders/Convert"))
        XCTAssertTrue(method.input.isPlaceholder)
        XCTAssertEqual(method.input.fullName, "dep.Money")
        XCTAssertEqual(method.input.fields.count, 0)
        XCTAssertNil(catalog.message(named: "dep.Money"), "placeholders are not offered by name")
        // The data of a missing type is left out; it does not fail.
        XCTAssertEqual(try MessageDecoder(catalog: catalog).decode(bytes(hex: "0a03455552 1005"), as: method.input), .object([:]))
        XCTAssertEqual(try MessageEncoder(catalog: catalog).encode(json(#"{"currency":"EUR"}"#), as: method.input), [])
    }

    func testDirectoriesAreScannedRecursivelyInNameOrderForPbFiles() throws {
        let catalog = try GRPCCatalog.load(["tree"], relativeTo: Fixtures.path("catalog"))
        XCTAssertEqual(catalog.files.map(\.name), ["order.proto", "money.proto"])
        XCTAssertEqual(catalog.files.map { URL(fileURLWithPath: $0.source).lastPathComponent }, ["b_order.pb", "a_money.pb"])
        XCTAssertEqual(catalog.warnings, [], "imports resolve once every file is read, whatever the order")
    }

    func testAFileThatIsNotADescriptorSetIsAnErrorNamingIt() {
        for name in ["order_source.pb", "random.pb", "empty.pb"] {
            let path = Fixtures.path("catalog/invalid/" + name)
            XCTAssertThrowsError(try GRPCCatalog.load([path]), name) { error in
                let catalogError = error as? CatalogError
                XCTAssertEqual(catalogError?.path, path)
                guard case .notADescriptorSet? = catalogError?.reason else {
                    return XCTFail("\(name): \(error)")
                }
                XCTAssertTrue(String(describing: error).contains(name))
                XCTAssertTrue(String(describing: error).contains("not a protobuf descriptor set"))
            }
        }
        XCTAssertThrowsError(try GRPCCatalog.load([Fixtures.path("catalog/invalid")])) { error in
            XCTAssertEqual((error as? CatalogError)?.path, Fixtures.path("catalog/invalid/empty.pb"))
        }
    }

    func testAMissingPathIsAnError() {
        XCTAssertThrowsError(try GRPCCatalog.load([Fixtures.path("nowhere.pb")])) { error in
            XCTAssertEqual((error as? CatalogError)?.reason, .unreadable("no such file or directory"))
            XCTAssertTrue(String(describing: error).contains("nowhere.pb"))
        }
    }

    func testDescriptorTablesArePrecomputed() throws {
        let scalars = try message("codec.test.Scalars")
        XCTAssertEqual(scalars.fields.map(\.number), Array(1...16))
        XCTAssertEqual(scalars.fieldIndex(number: 16), 15)
        XCTAssertNil(scalars.fieldIndex(number: 17))
        XCTAssertNil(scalars.fieldIndex(number: 1 << 28))
        let narrow = try message("codec.legacy.Narrow")
        XCTAssertEqual(narrow.fieldIndex(number: 100), 1)
        XCTAssertNil(narrow.fieldIndex(number: 50))
        XCTAssertEqual(NamingConvention.jsonName(of: "foo_bar_baz2"), "fooBarBaz2")
        XCTAssertEqual(NamingConvention.protoName(of: "departureTime"), "departure_time")
    }

    func testRelativeTypeNamesResolveFromTheInnermostScope() throws {
        // protoc writes `.pkg.Type`; other producers may write relative names,
        // and may leave the field type out.
        func message(_ build: (inout WireWriter) -> Void) -> [UInt8] {
            var w = WireWriter(reusing: [])
            build(&w)
            return w.bytes
        }
        func field(_ name: String, _ number: Int, type: Int?, typeName: String?) -> [UInt8] {
            message { w in
                w.writeTag(1, .lengthDelimited); w.writeString(name)
                w.writeTag(3, .varint); w.writeVarint(UInt64(number))
                w.writeTag(4, .varint); w.writeVarint(1)
                if let type { w.writeTag(5, .varint); w.writeVarint(UInt64(type)) }
                if let typeName { w.writeTag(6, .lengthDelimited); w.writeString(typeName) }
            }
        }
        let inner = message { w in
            w.writeTag(1, .lengthDelimited); w.writeString("Inner")
            w.writeTag(2, .lengthDelimited); w.writeBytes(field("x", 1, type: 5, typeName: nil))
        }
        let outer = message { w in
            w.writeTag(1, .lengthDelimited); w.writeString("Outer")
            w.writeTag(2, .lengthDelimited); w.writeBytes(field("inner", 1, type: 11, typeName: "Inner"))
            w.writeTag(2, .lengthDelimited); w.writeBytes(field("other", 2, type: nil, typeName: "b.Other"))
            w.writeTag(2, .lengthDelimited); w.writeBytes(field("mood", 3, type: nil, typeName: "Mood"))
            w.writeTag(3, .lengthDelimited); w.writeBytes(inner)
        }
        let other = message { w in
            w.writeTag(1, .lengthDelimited); w.writeString("Other")
            w.writeTag(2, .lengthDelimited); w.writeBytes(field("y", 1, type: 9, typeName: nil))
        }
        let mood = message { w in
            w.writeTag(1, .lengthDelimited); w.writeString("Mood")
            for (name, number) in [("OK", 0), ("SAD", 1)] {
                w.writeTag(2, .lengthDelimited)
                w.writeBytes(message { v in
                    v.writeTag(1, .lengthDelimited); v.writeString(name)
                    v.writeTag(2, .varint); v.writeVarint(UInt64(number))
                })
            }
        }
        let file = message { w in
            w.writeTag(1, .lengthDelimited); w.writeString("rel.proto")
            w.writeTag(2, .lengthDelimited); w.writeString("a.b")
            w.writeTag(4, .lengthDelimited); w.writeBytes(outer)
            w.writeTag(4, .lengthDelimited); w.writeBytes(other)
            w.writeTag(5, .lengthDelimited); w.writeBytes(mood)
            w.writeTag(12, .lengthDelimited); w.writeString("proto3")
        }
        let set = message { w in w.writeTag(1, .lengthDelimited); w.writeBytes(file) }
        let catalog = try GRPCCatalog(descriptorSets: [("handmade", set)])
        XCTAssertEqual(catalog.warnings, [])
        let outerType = try XCTUnwrap(catalog.message(named: "a.b.Outer"))
        XCTAssertEqual(outerType.fields.map(\.typeName), ["a.b.Outer.Inner", "a.b.Other", "a.b.Mood"])
        XCTAssertEqual(outerType.fields.map(\.type), [.message, .message, .enum])
        var options = DecodingOptions()
        options.enumAsString = true
        let value = json(#"{"inner":{"x":7},"other":{"y":"why"},"mood":"SAD"}"#)
        let encoded = try MessageEncoder(catalog: catalog).encode(value, as: outerType)
        XCTAssertEqual(try MessageDecoder(catalog: catalog, options: options).decode(encoded, as: outerType), value)
    }
}

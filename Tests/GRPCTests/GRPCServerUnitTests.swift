import Foundation
import NIOCore
import XCTest
@testable import GatewayGRPC

/// The gRPC server's pieces that need no server: timeouts read from the
/// wire, gzip written for answers, reflection's extension scan.
final class GRPCServerUnitTests: XCTestCase {
    func testTimeoutHeaderIsReadInEveryUnit() {
        XCTAssertEqual(GRPCTimeout.nanoseconds(parsing: "300m"), 300_000_000)
        XCTAssertEqual(GRPCTimeout.nanoseconds(parsing: "1S"), 1_000_000_000)
        XCTAssertEqual(GRPCTimeout.nanoseconds(parsing: "2M"), 120_000_000_000)
        XCTAssertEqual(GRPCTimeout.nanoseconds(parsing: "7u"), 7_000)
        XCTAssertEqual(GRPCTimeout.nanoseconds(parsing: "99999999H"), Int64.max)  // saturates
        for bad in ["", "m", "10", "10x", "123456789m", "-1S", "1.5S"] {
            XCTAssertNil(GRPCTimeout.nanoseconds(parsing: bad[...]), bad)
        }
        // What the client writes, the server reads back.
        for n: Int64 in [1, 999, 1_500_000_000, 123_456_789_012] {
            let read = GRPCTimeout.nanoseconds(parsing: GRPCTimeout.header(nanoseconds: n)[...])!
            XCTAssertGreaterThanOrEqual(read, n)
        }
    }

    /// Inputs with no repeats, long repeats, far repeats (beyond the 32 KiB
    /// window) and none at all.
    static let samples: [[UInt8]] = {
        var random = SystemRandomNumberGenerator()
        let noise = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = Array(String(repeating: "the gateway speaks gRPC, GraphQL and SOAP. ", count: 500).utf8)
        return [[], [42], Array("abc".utf8), text, noise, noise + noise.prefix(1000) + text, [UInt8](repeating: 7, count: 100_000)]
    }()

    func testDeflateRoundTripsThroughOurInflateAndSystemGzip() throws {
        for sample in Self.samples {
            let compressed = GRPCGzip.deflate(sample)
            XCTAssertEqual(try GRPCGzip.inflate(compressed, limit: 1 << 24), sample)
            XCTAssertEqual(try Self.systemGunzip(compressed), sample, "gzip -dc disagrees for \(sample.count) bytes")
        }
        // Repetitive data does get smaller.
        XCTAssertLessThan(GRPCGzip.deflate(Self.samples[3]).count, Self.samples[3].count / 10)
    }

    func testReflectionFindsExtensionsAtTopLevelAndInsideMessages() throws {
        // FileDescriptorProto { extension (7) { name "a", extendee ".x.Base", number 100 },
        //   message_type (4) { name "M", extension (6) { extendee ".x.Base", number 120 } } }
        func field(_ extendee: String, _ number: UInt8) -> [UInt8] {
            [0x0A, 1, UInt8(ascii: "a"), 0x12, UInt8(extendee.utf8.count)] + Array(extendee.utf8) + [0x18, number]
        }
        let top = field(".x.Base", 100)
        let nested = field(".x.Base", 120)
        let message = [0x0A, 1, UInt8(ascii: "M"), 0x32, UInt8(nested.count)] + nested
        let name = Array("x.proto".utf8)
        let file = [0x0A, UInt8(name.count)] + name + [0x3A, UInt8(top.count)] + top + [0x22, UInt8(message.count)] + message
        let catalog = try GRPCCatalog(descriptorSets: [(source: "test", bytes: [0x0A, UInt8(file.count)] + file)])
        let found = try XCTUnwrap(catalog.file(named: "x.proto")).extensions
        XCTAssertEqual(found.map(\.extendee), ["x.Base", "x.Base"])
        XCTAssertEqual(Set(found.map(\.number)), [100, 120])
    }

    func testTheBuiltinDescriptorsDescribeHealthAndReflection() {
        let catalog = GRPCServer.builtinCatalog
        XCTAssertNotNil(catalog.method(path: "/grpc.health.v1.Health/Watch"))
        XCTAssertNotNil(catalog.method(path: "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"))
        XCTAssertNotNil(catalog.method(path: "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"))
        XCTAssertTrue(catalog.warnings.isEmpty, "\(catalog.warnings)")
    }

    static func systemGunzip(_ bytes: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-dc"]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // Written from another thread: a large input would fill the pipe while nobody reads.
        let writer = Thread {
            stdin.fileHandleForWriting.write(Data(bytes))
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(output)
    }
}

import NIOCore
import XCTest
@testable import GatewayGRPC

/// The pieces that need no server.
final class GRPCUnitTests: XCTestCase {
    func testTimeoutHeader() {
        XCTAssertEqual(GRPCTimeout.header(nanoseconds: 1_500_000_000), "1500000u")
        XCTAssertEqual(GRPCTimeout.header(nanoseconds: 0), "0n")
        XCTAssertEqual(GRPCTimeout.header(nanoseconds: 99_999_999), "99999999n")
        XCTAssertEqual(GRPCTimeout.header(nanoseconds: 150_000_000_000), "150000m")
        XCTAssertEqual(GRPCTimeout.header(nanoseconds: 3_600_000_000_000_000), "3600000S")
        for n: Int64 in [1, 999, 123_456_789_012, Int64.max / 2] {
            XCTAssertLessThanOrEqual(GRPCTimeout.header(nanoseconds: n).count, 9)
        }
    }

    func testHTTPStatusMappings() {
        XCTAssertEqual(GRPCStatusCode.allCases.count, 17)
        XCTAssertEqual(GRPCStatusCode.cancelled.httpStatus, 499)
        XCTAssertEqual(GRPCStatusCode.deadlineExceeded.httpStatus, 504)
        XCTAssertEqual(GRPCStatusCode.resourceExhausted.httpStatus, 429)
        XCTAssertEqual(GRPCStatusCode.unimplemented.httpStatus, 501)
        XCTAssertEqual(GRPCStatusCode.failedPrecondition.httpStatus, 400)
        XCTAssertEqual(GRPCStatusCode(httpStatus: 400), .internal)
        XCTAssertEqual(GRPCStatusCode(httpStatus: 404), .unimplemented)
        XCTAssertEqual(GRPCStatusCode(httpStatus: 502), .unavailable)
        XCTAssertEqual(GRPCStatusCode(httpStatus: 418), .unknown)
        XCTAssertEqual(GRPCStatusCode(resetCode: .refusedStream), .unavailable)
        XCTAssertEqual(GRPCStatusCode(resetCode: .cancel), .cancelled)
    }

    func testPercentAndBase64() {
        XCTAssertEqual(GRPCPercentEncoding.decode("d%C3%A9j%C3%A0 100%25"), "déjà 100%")
        XCTAssertEqual(GRPCPercentEncoding.decode("50%"), "50%")
        XCTAssertEqual(GRPCPercentEncoding.decode(GRPCPercentEncoding.encode("ü ✓ %")), "ü ✓ %")
        XCTAssertEqual(Base64.decode("AQID"), [1, 2, 3])
        XCTAssertEqual(Base64.decode("AQI="), [1, 2])
        XCTAssertEqual(Base64.decode("AQI"), [1, 2])
        XCTAssertEqual(Base64.decode("AQ"), [1])
        XCTAssertNil(Base64.decode("A"))
        XCTAssertEqual(Base64.encode([1, 2]), "AQI=")
    }

    func testFramingReassemblesAndBounds() throws {
        var reader = GRPCMessageReader(maxMessageSize: 10)
        XCTAssertEqual(try reader.append(ByteBuffer(bytes: [0, 0, 0])).count, 0)
        XCTAssertEqual(try reader.append(ByteBuffer(bytes: [0, 3, 1])).count, 0)
        let messages = try reader.append(ByteBuffer(bytes: [2, 3, 0, 0, 0, 0, 0]))
        XCTAssertEqual(messages.map { Array($0.bytes.readableBytesView) }, [[1, 2, 3], []])
        XCTAssertEqual(reader.leftover, 0)
        XCTAssertThrowsError(try reader.append(ByteBuffer(bytes: [0, 0, 0, 0, 11])))
        var partial = GRPCMessageReader(maxMessageSize: 10)
        _ = try partial.append(ByteBuffer(bytes: [0, 0, 0, 0, 5, 1]))
        XCTAssertEqual(partial.leftover, 6)
    }

    func testTargets() {
        XCTAssertEqual(GRPCClient.endpoint("127.0.0.1:50051", defaultTLS: false),
                       GRPCEndpoint(host: "127.0.0.1", port: 50051, useTLS: false, authority: "127.0.0.1:50051"))
        XCTAssertEqual(GRPCClient.endpoint("https://api.example.com", defaultTLS: false)?.port, 443)
        XCTAssertEqual(GRPCClient.endpoint("https://api.example.com", defaultTLS: false)?.useTLS, true)
        XCTAssertEqual(GRPCClient.endpoint("http://[::1]:8080", defaultTLS: false)?.host, "::1")
        XCTAssertEqual(GRPCClient.endpoint("backend:9000", defaultTLS: true)?.useTLS, true)
        XCTAssertNil(GRPCClient.endpoint("host:notaport", defaultTLS: false))
    }

    func testRequestHeaders() {
        let endpoint = GRPCEndpoint(host: "h", port: 1, useTLS: false, authority: "h:1")
        let headers = GRPCClient.requestHeaders(
            endpoint: endpoint, path: "/a.B/C", metadata: [("X-Up", "1"), ("te", "gzip"), (":path", "/x"), ("bad name", "v")],
            deadline: .now() + .seconds(2))
        XCTAssertEqual(headers.first(name: ":path"), "/a.B/C")
        XCTAssertEqual(headers.first(name: "x-up"), "1")
        XCTAssertEqual(headers[canonicalForm: "te"], ["trailers"])
        XCTAssertEqual(headers.first(name: "content-type"), "application/grpc")
        XCTAssertTrue(headers.first(name: "grpc-timeout")?.hasSuffix("u") ?? false)
        XCTAssertFalse(headers.contains(name: "bad name"))
    }
}

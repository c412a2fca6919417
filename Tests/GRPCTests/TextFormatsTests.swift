import GatewayCore
@testable import GatewayGRPC
import XCTest

/// The small text codecs behind the JSON forms: Go's float notation,
/// RFC 3339 timestamps, durations, base64, and the wire writer's in-place
/// length prefixes.
final class TextFormatsTests: XCTestCase {
    func testFloatsInGoNotation() {
        let doubles: [(Double, String)] = [
            (0.1, "0.1"), (1.5, "1.5"), (-2, "-2"), (1e-7, "1e-7"), (1e-6, "0.000001"), (1e20, "100000000000000000000"),
            (1e21, "1e+21"), (123456789.125, "123456789.125"), (-0.0, "-0"), (0, "0"), (Double.leastNonzeroMagnitude, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (Double(Float(0.1)), "0.10000000149011612"),
            (12_345_678_901_234_567_168, "12345678901234567000"), (2.5e-5, "0.000025"),
        ]
        for (d, text) in doubles { XCTAssertEqual(FloatText.value(d), .number(text), "\(d)") }
        let floats: [(Float, String)] = [(0.1, "0.1"), (3.4028235e38, "3.4028235e+38"), (1e-7, "1e-7"), (16777216, "16777216")]
        for (f, text) in floats { XCTAssertEqual(FloatText.value(f), .number(text), "\(f)") }
        XCTAssertEqual(FloatText.value(Double.infinity), .string("Infinity"))
        XCTAssertEqual(FloatText.value(-Float.infinity), .string("-Infinity"))
        XCTAssertEqual(FloatText.value(Double.nan), .string("NaN"))
    }

    func testPlainNotationShortcutAgreesWithTheGeneralFormatter() {
        var rng = SplitMix64(seed: 42)
        for _ in 0..<20_000 {
            let d = Double(bitPattern: rng.next())
            guard d.isFinite else { continue }
            let a = abs(d)
            XCTAssertEqual(FloatText.value(d), .number(FloatText.goFormat(d.description, scientific: a != 0 && (a < 1e-6 || a >= 1e21))), "\(d)")
            let scaled = Double(rng.next() % 1_000_000_000) / pow(10, Double(rng.next() % 20)) * (rng.next() % 2 == 0 ? 1 : -1)
            let s = abs(scaled)
            XCTAssertEqual(FloatText.value(scaled), .number(FloatText.goFormat(scaled.description, scientific: s != 0 && (s < 1e-6 || s >= 1e21))), "\(scaled)")
            let f = Float(scaled)
            let af = abs(f)
            XCTAssertEqual(FloatText.value(f), .number(FloatText.goFormat(f.description, scientific: af != 0 && (af < Float(1e-6) || af >= Float(1e21)))), "\(f)")
        }
    }

    func testTimestamps() throws {
        XCTAssertEqual(TimeText.formatTimestamp(seconds: 0, nanos: 0), "1970-01-01T00:00:00Z")
        XCTAssertEqual(TimeText.formatTimestamp(seconds: 951_782_400, nanos: 120_000_000), "2000-02-29T00:00:00.12Z")
        XCTAssertEqual(TimeText.formatTimestamp(seconds: TimeText.minSeconds, nanos: 0), "0001-01-01T00:00:00Z")
        XCTAssertEqual(TimeText.formatTimestamp(seconds: TimeText.maxSeconds, nanos: 999_999_999), "9999-12-31T23:59:59.999999999Z")
        XCTAssertNil(TimeText.formatTimestamp(seconds: 0, nanos: -1))
        XCTAssertNil(TimeText.formatTimestamp(seconds: TimeText.maxSeconds + 1, nanos: 0))
        for (text, seconds, nanos) in [("2000-02-29T00:00:00.12Z", 951_782_400, 120_000_000),
                                       ("1969-12-31T23:59:59.999999999Z", -1, 999_999_999),
                                       ("1970-01-01T01:00:00+01:00", 0, 0),
                                       ("1970-01-01T00:00:00.1234567891Z", 0, 123_456_789)] {
            let parsed = try XCTUnwrap(TimeText.parseTimestamp(text), text)
            XCTAssertEqual(parsed.seconds, Int64(seconds), text)
            XCTAssertEqual(parsed.nanos, Int32(nanos), text)
        }
        for bad in ["", "2023-07-09", "2023-07-09T10:00:00", "2023-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
                    "2023-07-09T24:00:00Z", "2023-07-09T10:00:00.Z", "2023-07-09T10:00:00Zjunk", "10000-01-01T00:00:00Z"] {
            XCTAssertNil(TimeText.parseTimestamp(bad), bad)
        }
    }

    func testDurations() throws {
        XCTAssertEqual(TimeText.formatDuration(seconds: 1, nanos: 500_000_000), "1.5s")
        XCTAssertEqual(TimeText.formatDuration(seconds: 0, nanos: -1), "-0.000000001s")
        XCTAssertEqual(TimeText.formatDuration(seconds: -90, nanos: 0), "-90s")
        XCTAssertNil(TimeText.formatDuration(seconds: 1, nanos: -1), "mixed signs are invalid")
        for (text, seconds, nanos) in [("1.5s", 1, 500_000_000), ("-0.25s", 0, -250_000_000), ("1h30m", 5400, 0),
                                       ("300ms", 0, 300_000_000), ("1.000000001s", 1, 1), ("0", 0, 0),
                                       ("2us", 0, 2000), ("1µs", 0, 1000), ("-1m0.5s", -60, -500_000_000),
                                       ("315576000000s", 315_576_000_000, 0)] {
            let parsed = try XCTUnwrap(TimeText.parseDuration(text), text)
            XCTAssertEqual(parsed.seconds, Int64(seconds), text)
            XCTAssertEqual(parsed.nanos, Int32(nanos), text)
        }
        for bad in ["", "5", "1d", "s", "1.5", "--1s", "315576000001s", "1e3s"] {
            XCTAssertNil(TimeText.parseDuration(bad), bad)
        }
    }

    func testBase64() {
        XCTAssertEqual(Base64.encode([]), "")
        XCTAssertEqual(Base64.encode(Array("f".utf8)), "Zg==")
        XCTAssertEqual(Base64.encode(Array("fo".utf8)), "Zm8=")
        XCTAssertEqual(Base64.encode(Array("foo".utf8)), "Zm9v")
        XCTAssertEqual(Base64.encode([0xFB, 0xFF]), "+/8=")
        XCTAssertEqual(Base64.decode("+/8="), [0xFB, 0xFF])
        XCTAssertEqual(Base64.decode("-_8"), [0xFB, 0xFF], "URL-safe, unpadded")
        XCTAssertEqual(Base64.decode("Zm9vYg"), Array("foob".utf8))
        XCTAssertNil(Base64.decode("Z"))
        XCTAssertNil(Base64.decode("Zm 9v"))
        XCTAssertNil(Base64.decode("Zm=9v"))
        let all = (0...255).map(UInt8.init)
        XCTAssertEqual(Base64.decode(Base64.encode(all)), all)
    }

    func testLengthPrefixesGrowInPlace() {
        for size in [0, 1, 127, 128, 300, 16_383, 16_384, 2_097_152] {
            var writer = WireWriter(reusing: [])
            writer.writeTag(1, .lengthDelimited)
            let start = writer.beginLengthDelimited()
            writer.bytes.append(contentsOf: repeatElement(0xAB, count: size))
            writer.endLengthDelimited(start)
            writer.writeTag(2, .varint)
            writer.writeVarint(1)
            var reference = WireWriter(reusing: [])
            reference.writeTag(1, .lengthDelimited)
            reference.writeBytes([UInt8](repeating: 0xAB, count: size))
            reference.writeTag(2, .varint)
            reference.writeVarint(1)
            XCTAssertEqual(writer.bytes, reference.bytes, "\(size)")
        }
    }
}

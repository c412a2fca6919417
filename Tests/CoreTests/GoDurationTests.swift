import Testing
@testable import GatewayCore

private let ns: Int64 = 1
private let us: Int64 = 1_000
private let ms: Int64 = 1_000_000
private let sec: Int64 = 1_000_000_000
private let minute: Int64 = 60 * sec
private let hour: Int64 = 60 * minute

@Suite("Go durations")
struct GoDurationTests {
    // Go's time_test.go parseDurationTests.
    @Test(arguments: [
        // simple
        ("0", 0), ("5s", 5 * sec), ("30s", 30 * sec), ("1478s", 1478 * sec),
        // sign
        ("-5s", -5 * sec), ("+5s", 5 * sec), ("-0", 0), ("+0", 0),
        // decimal
        ("5.0s", 5 * sec), ("5.6s", 5 * sec + 600 * ms), ("5.s", 5 * sec), (".5s", 500 * ms),
        ("1.0s", 1 * sec), ("1.00s", 1 * sec), ("1.004s", 1 * sec + 4 * ms), ("1.0040s", 1 * sec + 4 * ms),
        ("100.00100s", 100 * sec + 1 * ms), ("-1.5h", -(hour + 30 * minute)),
        // every unit
        ("10ns", 10 * ns), ("11us", 11 * us), ("12µs", 12 * us), ("12μs", 12 * us),
        ("13ms", 13 * ms), ("14s", 14 * sec), ("15m", 15 * minute), ("16h", 16 * hour),
        ("300ms", 300 * ms), ("1us", us), ("1µs", us),
        // composite
        ("3h30m", 3 * hour + 30 * minute), ("2h45m", 2 * hour + 45 * minute),
        ("10.5s4m", 4 * minute + 10 * sec + 500 * ms), ("-2m3.4s", -(2 * minute + 3 * sec + 400 * ms)),
        ("1h2m3s4ms5us6ns", 1 * hour + 2 * minute + 3 * sec + 4 * ms + 5 * us + 6 * ns),
        ("39h9m14.425s", 39 * hour + 9 * minute + 14 * sec + 425 * ms),
        // large values and precision
        ("52763797000ns", 52_763_797_000), ("0.3333333333333333333h", 20 * minute),
        ("9007199254740993ns", (1 << 53) + 1),
        ("9223372036854775807ns", Int64.max), ("9223372036854775.807us", Int64.max),
        ("9223372036s854ms775us807ns", Int64.max),
        ("-9223372036854775808ns", Int64.min), ("-9223372036854775.808us", Int64.min),
        ("-9223372036s854ms775us808ns", Int64.min), ("-2562047h47m16.854775808s", Int64.min),
        ("0.100000000000000000000h", 6 * minute),
        ("0.830103483285477580700h", 49 * minute + 48 * sec + 372_539_827),
    ] as [(String, Int64)])
    func parses(_ text: String, _ nanoseconds: Int64) {
        #expect(GoDuration.parseNanoseconds(text) == nanoseconds)
        #expect(GoDuration.parse(text) == .nanoseconds(nanoseconds))
    }

    @Test(arguments: [
        "", "3", "-", "+", "s", ".", "-.", ".s", "+.s", "1d", "1", "10", "1.5",
        "1h 30m", " 1s", "1s ", "1S", "1H", "1sec", "1hr", "1m1", "--1s", "+-1s", "1.2.3s",
        "\u{FFFD}", "\u{FFFD} hello \u{FFFD} world", "hello", "1e3s", "0x10s", "1,5s",
        // overflow
        "9223372036854775810ns", "9223372036854775808ns", "-9223372036854775809ns",
        "9223372036854776us", "3000000h", "9223372036854775.808us", "9223372036854ms775us808ns",
        "99999999999999999999999h",
    ])
    func rejects(_ text: String) {
        #expect(GoDuration.parse(text) == nil)
        #expect(GoDuration.parseNanoseconds(text) == nil)
    }

    // Go's time_test.go durationTests.
    @Test(arguments: [
        ("0s", 0), ("1ns", 1), ("1.1µs", 1100), ("2.2ms", 2200 * us), ("3.3s", 3300 * ms),
        ("4m5s", 4 * minute + 5 * sec), ("4m5.001s", 4 * minute + 5001 * ms),
        ("5h6m7.001s", 5 * hour + 6 * minute + 7001 * ms), ("8m0.000000001s", 8 * minute + 1),
        ("2562047h47m16.854775807s", Int64.max), ("-2562047h47m16.854775808s", Int64.min),
        ("1m30s", 90 * sec), ("150µs", 150 * us), ("1h0m0s", hour), ("-1.5µs", -1500),
        ("999ns", 999), ("1µs", us), ("1ms", ms), ("1s", sec), ("1m0s", minute), ("-1h30m0s", -90 * minute),
        ("10.001ms", 10 * ms + 1 * us), ("10.000001ms", 10 * ms + 1), ("59.999999999s", minute - 1),
    ] as [(String, Int64)])
    func formats(_ text: String, _ nanoseconds: Int64) {
        #expect(GoDuration.format(nanoseconds: nanoseconds) == text)
        #expect(GoDuration.format(.nanoseconds(nanoseconds)) == text)
        // Formatting then parsing round-trips.
        #expect(GoDuration.parseNanoseconds(text) == nanoseconds)
    }

    @Test func swiftDurations() {
        #expect(GoDuration.format(.seconds(90)) == "1m30s")
        #expect(GoDuration.format(.milliseconds(-1500)) == "-1.5s")
        #expect(GoDuration.format(.microseconds(150)) == "150µs")
        #expect(GoDuration.format(.zero) == "0s")
        #expect(GoDuration.format(.seconds(0.25)) == "250ms")
        // Sub-nanosecond precision is truncated toward zero.
        #expect(GoDuration.format(.nanoseconds(1) / 2) == "0s")
        #expect(GoDuration.nanoseconds(of: .seconds(-1.5)) == -1_500_000_000)
        #expect(GoDuration.nanoseconds(of: .nanoseconds(-1) / 2) == 0)
        // Out of Go's range: clamped.
        #expect(GoDuration.nanoseconds(of: .seconds(Int64.max)) == Int64.max)
        #expect(GoDuration.nanoseconds(of: .seconds(Int64.min)) == Int64.min)
        #expect(GoDuration.parse("2h45m") == .seconds(2 * 3600 + 45 * 60))
        #expect(GoDuration.parse("-1.5h") == .seconds(-5400))
    }
}

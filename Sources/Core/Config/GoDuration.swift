/// Go's `time.Duration` text format: `time.ParseDuration` and `Duration.String()`.
///
/// Go durations are a signed 64-bit count of nanoseconds; parsing keeps that
/// range (values beyond ±2^63-1 ns, about 292 years, are rejected) and
/// formatting truncates sub-nanosecond precision.
public enum GoDuration {
    private static let nanosecond: UInt64 = 1
    private static let microsecond: UInt64 = 1_000
    private static let millisecond: UInt64 = 1_000_000
    private static let second: UInt64 = 1_000_000_000
    private static let minute: UInt64 = 60 * second
    private static let hour: UInt64 = 60 * minute
    private static let limit: UInt64 = 1 << 63

    private static func unit(_ u: ArraySlice<UInt8>) -> UInt64? {
        switch Array(u) {
        case [0x6E, 0x73]: return nanosecond                // "ns"
        case [0x75, 0x73]: return microsecond               // "us"
        case [0xC2, 0xB5, 0x73]: return microsecond         // "µs" U+00B5 micro sign
        case [0xCE, 0xBC, 0x73]: return microsecond         // "μs" U+03BC Greek mu
        case [0x6D, 0x73]: return millisecond               // "ms"
        case [0x73]: return second                          // "s"
        case [0x6D]: return minute                          // "m"
        case [0x68]: return hour                            // "h"
        default: return nil
        }
    }

    /// Parses `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+` like Go's `time.ParseDuration`
    /// ("300ms", "-1.5h", "2h45m", "1µs", "0"). Returns nil on bad input.
    public static func parse(_ text: String) -> Duration? {
        guard let ns = parseNanoseconds(text) else { return nil }
        return .nanoseconds(ns)
    }

    /// Like `parse`, as Go's signed nanosecond count.
    public static func parseNanoseconds(_ text: String) -> Int64? {
        var s = ArraySlice(text.utf8)
        var neg = false
        if let c = s.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") {
            neg = c == UInt8(ascii: "-")
            s = s.dropFirst()
        }
        if s.elementsEqual([UInt8(ascii: "0")]) { return 0 }
        if s.isEmpty { return nil }

        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }

        var d: UInt64 = 0
        while let first = s.first {
            // The next character must be [0-9.]
            guard first == UInt8(ascii: ".") || isDigit(first) else { return nil }

            // Consume [0-9]*
            var v: UInt64 = 0
            var pre = false
            while let c = s.first, isDigit(c) {
                if v > limit / 10 { return nil }
                v = v * 10 + UInt64(c - UInt8(ascii: "0"))
                if v > limit { return nil }
                s = s.dropFirst()
                pre = true
            }

            // Consume (\.[0-9]*)?
            var f: UInt64 = 0
            var scale: Double = 1
            var post = false
            if s.first == UInt8(ascii: ".") {
                s = s.dropFirst()
                var overflow = false
                while let c = s.first, isDigit(c) {
                    s = s.dropFirst()
                    post = true
                    if overflow { continue }
                    if f > (limit - 1) / 10 {
                        overflow = true
                        continue
                    }
                    let y = f * 10 + UInt64(c - UInt8(ascii: "0"))
                    if y > limit {
                        overflow = true
                        continue
                    }
                    f = y
                    scale *= 10
                }
            }
            if !pre && !post { return nil }   // no digits, e.g. ".s"

            // Consume the unit: everything up to the next [0-9.].
            var unitEnd = s.startIndex
            while unitEnd < s.endIndex, s[unitEnd] != UInt8(ascii: "."), !isDigit(s[unitEnd]) {
                unitEnd += 1
            }
            if unitEnd == s.startIndex { return nil }   // missing unit
            guard let unit = unit(s[s.startIndex..<unitEnd]) else { return nil }
            s = s[unitEnd...]

            if v > limit / unit { return nil }
            v *= unit
            if f > 0 {
                // Double is needed to be nanosecond accurate for fractions of hours.
                v += UInt64(Double(f) * (Double(unit) / scale))
                if v > limit { return nil }
            }
            d += v
            if d > limit { return nil }
        }
        if neg {
            return d == limit ? Int64.min : -Int64(d)
        }
        if d > limit - 1 { return nil }
        return Int64(d)
    }

    /// Go's `Duration.String()`: "72h3m0.5s", "1m30s", "1.5ms", "150µs", "10ns", "0s".
    public static func format(_ duration: Duration) -> String {
        format(nanoseconds: nanoseconds(of: duration))
    }

    /// The duration as Go's signed nanosecond count, truncated toward zero and
    /// clamped to the Int64 range.
    public static func nanoseconds(of duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (secNs, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? Int64.min : Int64.max }
        let (total, overflow2) = secNs.addingReportingOverflow(attoseconds / 1_000_000_000)
        if overflow2 { return seconds < 0 ? Int64.min : Int64.max }
        return total
    }

    /// Go's `Duration.String()` for a nanosecond count.
    public static func format(nanoseconds d: Int64) -> String {
        // Largest: "-2562047h47m16.854775808s"
        var buf = [UInt8](repeating: 0, count: 32)
        var w = buf.count
        let neg = d < 0
        var u = d.magnitude

        func fmtFrac(_ v: UInt64, _ prec: Int) -> UInt64 {
            var v = v
            var print = false
            for _ in 0..<prec {
                let digit = v % 10
                print = print || digit != 0
                if print {
                    w -= 1
                    buf[w] = UInt8(digit) + UInt8(ascii: "0")
                }
                v /= 10
            }
            if print {
                w -= 1
                buf[w] = UInt8(ascii: ".")
            }
            return v
        }
        func fmtInt(_ v: UInt64) {
            var v = v
            if v == 0 {
                w -= 1
                buf[w] = UInt8(ascii: "0")
                return
            }
            while v > 0 {
                w -= 1
                buf[w] = UInt8(v % 10) + UInt8(ascii: "0")
                v /= 10
            }
        }

        if u < second {
            // Smaller than a second: use smaller units, like 1.2ms.
            var prec = 0
            w -= 1
            buf[w] = UInt8(ascii: "s")
            if u == 0 { return "0s" }
            if u < microsecond {
                prec = 0
                w -= 1
                buf[w] = UInt8(ascii: "n")
            } else if u < millisecond {
                prec = 3
                w -= 2
                buf[w] = 0xC2   // µ (U+00B5)
                buf[w + 1] = 0xB5
            } else {
                prec = 6
                w -= 1
                buf[w] = UInt8(ascii: "m")
            }
            u = fmtFrac(u, prec)
            fmtInt(u)
        } else {
            w -= 1
            buf[w] = UInt8(ascii: "s")
            u = fmtFrac(u, 9)
            // u is now integer seconds
            fmtInt(u % 60)
            u /= 60
            // u is now integer minutes
            if u > 0 {
                w -= 1
                buf[w] = UInt8(ascii: "m")
                fmtInt(u % 60)
                u /= 60
                // u is now integer hours; stop at hours because days can be different lengths.
                if u > 0 {
                    w -= 1
                    buf[w] = UInt8(ascii: "h")
                    fmtInt(u)
                }
            }
        }
        if neg {
            w -= 1
            buf[w] = UInt8(ascii: "-")
        }
        return String(decoding: buf[w...], as: UTF8.self)
    }
}

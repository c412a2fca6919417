/// The text forms of Timestamp and Duration: Go's RFC 3339 with nanoseconds
/// (trailing zeros trimmed, as `time.RFC3339Nano`) and seconds with a
/// fraction (`"1.5s"`). Input also takes offsets (`+02:00`) and Go duration
/// syntax (`1h30m`, `250ms`).
enum TimeText {
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the range protobuf allows.
    static let minSeconds: Int64 = -62_135_596_800
    static let maxSeconds: Int64 = 253_402_300_799
    /// ±10 000 years, Duration's documented range.
    static let maxDurationSeconds: Int64 = 315_576_000_000

    static func formatTimestamp(seconds: Int64, nanos: Int32) -> String? {
        guard (minSeconds...maxSeconds).contains(seconds), (0..<1_000_000_000).contains(nanos) else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let (y, m, d) = civil(fromDays: days)
        var out = pad(Int(y), 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        out += fraction(nanos)
        return out + "Z"
    }

    static func formatDuration(seconds: Int64, nanos: Int32) -> String? {
        guard abs(seconds) <= maxDurationSeconds, abs(nanos) < 1_000_000_000,
              !(seconds > 0 && nanos < 0), !(seconds < 0 && nanos > 0) else { return nil }
        let negative = seconds < 0 || nanos < 0
        return (negative ? "-" : "") + String(abs(seconds)) + fraction(abs(nanos)) + "s"
    }

    /// `.5`, `.000000001`; empty for whole seconds.
    private static func fraction(_ nanos: Int32) -> String {
        guard nanos != 0 else { return "" }
        var digits = pad(Int(nanos), 9)
        while digits.hasSuffix("0") { digits.removeLast() }
        return "." + digits
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Howard Hinnant's days → (year, month, day) in the proleptic Gregorian calendar.
    static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = Int(doy - (153 * mp + 2) / 5 + 1)
        let m = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func days(fromCivil year: Int64, _ month: Int, _ day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2023-07-09T10:30:00.5Z`, `2023-07-09t10:30:00+02:00`.
    static func parseTimestamp(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        let s = Array(text.utf8)
        var i = 0
        func number(_ width: Int) -> Int? {
            guard i + width <= s.count else { return nil }
            var v = 0
            for k in 0..<width {
                let c = s[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            i += width
            return v
        }
        func expect(_ chars: String) -> Bool {
            guard i < s.count, chars.utf8.contains(s[i]) else { return false }
            i += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect("Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"),
              let second = number(2)
        else { return nil }
        var nanos = 0
        if i < s.count, s[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                // Beyond nanoseconds the digits are truncated, as Go does.
                if digits < 9 { nanos = nanos * 10 + Int(s[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        var offset = 0
        if expect("Zz") {
        } else if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            i += 1
            guard let oh = number(2), expect(":"), let om = number(2), oh < 24, om < 60 else { return nil }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == s.count, (1...12).contains(month), day >= 1, day <= daysIn(month, year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        let seconds = days(fromCivil: Int64(year), month, day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second - offset)
        guard (minSeconds...maxSeconds).contains(seconds) else { return nil }
        return (seconds, Int32(nanos))
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// `1.5s`, `-0.25s`, and Go's `time.ParseDuration` syntax (`1h2m3.5s`, `300ms`).
    static func parseDuration(_ text: String) -> (seconds: Int64, nanos: Int32)? {
        var s = Substring(text)
        var negative = false
        if s.hasPrefix("-") || s.hasPrefix("+") {
            negative = s.hasPrefix("-")
            s = s.dropFirst()
        }
        if s == "0" { return (0, 0) }
        guard !s.isEmpty else { return nil }
        var total: Int128 = 0
        var chars = Array(s.unicodeScalars)
        chars.append("\0")
        var i = 0
        while chars[i] != "\0" {
            var whole: Int128 = 0
            var fraction: Int128 = 0
            var scale: Int128 = 1
            var sawDigit = false
            while chars[i].value &- 48 < 10 {
                whole = whole * 10 + Int128(chars[i].value - 48)
                guard whole < 1 << 80 else { return nil }
                sawDigit = true
                i += 1
            }
            if chars[i] == "." {
                i += 1
                while chars[i].value &- 48 < 10 {
                    if scale < 1_000_000_000_000_000_000 {
                        fraction = fraction * 10 + Int128(chars[i].value - 48)
                        scale *= 10
                    }
                    sawDigit = true
                    i += 1
                }
            }
            guard sawDigit else { return nil }
            var unit = ""
            while chars[i] != "\0", chars[i] != ".", !(chars[i].value &- 48 < 10) {
                unit.unicodeScalars.append(chars[i])
                i += 1
            }
            let nanosPerUnit: Int128
            switch unit {
            case "ns": nanosPerUnit = 1
            case "us", "µs", "μs": nanosPerUnit = 1_000
            case "ms": nanosPerUnit = 1_000_000
            case "s": nanosPerUnit = 1_000_000_000
            case "m": nanosPerUnit = 60_000_000_000
            case "h": nanosPerUnit = 3_600_000_000_000
            default: return nil
            }
            total += whole * nanosPerUnit + fraction * nanosPerUnit / scale
        }
        if negative { total = -total }
        let seconds = total / 1_000_000_000
        guard abs(seconds) <= Int128(maxDurationSeconds) else { return nil }
        return (Int64(seconds), Int32(total % 1_000_000_000))
    }
}

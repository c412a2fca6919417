import Foundation

/// A Go `time.Time` in UTC, as returned by Sprig's `now` and read by `date`.
/// The gateway formats in UTC: Sprig's "Local" zone is the container's, which
/// is UTC in practice, and a fixed zone keeps the output reproducible.
struct TemplateTime: Sendable, Equatable {
    var seconds: Int64
    var nanoseconds: Int32

    static func now() -> TemplateTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return TemplateTime(seconds: Int64(ts.tv_sec), nanoseconds: Int32(ts.tv_nsec))
    }

    /// Civil fields from the day count (Howard Hinnant's days-from-civil inverse).
    private var civil: (year: Int, month: Int, day: Int, yday: Int, weekday: Int, hour: Int, minute: Int, second: Int) {
        let s = Int(seconds)
        var days = s / 86_400
        var rem = s % 86_400
        if rem < 0 {
            rem += 86_400
            days -= 1
        }
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
        let yday = cumulative[month - 1] + day + (leap && month > 2 ? 1 : 0)
        let weekday = ((days % 7) + 11) % 7 // 1970-01-01 was a Thursday
        return (year, month, day, yday, weekday, rem / 3600, rem / 60 % 60, rem % 60)
    }

    /// Go's `Time.String()` (without the monotonic clock reading).
    var description: String { format("2006-01-02 15:04:05.999999999 -0700 MST") }

    /// `time.RFC3339Nano`, what Go's JSON encoder writes for a time.
    var rfc3339Nano: String { format("2006-01-02T15:04:05.999999999Z07:00") }

    private static let shortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let longMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]

    /// Go's `Time.Format` with a reference-time layout (`2006-01-02T15:04:05Z07:00`).
    func format(_ layout: String) -> String {
        let c = civil
        let l = Array(layout.utf8)
        var out: [UInt8] = []
        func has(_ i: Int, _ s: String) -> Bool {
            let b = Array(s.utf8)
            return i + b.count <= l.count && Array(l[i..<(i + b.count)]) == b
        }
        func lowerAt(_ i: Int) -> Bool { i < l.count && l[i] >= UInt8(ascii: "a") && l[i] <= UInt8(ascii: "z") }
        func put(_ s: String) { out.append(contentsOf: s.utf8) }
        func pad(_ v: Int, _ width: Int, _ fill: String = "0") {
            var s = String(v.magnitude)
            while s.count < width { s = fill + s }
            put(v < 0 ? "-" + s : s)
        }
        var i = 0
        while i < l.count {
            let ch = l[i]
            var n = 0
            switch ch {
            case UInt8(ascii: "J") where has(i, "January"): put(Self.longMonths[c.month - 1]); n = 7
            case UInt8(ascii: "J") where has(i, "Jan") && !lowerAt(i + 3): put(Self.shortMonths[c.month - 1]); n = 3
            case UInt8(ascii: "M") where has(i, "Monday"): put(Self.longDays[c.weekday]); n = 6
            case UInt8(ascii: "M") where has(i, "Mon") && !lowerAt(i + 3): put(Self.shortDays[c.weekday]); n = 3
            case UInt8(ascii: "M") where has(i, "MST"): put("UTC"); n = 3
            case UInt8(ascii: "0") where i + 1 < l.count && l[i + 1] >= UInt8(ascii: "1") && l[i + 1] <= UInt8(ascii: "6"):
                switch l[i + 1] {
                case UInt8(ascii: "1"): pad(c.month, 2)
                case UInt8(ascii: "2"): pad(c.day, 2)
                case UInt8(ascii: "3"): pad(c.hour % 12 == 0 ? 12 : c.hour % 12, 2)
                case UInt8(ascii: "4"): pad(c.minute, 2)
                case UInt8(ascii: "5"): pad(c.second, 2)
                default: pad(c.year % 100, 2)
                }
                n = 2
            case UInt8(ascii: "0") where has(i, "002"): pad(c.yday, 3); n = 3
            case UInt8(ascii: "1") where has(i, "15"): pad(c.hour, 2); n = 2
            case UInt8(ascii: "1"): put(String(c.month)); n = 1
            case UInt8(ascii: "2") where has(i, "2006"): pad(c.year, 4); n = 4
            case UInt8(ascii: "2"): put(String(c.day)); n = 1
            case UInt8(ascii: "_") where has(i, "_2006"): put("_"); pad(c.year, 4); n = 5
            case UInt8(ascii: "_") where has(i, "_2"): pad(c.day, 2, " "); n = 2
            case UInt8(ascii: "_") where has(i, "__2"): pad(c.yday, 3, " "); n = 3
            case UInt8(ascii: "3"): put(String(c.hour % 12 == 0 ? 12 : c.hour % 12)); n = 1
            case UInt8(ascii: "4"): put(String(c.minute)); n = 1
            case UInt8(ascii: "5"): put(String(c.second)); n = 1
            case UInt8(ascii: "P") where has(i, "PM"): put(c.hour >= 12 ? "PM" : "AM"); n = 2
            case UInt8(ascii: "p") where has(i, "pm"): put(c.hour >= 12 ? "pm" : "am"); n = 2
            case UInt8(ascii: "-"), UInt8(ascii: "Z"):
                // UTC: numeric zones are +00..., ISO 8601 ones a bare Z.
                let iso = ch == UInt8(ascii: "Z")
                for (pattern, text) in [("070000", "+000000"), ("07:00:00", "+00:00:00"), ("0700", "+0000"),
                                        ("07:00", "+00:00"), ("07", "+00")] where has(i + 1, pattern) {
                    put(iso ? "Z" : text)
                    n = 1 + pattern.utf8.count
                    break
                }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                guard i + 1 < l.count, l[i + 1] == UInt8(ascii: "0") || l[i + 1] == UInt8(ascii: "9") else { break }
                var j = i + 1
                while j < l.count && l[j] == l[i + 1] { j += 1 }
                if j < l.count && l[j] >= UInt8(ascii: "0") && l[j] <= UInt8(ascii: "9") { break }
                var frac = String(nanoseconds)
                while frac.count < 9 { frac = "0" + frac }
                var digits = String(frac.prefix(j - i - 1))
                if l[i + 1] == UInt8(ascii: "9") {
                    while digits.hasSuffix("0") { digits.removeLast() }
                }
                if !digits.isEmpty { out.append(ch); put(digits) }
                n = j - i
            default:
                break
            }
            if n == 0 {
                out.append(ch)
                n = 1
            }
            i += n
        }
        return String(decoding: out, as: UTF8.self)
    }
}

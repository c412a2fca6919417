// gofeed's `shared.ParseDate`: the first of its many Go layouts that parses
// the trimmed text wins; layouts with a named zone are tried last and, when
// Go's `LoadLocation` knows the zone name, re-parsed in that zone. Also the
// JSON form of the result, Go's `time.Time.MarshalJSON` (RFC 3339 with
// nanoseconds).

enum FeedDate {
    static func parse(_ text: String) -> GoTime? {
        let d = FeedPullParser.goTrimSpace(text)
        if d.isEmpty { return nil }
        for layout in layouts {
            if let t = GoTimeLayout.parse(layout: layout, value: d) { return t }
        }
        for layout in layoutsWithNamedZone {
            guard var t = GoTimeLayout.parse(layout: layout, value: d) else { continue }
            guard let zoneOffset = knownZones[t.zoneName] else { return t }
            // ParseInLocation(layout, untrimmed text, zone)
            guard GoTimeLayout.parse(layout: layout, value: text) != nil else { continue }
            t.offset = zoneOffset
            return t
        }
        return nil
    }

    /// Zone abbreviations that are also tz database names (offset in seconds):
    /// the only ones `LoadLocation` resolves.
    private static let knownZones: [String: Int] = [
        "": 0, "UTC": 0, "UCT": 0, "GMT": 0, "WET": 0, "CET": 3600, "MET": 3600, "EET": 7200,
        "EST": -18000, "MST": -25200, "HST": -36000,
    ]

    /// The same instant in UTC (Go's `t.UTC()`).
    static func utc(_ t: GoTime) -> GoTime {
        let seconds = unixSeconds(t) - Int64(t.offset)
        var r = civil(seconds)
        r.nanosecond = t.nanosecond
        return r
    }

    static func unixSeconds(_ t: GoTime) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let y = Int64(t.month <= 2 ? t.year - 1 : t.year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((t.month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(t.day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146097 + doe - 719468
        return days * 86400 + Int64(t.hour * 3600 + t.minute * 60 + t.second)
    }

    static func civil(_ seconds: Int64) -> GoTime {
        var days = seconds / 86400
        var rem = seconds % 86400
        if rem < 0 {
            rem += 86400
            days -= 1
        }
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        var t = GoTime()
        t.year = Int(yoe + era * 400 + (m <= 2 ? 1 : 0))
        t.month = Int(m)
        t.day = Int(d)
        t.hour = Int(rem / 3600)
        t.minute = Int(rem % 3600 / 60)
        t.second = Int(rem % 60)
        return t
    }

    /// RFC 3339 with trailing-zero-trimmed nanoseconds and `Z` for UTC.
    static func rfc3339Nano(_ t: GoTime) -> String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        var s = "\(pad(t.year, 4))-\(pad(t.month, 2))-\(pad(t.day, 2))T\(pad(t.hour, 2)):\(pad(t.minute, 2)):\(pad(t.second, 2))"
        if t.nanosecond > 0 {
            var frac = pad(t.nanosecond, 9)
            while frac.hasSuffix("0") { frac.removeLast() }
            s += "." + frac
        }
        if t.offset == 0 { return s + "Z" }
        let minutes = abs(t.offset) / 60
        return s + (t.offset < 0 ? "-" : "+") + pad(minutes / 60, 2) + ":" + pad(minutes % 60, 2)
    }

    static func json(_ t: GoTime) -> Value { .string(rfc3339Nano(t)) }

    private static let layouts: [String] = [
        "02 Jan 06 15:04 MST", "02 Jan 06 15:04 -0700", "2006-01-02T15:04:05Z07:00", "Mon Jan _2 15:04:05 MST 2006",
        "Mon Jan 02 15:04:05 -0700 2006", "Monday, 02-Jan-06 15:04:05 MST", "Mon, 02 Jan 2006 15:04:05 -0700",
        "Mon, 02 Jan 2006 15:04:05 MST", "Mon Jan _2 15:04:05 2006", "Mon, January 2 2006 15:04:05 -0700",
        "Mon, Jan 2 2006 15:04:05 -700", "Mon, Jan 2 2006 15:04:05 -0700", "Mon Jan 2 15:04 2006",
        "Mon Jan 02, 2006 3:04 pm", "Mon Jan 02 2006 15:04:05 -0700", "Mon Jan 02 2006 15:04:05 GMT-0700 (MST)",
        "Monday, January 2, 2006 03:04 PM", "Monday, January 2, 2006", "Monday, January 02, 2006",
        "Monday, 2 January 2006 15:04:05 -0700", "Monday, 2 Jan 2006 15:04:05 -0700",
        "Monday, 02 January 2006 15:04:05 -0700", "Monday, 02 January 2006 15:04:05",
        "Mon, 2 January 2006, 15:04 -0700", "Mon, 2 January 2006 15:04:05 -0700", "Mon, 2 January 2006",
        "Mon, 2 Jan 2006 3:04:05 PM -0700", "Mon, 2 Jan 2006 15:4:5 -0700 GMT", "Mon, 2, Jan 2006 15:4",
        "Mon, 2 Jan 2006, 15:04 -0700", "Mon, 2 Jan 2006 15:04 -0700", "Mon, 2 Jan 2006 15:04:05 UT",
        "Mon, 2 Jan 2006 15:04:05 -0700 MST", "Mon, 2 Jan 2006 15:04:05-0700", "Mon, 2 Jan 2006 15:04:05 -0700",
        "Mon, 2 Jan 2006 15:04:05", "Mon, 2 Jan 2006 15:04", "Mon,2 Jan 2006", "Mon, 2 Jan 2006",
        "Mon, 2 Jan 06 15:04:05 -0700", "Mon, 2006-01-02 15:04", "Mon, 02 January 2006", "Mon, 02 Jan 2006 15 -0700",
        "Mon, 02 Jan 2006 15:04 -0700", "Mon, 02 Jan 2006 15:04:05 Z", "Mon, 02 Jan 2006 15:04:05 UT",
        "Mon, 02 Jan 2006 15:04:05 MST-07:00", "Mon, 02 Jan 2006 15:04:05 MST -0700",
        "Mon, 02 Jan 2006 15:04:05 GMT-0700", "Mon,02 Jan 2006 15:04:05 -0700", "Mon, 02 Jan 2006 15:04:05 -0700",
        "Mon, 02 Jan 2006 15:04:05 -07:00", "Mon, 02 Jan 2006 15:04:05 --0700", "Mon 02 Jan 2006 15:04:05 -0700",
        "Mon, 02 Jan 2006 15:04:05 -07", "Mon, 02 Jan 2006 15:04:05 00", "Mon, 02 Jan 2006 15:04:05",
        "Mon, 02 Jan 2006 15:4:5 Z", "Mon, 02 Jan 2006", "January 2, 2006 3:04 PM", "January 2, 2006, 3:04 p.m.",
        "January 2, 2006 15:04:05", "January 2, 2006 03:04 PM", "January 2, 2006", "January 02, 2006 15:04",
        "January 02, 2006 03:04 PM", "January 02, 2006", "Jan 2, 2006 3:04:05 PM", "Jan 2, 2006",
        "Jan 02 2006 03:04:05PM", "Jan 02, 2006", "6/1/2 15:04", "6-1-2 15:04", "2 January 2006 15:04:05 -0700",
        "2 January 2006", "2 Jan 2006 15:04:05 Z", "2 Jan 2006 15:04:05 -0700", "2 Jan 2006", "2.1.2006 15:04:05",
        "2/1/2006", "2-1-2006", "2006 January 02", "2006-1-2T15:04:05Z", "2006-1-2 15:04:05", "2006-1-2",
        "2006-1-02T15:04:05Z", "2006-01-02T15:04Z", "2006-01-02T15:04-07:00", "2006-01-02T15:04:05Z",
        "2006-01-02T15:04:05-07:00:00", "2006-01-02T15:04:05:-0700", "2006-01-02T15:04:05-0700",
        "2006-01-02T15:04:05-07:00", "2006-01-02T15:04:05 -0700", "2006-01-02T15:04:05:00", "2006-01-02T15:04:05",
        "2006-01-02 at 15:04:05", "2006-01-02 15:04:05Z", "2006-01-02 15:04:05-0700", "2006-01-02 15:04:05-07:00",
        "2006-01-02 15:04:05 -0700", "2006-01-02 15:04", "2006-01-02 00:00:00.0 15:04:05.0 -0700", "2006/01/02",
        "2006-01-02", "15:04 02.01.2006 -0700", "1/2/2006 3:04:05 PM", "1/2/2006", "06/1/2 15:04", "06-1-2 15:04",
        "02 Monday, Jan 2006 15:04", "02 Jan 2006 15:04:05 UT", "02 Jan 2006 15:04:05 -0700", "02 Jan 2006 15:04:05",
        "02 Jan 2006", "02.01.2006 15:04:05", "02/01/2006 15:04:05", "02.01.2006 15:04", "02/01/2006 - 15:04",
        "02.01.2006 -0700", "02/01/2006", "02-01-2006", "01/02/2006 3:04 PM", "01/02/2006 - 15:04", "01/02/2006",
        "01-02-2006",
    ]

    private static let layoutsWithNamedZone: [String] = [
        "Mon, January 02, 2006, 15:04:05 MST", "Mon, January 02, 2006 15:04:05 MST", "Mon, Jan 2, 2006 15:04 MST",
        "Mon, Jan 2 2006 15:04 MST", "Mon, Jan 2, 2006 15:04:05 MST", "Mon Jan 2 15:04:05 2006 MST",
        "Mon, Jan 02,2006 15:04:05 MST", "Monday, January 2, 2006 15:04:05 MST", "Monday, 2 January 2006 15:04:05 MST",
        "Monday, 2 Jan 2006 15:04:05 MST", "Monday, 02 January 2006 15:04:05 MST", "Mon, 2 January 2006 15:04 MST",
        "Mon, 2 January 2006, 15:04:05 MST", "Mon, 2 January 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:4:5 MST",
        "Mon, 2 Jan 2006 15:04 MST", "Mon, 2 Jan 2006 15:04:05MST", "Mon, 2 Jan 2006 15:04:05 MST",
        "Mon 2 Jan 2006 15:04:05 MST", "mon,2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 15:04:05 MST",
        "Mon, 2 Jan 06 15:04:05 MST", "Mon,02 January 2006 14:04:05 MST", "Mon, 02 Jan 2006 3:04:05 PM MST",
        "Mon,02 Jan 2006 15:04 MST", "Mon, 02 Jan 2006 15:04 MST", "Mon, 02 Jan 2006, 15:04:05 MST",
        "Mon, 02 Jan 2006 15:04:05MST", "Mon, 02 Jan 2006 15:04:05 MST", "Mon , 02 Jan 2006 15:04:05 MST",
        "Mon, 02 Jan 06 15:04:05 MST", "January 2, 2006 15:04:05 MST", "January 02, 2006 15:04:05 MST",
        "Jan 2, 2006 3:04:05 PM MST", "Jan 2, 2006 15:04:05 MST", "2 January 2006 15:04:05 MST",
        "2 Jan 2006 15:04:05 MST", "2006-01-02 15:04:05 MST", "1/2/2006 3:04:05 PM MST", "1/2/2006 15:04:05 MST",
        "02 Jan 2006 15:04 MST", "02 Jan 2006 15:04:05 MST", "02/01/2006 15:04 MST", "02-01-2006 15:04:05 MST",
        "01/02/2006 15:04:05 MST",
    ]
}

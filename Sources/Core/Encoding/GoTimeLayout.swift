// Go's `time.Parse` for the layout elements gofeed's date formats use
// (`Mon`, `January`, `01`, `_2`, `2006`, `15`, `3`, `PM`, `MST`, `-07:00`,
// `Z07:00`, `.000`, ...), with Go's literal matching (a layout space matches
// any run of spaces) and range checks. Named zones get Go's treatment with a
// UTC local zone: offset 0, except `GMT+N`.

/// A parsed instant: civil fields as written, plus the zone offset in seconds.
struct GoTime: Equatable, Sendable {
    var year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0, nanosecond = 0
    var offset = 0
    /// The zone abbreviation parsed by `MST`, if any (what `LoadLocation` is asked for).
    var zoneName = ""
}

enum GoTimeLayout {
    private enum Std: Equatable {
        case longMonth, month, numMonth, zeroMonth, longWeekDay, weekDay, day, underDay, zeroDay
        case hour, hour12, zeroHour12, minute, zeroMinute, second, zeroSecond, longYear, year
        case pm, lowerPM, tz
        case iso8601TZ, iso8601SecondsTZ, iso8601ShortTZ, iso8601ColonTZ, iso8601ColonSecondsTZ
        case numTZ, numSecondsTZ, numShortTZ, numColonTZ, numColonSecondsTZ
        case fracSecond0(Int), fracSecond9(Int)
    }

    private static let shortDays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let shortMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let longMonths = ["January", "February", "March", "April", "May", "June", "July", "August",
                                     "September", "October", "November", "December"]

    /// Go's `nextStdChunk`: the literal prefix, the element, and the rest.
    private static func nextChunk(_ l: [UInt8]) -> (prefix: ArraySlice<UInt8>, std: Std?, stdLength: Int, suffix: ArraySlice<UInt8>) {
        func has(_ i: Int, _ s: String) -> Bool {
            let b = Array(s.utf8)
            return i + b.count <= l.count && l[i..<(i + b.count)].elementsEqual(b)
        }
        func hit(_ i: Int, _ std: Std, _ n: Int) -> (ArraySlice<UInt8>, Std?, Int, ArraySlice<UInt8>) {
            (l[..<i], std, n, l[(i + n)...])
        }
        var i = 0
        while i < l.count {
            switch l[i] {
            case UInt8(ascii: "J"):
                if has(i, "January") { return hit(i, .longMonth, 7) }
                if has(i, "Jan") { return hit(i, .month, 3) }
            case UInt8(ascii: "M"):
                if has(i, "Monday") { return hit(i, .longWeekDay, 6) }
                if has(i, "Mon") { return hit(i, .weekDay, 3) }
                if has(i, "MST") { return hit(i, .tz, 3) }
            case UInt8(ascii: "0"):
                if i + 1 < l.count, l[i + 1] >= UInt8(ascii: "1"), l[i + 1] <= UInt8(ascii: "6") {
                    let stds: [Std] = [.zeroMonth, .zeroDay, .zeroHour12, .zeroMinute, .zeroSecond, .year]
                    return hit(i, stds[Int(l[i + 1] - UInt8(ascii: "1"))], 2)
                }
            case UInt8(ascii: "1"):
                if has(i, "15") { return hit(i, .hour, 2) }
                return hit(i, .numMonth, 1)
            case UInt8(ascii: "2"):
                if has(i, "2006") { return hit(i, .longYear, 4) }
                return hit(i, .day, 1)
            case UInt8(ascii: "_"):
                if has(i, "_2") {
                    if has(i, "_2006") { return (l[...i], .longYear, 4, l[(i + 5)...]) }
                    return hit(i, .underDay, 2)
                }
            case UInt8(ascii: "3"): return hit(i, .hour12, 1)
            case UInt8(ascii: "4"): return hit(i, .minute, 1)
            case UInt8(ascii: "5"): return hit(i, .second, 1)
            case UInt8(ascii: "P"):
                if has(i, "PM") { return hit(i, .pm, 2) }
            case UInt8(ascii: "p"):
                if has(i, "pm") { return hit(i, .lowerPM, 2) }
            case UInt8(ascii: "-"):
                if has(i, "-070000") { return hit(i, .numSecondsTZ, 7) }
                if has(i, "-07:00:00") { return hit(i, .numColonSecondsTZ, 9) }
                if has(i, "-0700") { return hit(i, .numTZ, 5) }
                if has(i, "-07:00") { return hit(i, .numColonTZ, 6) }
                if has(i, "-07") { return hit(i, .numShortTZ, 3) }
            case UInt8(ascii: "Z"):
                if has(i, "Z070000") { return hit(i, .iso8601SecondsTZ, 7) }
                if has(i, "Z07:00:00") { return hit(i, .iso8601ColonSecondsTZ, 9) }
                if has(i, "Z0700") { return hit(i, .iso8601TZ, 5) }
                if has(i, "Z07:00") { return hit(i, .iso8601ColonTZ, 6) }
                if has(i, "Z07") { return hit(i, .iso8601ShortTZ, 3) }
            case UInt8(ascii: "."), UInt8(ascii: ","):
                if i + 1 < l.count, l[i + 1] == UInt8(ascii: "0") || l[i + 1] == UInt8(ascii: "9") {
                    let ch = l[i + 1]
                    var j = i + 1
                    while j < l.count && l[j] == ch { j += 1 }
                    if !(j < l.count && isDigit(l[j])) {
                        let n = j - (i + 1)
                        return hit(i, ch == UInt8(ascii: "0") ? .fracSecond0(n) : .fracSecond9(n), j - i)
                    }
                }
            default: break
            }
            i += 1
        }
        return (l[...], nil, 0, [])
    }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Go's `getnum`: one or two digits (exactly two when `fixed`).
    private static func getnum(_ v: inout ArraySlice<UInt8>, fixed: Bool) -> Int? {
        guard let f = v.first, isDigit(f) else { return nil }
        let second = v.dropFirst().first
        guard let s = second, isDigit(s) else {
            if fixed { return nil }
            v = v.dropFirst()
            return Int(f - 0x30)
        }
        v = v.dropFirst(2)
        return Int(f - 0x30) * 10 + Int(s - 0x30)
    }

    /// Case-insensitive prefix lookup (Go's `lookup`): the index and length.
    private static func lookup(_ names: [String], _ v: ArraySlice<UInt8>) -> (Int, Int)? {
        for (i, name) in names.enumerated() {
            let n = Array(name.utf8)
            if v.count >= n.count, zip(v.prefix(n.count), n).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) { return (i, n.count) }
        }
        return nil
    }

    /// Go's `skip`: literal layout text; a space matches any run of spaces.
    private static func skip(_ v: inout ArraySlice<UInt8>, _ prefix: ArraySlice<UInt8>) -> Bool {
        var p = prefix
        while let c = p.first {
            if c == UInt8(ascii: " ") {
                if let f = v.first, f != UInt8(ascii: " ") { return false }
                while p.first == UInt8(ascii: " ") { p = p.dropFirst() }
                while v.first == UInt8(ascii: " ") { v = v.dropFirst() }
                continue
            }
            guard v.first == c else { return false }
            p = p.dropFirst()
            v = v.dropFirst()
        }
        return true
    }

    static func daysIn(month: Int, year: Int) -> Int {
        if month == 2 { return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28 }
        return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// `time.Parse(layout, value)` with a UTC local zone; nil where Go errs.
    static func parse(layout: String, value: String) -> GoTime? {
        var layoutBytes = Array(layout.utf8)
        var v = Array(value.utf8)[...]
        var t = GoTime()
        var month = -1, day = -1
        var pmSet = false, amSet = false
        while true {
            let (prefix, stdOrNil, _, suffix) = nextChunk(layoutBytes)
            guard skip(&v, prefix) else { return nil }
            guard let std = stdOrNil else { return v.isEmpty ? finish(t, month, day, pmSet, amSet) : nil }
            layoutBytes = Array(suffix)
            switch std {
            case .year:
                guard v.count >= 2, isDigit(v[v.startIndex]), isDigit(v[v.startIndex + 1]) else { return nil }
                let y = Int(v[v.startIndex] - 0x30) * 10 + Int(v[v.startIndex + 1] - 0x30)
                t.year = y >= 69 ? y + 1900 : y + 2000
                v = v.dropFirst(2)
            case .longYear:
                guard v.count >= 4, v.prefix(4).allSatisfy(isDigit) else { return nil }
                t.year = v.prefix(4).reduce(0) { $0 * 10 + Int($1 - 0x30) }
                v = v.dropFirst(4)
            case .month, .longMonth:
                guard let (i, n) = lookup(std == .month ? shortMonths : longMonths, v) else { return nil }
                month = i + 1
                v = v.dropFirst(n)
            case .numMonth, .zeroMonth:
                guard let m = getnum(&v, fixed: std == .zeroMonth), (1...12).contains(m) else { return nil }
                month = m
            case .weekDay, .longWeekDay:
                guard let (_, n) = lookup(std == .weekDay ? shortDays : longDays, v) else { return nil }
                v = v.dropFirst(n)
            case .day, .underDay, .zeroDay:
                if std == .underDay, v.first == UInt8(ascii: " ") { v = v.dropFirst() }
                guard let d = getnum(&v, fixed: std == .zeroDay) else { return nil }
                day = d
            case .hour:
                guard let h = getnum(&v, fixed: false), h < 24 else { return nil }
                t.hour = h
            case .hour12, .zeroHour12:
                guard let h = getnum(&v, fixed: std == .zeroHour12), h <= 12 else { return nil }
                t.hour = h
            case .minute, .zeroMinute:
                guard let m = getnum(&v, fixed: std == .zeroMinute), m < 60 else { return nil }
                t.minute = m
            case .second, .zeroSecond:
                guard let s = getnum(&v, fixed: std == .zeroSecond), s < 60 else { return nil }
                t.second = s
                // A fraction the layout does not mention is still accepted.
                if v.count >= 2, v.first == UInt8(ascii: ".") || v.first == UInt8(ascii: ","), isDigit(v[v.startIndex + 1]) {
                    switch nextChunk(layoutBytes).std {
                    case .fracSecond0?, .fracSecond9?: break
                    default:
                        var n = 2
                        while n < v.count && isDigit(v[v.startIndex + n]) { n += 1 }
                        t.nanosecond = nanoseconds(v.prefix(n))
                        v = v.dropFirst(n)
                    }
                }
            case .pm, .lowerPM:
                guard v.count >= 2 else { return nil }
                let p = String(decoding: v.prefix(2), as: UTF8.self)
                if p == (std == .pm ? "PM" : "pm") { pmSet = true } else if p == (std == .pm ? "AM" : "am") { amSet = true } else { return nil }
                v = v.dropFirst(2)
            case .tz:
                if v.starts(with: "UTC".utf8) {
                    v = v.dropFirst(3)
                    break
                }
                guard let n = zoneLength(v) else { return nil }
                t.zoneName = String(decoding: v.prefix(n), as: UTF8.self)
                if t.zoneName.hasPrefix("GMT"), t.zoneName.utf8.count > 3 { t.offset = (Int(t.zoneName.dropFirst(3)) ?? 0) * 3600 }
                v = v.dropFirst(n)
            case .fracSecond0(let digits):
                guard v.count >= 1 + digits, v.first == UInt8(ascii: ".") || v.first == UInt8(ascii: ","),
                      v.dropFirst().prefix(digits).allSatisfy(isDigit) else { return nil }
                t.nanosecond = nanoseconds(v.prefix(1 + digits))
                v = v.dropFirst(1 + digits)
            case .fracSecond9:
                guard v.count >= 2, v.first == UInt8(ascii: ".") || v.first == UInt8(ascii: ","), isDigit(v[v.startIndex + 1]) else { break }
                var n = 1
                while n < v.count && isDigit(v[v.startIndex + n]) { n += 1 }
                t.nanosecond = nanoseconds(v.prefix(n))
                v = v.dropFirst(n)
            default:
                guard let offset = zoneOffset(std, &v) else { return nil }
                t.offset = offset
            }
        }
    }

    private static func nanoseconds(_ frac: ArraySlice<UInt8>) -> Int {
        var ns = 0, scale = 100_000_000
        for b in frac.dropFirst().prefix(9) {
            ns += Int(b - 0x30) * scale
            scale /= 10
        }
        return ns
    }

    /// Numeric zone elements; nil where Go errs.
    private static func zoneOffset(_ std: Std, _ v: inout ArraySlice<UInt8>) -> Int? {
        let iso: [Std] = [.iso8601TZ, .iso8601SecondsTZ, .iso8601ShortTZ, .iso8601ColonTZ, .iso8601ColonSecondsTZ]
        if iso.contains(std), v.first == UInt8(ascii: "Z") {
            v = v.dropFirst()
            return 0
        }
        let b = Array(v)
        let colon = UInt8(ascii: ":")
        let (hh, mm, ss, used): (ArraySlice<UInt8>, ArraySlice<UInt8>, ArraySlice<UInt8>, Int)
        switch std {
        case .iso8601ColonTZ, .numColonTZ:
            guard b.count >= 6, b[3] == colon else { return nil }
            (hh, mm, ss, used) = (b[1..<3], b[4..<6], Array("00".utf8)[...], 6)
        case .iso8601ShortTZ, .numShortTZ:
            guard b.count >= 3 else { return nil }
            (hh, mm, ss, used) = (b[1..<3], Array("00".utf8)[...], Array("00".utf8)[...], 3)
        case .iso8601ColonSecondsTZ, .numColonSecondsTZ:
            guard b.count >= 9, b[3] == colon, b[6] == colon else { return nil }
            (hh, mm, ss, used) = (b[1..<3], b[4..<6], b[7..<9], 9)
        case .iso8601SecondsTZ, .numSecondsTZ:
            guard b.count >= 7 else { return nil }
            (hh, mm, ss, used) = (b[1..<3], b[3..<5], b[5..<7], 7)
        default:
            guard b.count >= 5 else { return nil }
            (hh, mm, ss, used) = (b[1..<3], b[3..<5], Array("00".utf8)[...], 5)
        }
        guard [hh, mm, ss].allSatisfy({ $0.count == 2 && $0.allSatisfy(isDigit) }) else { return nil }
        let n = { (s: ArraySlice<UInt8>) in Int(s[s.startIndex] - 0x30) * 10 + Int(s[s.startIndex + 1] - 0x30) }
        guard n(hh) <= 24, n(mm) <= 60, n(ss) <= 60 else { return nil }
        let offset = (n(hh) * 60 + n(mm)) * 60 + n(ss)
        v = v.dropFirst(used)
        switch b[0] {
        case UInt8(ascii: "+"): return offset
        case UInt8(ascii: "-"): return -offset
        default: return nil
        }
    }

    /// Go's `parseTimeZone`: how many bytes of `v` look like a zone abbreviation.
    private static func zoneLength(_ v: ArraySlice<UInt8>) -> Int? {
        let b = Array(v)
        guard b.count >= 3 else { return nil }
        if b.count >= 4, b[0..<4].elementsEqual("ChST".utf8) || b[0..<4].elementsEqual("MeST".utf8) { return 4 }
        if b[0..<3].elementsEqual("GMT".utf8) { return 3 + signedOffsetLength(b[3...]) }
        if b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-") {
            let n = signedOffsetLength(b[...])
            return n > 0 ? n : nil
        }
        var upper = 0
        while upper < b.count && b[upper] >= UInt8(ascii: "A") && b[upper] <= UInt8(ascii: "Z") { upper += 1 }
        switch upper {
        case 3: return 3
        case 4: return (b[3] == UInt8(ascii: "T") || b[0..<4].elementsEqual("WITA".utf8)) ? 4 : nil
        case 5: return b[4] == UInt8(ascii: "T") ? 5 : nil
        default: return nil
        }
    }

    /// Go's `parseSignedOffset`: `+h`/`-hh` up to 12, else 0.
    private static func signedOffsetLength(_ b: ArraySlice<UInt8>) -> Int {
        guard let sign = b.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return 0 }
        let digits = b.dropFirst().prefix { isDigit($0) }
        guard !digits.isEmpty, digits.count < 19, let x = Int(String(decoding: digits, as: UTF8.self)), x <= 12 else { return 0 }
        return 1 + digits.count
    }

    private static func finish(_ t: GoTime, _ month: Int, _ day: Int, _ pm: Bool, _ am: Bool) -> GoTime? {
        var t = t
        if pm && t.hour < 12 { t.hour += 12 } else if am && t.hour == 12 { t.hour = 0 }
        t.month = month < 0 ? 1 : month
        t.day = day < 0 ? 1 : day
        guard t.day >= 1, t.day <= daysIn(month: t.month, year: t.year) else { return nil }
        if t.offset != 0 && t.zoneName.hasPrefix("GMT") {
            // Go keeps the clock reading as UTC and only labels it GMT+N.
            var shifted = FeedDate.civil(FeedDate.unixSeconds(t) + Int64(t.offset))
            shifted.nanosecond = t.nanosecond
            shifted.offset = t.offset
            shifted.zoneName = t.zoneName
            return shifted
        }
        return t
    }
}

/// Byte-level helpers for the router. The hot path works on the UTF-8 bytes
/// of the request path so it never builds intermediate strings. (A namespace,
/// so these short names cannot clash with the rest of the module.)
enum PathBytes {
    static let slash = UInt8(ascii: "/")
    static let percent = UInt8(ascii: "%")

    @inline(__always)
    static func uppercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "a") < 26 ? byte & ~0x20 : byte
    }

    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether `text` appears in `bytes` at `position`; ASCII letters fold
    /// when `caseInsensitive` (request paths are percent-encoded, so ASCII
    /// folding is all a path needs).
    static func hasPrefix(
        _ bytes: UnsafeBufferPointer<UInt8>, _ text: [UInt8], at position: Int, caseInsensitive: Bool
    ) -> Bool {
        guard bytes.count - position >= text.count else { return false }
        var i = 0
        while i < text.count {
            let a = bytes[position + i]
            let b = text[i]
            if a != b && !(caseInsensitive && lowercased(a) == lowercased(b)) { return false }
            i += 1
        }
        return true
    }

    static func equal(_ text: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, caseInsensitive: Bool) -> Bool {
        text.count == bytes.count && hasPrefix(bytes, text, at: 0, caseInsensitive: caseInsensitive)
    }

    /// Percent-decodes `bytes`; `nil` when an escape is malformed (`%zz`, `%4`).
    /// `+` is left alone: it only means a space in query strings.
    static func percentDecoded(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let byte = bytes[i]
            if byte == percent {
                guard i + 2 < bytes.count, let high = hexValue(bytes[i + 1]), let low = hexValue(bytes[i + 2])
                else { return nil }
                out.append(high << 4 | low)
                i += 3
            } else {
                out.append(byte)
                i += 1
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// httprouter's `CleanPath` (what gin applies): one leading `/`, repeated
    /// slashes collapsed, `.` removed, `..` removing the element before it
    /// (never going above the root), and a trailing slash kept.
    /// `//foo/../bar` → `/bar`, `/a/./b/` → `/a/b/`, `abc/.` → `/abc/`,
    /// `abc/def/..` → `/abc`, `` → `/`.
    static func cleanPath(_ path: String) -> String {
        let input = Array(path.utf8)
        if input.isEmpty { return "/" }
        var elements: [ArraySlice<UInt8>] = []
        for element in input.split(separator: slash, omittingEmptySubsequences: true) {
            if element.elementsEqual([UInt8(ascii: ".")]) { continue }
            if element.elementsEqual([UInt8(ascii: "."), UInt8(ascii: ".")]) {
                _ = elements.popLast()
                continue
            }
            elements.append(element)
        }
        var out: [UInt8] = [slash]
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(slash) }
            out.append(contentsOf: element)
        }
        // Keep a trailing slash (also for a final `/.`, not for `/..`), as
        // httprouter does, so the trailing-slash fix sees what was asked for.
        let last = input.split(separator: slash, omittingEmptySubsequences: false).last ?? []
        let endsInDirectory = input.last == slash || last.elementsEqual([UInt8(ascii: ".")])
        if endsInDirectory && out.count > 1 { out.append(slash) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `cleanPath` would change `path`: a cheap scan so an already
    /// clean path costs no copy when `removeExtraSlash` is on.
    static func needsCleaning<Path: StringProtocol>(_ path: Path) -> Bool {
        var previous: UInt8 = 0
        var dots = 0  // dots since the last slash; -1 once the element has other bytes
        var first = true
        for byte in path.utf8 {
            if first {
                first = false
                if byte != slash { return true }
                previous = byte
                continue
            }
            if byte == slash {
                if previous == slash || dots == 1 || dots == 2 { return true }
                dots = 0
            } else if byte == UInt8(ascii: "."), dots >= 0 {
                dots += 1
            } else {
                dots = -1
            }
            previous = byte
        }
        return first || dots == 1 || dots == 2
    }
}

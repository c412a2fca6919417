/// Query strings as Go's net/url reads and writes them: `+` is a space,
/// `%XX` escapes are decoded, and encoding sorts by key (`url.Values.Encode`).
public struct QueryString: Sendable, Equatable {
    /// Decoded pairs in the order they came.
    public var pairs: [(key: String, value: String)]

    public init(pairs: [(key: String, value: String)] = []) { self.pairs = pairs }

    public static func == (a: QueryString, b: QueryString) -> Bool {
        a.pairs.elementsEqual(b.pairs) { $0.key == $1.key && $0.value == $1.value }
    }

    public init(parsing raw: Substring) {
        var pairs: [(String, String)] = []
        for part in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Go drops pairs whose escapes are invalid.
            guard let key = Self.unescape(kv[0]), let value = Self.unescape(kv.count > 1 ? kv[1] : "") else { continue }
            pairs.append((key, value))
        }
        self.pairs = pairs
    }

    public var isEmpty: Bool { pairs.isEmpty }

    public func values(_ key: String) -> [String] { pairs.filter { $0.key == key }.map(\.value) }

    /// Only the pairs whose key passes.
    public func filtered(_ keep: (String) -> Bool) -> QueryString {
        QueryString(pairs: pairs.filter { keep($0.key) })
    }

    /// `url.Values.Encode()`: keys sorted (stable for repeated keys), escaped.
    public func encoded() -> String {
        let sorted = pairs.enumerated().sorted { a, b in
            a.element.key == b.element.key ? a.offset < b.offset : a.element.key.utf8.lexicographicallyPrecedes(b.element.key.utf8)
        }
        return sorted.map { Self.escape($0.element.key) + "=" + Self.escape($0.element.value) }.joined(separator: "&")
    }

    /// Go's `QueryUnescape` (`+` is a space), or with `plusIsSpace: false` its
    /// `PathUnescape`; `nil` for an invalid escape.
    static func unescape(_ s: Substring, plusIsSpace: Bool = true) -> String? {
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "%") || ($0 == UInt8(ascii: "+") && plusIsSpace) }) { return String(s) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            switch b {
            case UInt8(ascii: "+") where plusIsSpace: bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let h = it.next().flatMap(hexValue), let l = it.next().flatMap(hexValue) else { return nil }
                bytes.append(h << 4 | l)
            default: bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func escape(_ s: String) -> String { PercentEncoding.queryComponent(s) }
}

private func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
    default: return nil
    }
}

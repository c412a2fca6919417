// A JSON serializer for `Value` whose output is byte-for-byte what Go's
// `encoding/json.Marshal` produces for the equivalent `interface{}` value
// (numbers as `json.Number`):
//
// - compact, no whitespace;
// - object keys sorted by their UTF-8 bytes;
// - strings escaped like Go's `appendString` with HTML escaping on:
//   `\"` `\\` `\b` `\f` `\n` `\r` `\t`, other control characters as `\u00xx`,
//   `<` `>` `&` as `\u003c` `\u003e` `\u0026`, U+2028/U+2029 as `\u2028`/`\u2029`,
//   everything else as raw UTF-8;
// - numbers written as their literal text (an empty literal is written `0`, as Go does).

extension Value {
    /// Appends the compact JSON encoding of the value to `out`.
    public func serializeJSON(into out: inout [UInt8]) {
        JSONSerializer.write(self, into: &out)
    }

    /// The compact JSON encoding of the value, as UTF-8 bytes.
    public var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(JSONSerializer.initialCapacity(for: self))
        JSONSerializer.write(self, into: &out)
        return out
    }

    /// The compact JSON encoding of the value.
    public var jsonString: String {
        String(decoding: jsonBytes, as: UTF8.self)
    }
}

/// Strict "less than" on the UTF-8 bytes of two strings (Go's string ordering).
@inline(__always)
func utf8BytesLess(_ a: String, _ b: String) -> Bool {
    if let r = a.utf8.withContiguousStorageIfAvailable({ pa in
        b.utf8.withContiguousStorageIfAvailable { pb -> Bool in
            let n = min(pa.count, pb.count)
            var k = 0
            while k < n {
                let x = pa[k], y = pb[k]
                if x != y { return x < y }
                k += 1
            }
            return pa.count < pb.count
        }
    }), let r {
        return r
    }
    return a.utf8.lexicographicallyPrecedes(b.utf8)
}

enum JSONSerializer {
    /// Bit `b` set: ASCII byte `b` (< 0x40) must be escaped (controls, `"`, `&`, `<`, `>`).
    private static let escapeMaskLow: UInt64 = 0x0000_0000_FFFF_FFFF
        | 1 << 0x22 | 1 << 0x26 | 1 << 0x3C | 1 << 0x3E

    /// 0 = copy as is, 1 = escape, 2 = lead byte 0xE2 (maybe U+2028/U+2029).
    @inline(__always)
    private static func escapeKind(_ b: UInt8) -> UInt8 {
        if b < 0x40 { return UInt8(truncatingIfNeeded: (escapeMaskLow >> UInt64(b)) & 1) }
        if b == UInt8(ascii: "\\") { return 1 }
        return b == 0xE2 ? 2 : 0
    }

    @inline(__always)
    private static func hexDigit(_ v: UInt8) -> UInt8 {
        v < 10 ? v &+ UInt8(ascii: "0") : v &+ (UInt8(ascii: "a") &- 10)
    }

    static func initialCapacity(for value: Value) -> Int {
        switch value {
        case .null, .bool: return 8
        case .number(let s): return s.utf8.count
        case .string(let s): return s.utf8.count + 2
        case .array(let a): return max(64, a.count * 16)
        case .object(let o): return max(64, o.count * 32)
        }
    }

    /// Nesting handled by plain recursion; deeper subtrees are written by
    /// `writeIterative`, so deep values cannot overflow small thread stacks.
    static let maxRecursionDepth = 128

    static func write(_ value: Value, into out: inout [UInt8]) {
        write(value, depth: 0, into: &out)
    }

    private static func write(_ value: Value, depth: Int, into out: inout [UInt8]) {
        switch value {
        case .null:
            appendASCII("null", &out)
        case .bool(let b):
            appendASCII(b ? "true" : "false", &out)
        case .number(let text):
            writeNumber(text, into: &out)
        case .string(let s):
            writeString(s, into: &out)
        case .array(let a):
            if depth >= maxRecursionDepth {
                writeIterative(value, into: &out)
                return
            }
            out.append(UInt8(ascii: "["))
            var first = true
            for element in a {
                if first { first = false } else { out.append(UInt8(ascii: ",")) }
                write(element, depth: depth + 1, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            if depth >= maxRecursionDepth {
                writeIterative(value, into: &out)
                return
            }
            out.append(UInt8(ascii: "{"))
            if o.count == 1, let (k, v) = o.first {
                writeString(k, into: &out)
                out.append(UInt8(ascii: ":"))
                write(v, depth: depth + 1, into: &out)
            } else if !o.isEmpty {
                var first = true
                forEachSortedMember(o) { k, v in
                    if first { first = false } else { out.append(UInt8(ascii: ",")) }
                    writeString(k, into: &out)
                    out.append(UInt8(ascii: ":"))
                    write(v, depth: depth + 1, into: &out)
                }
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `body` for each member in key-byte order, sorting the dictionary's
    /// indices in temporary (stack) memory rather than copying the members
    /// into a new array for every object written. Swift compares two ASCII
    /// strings by their bytes (its fast path), so that comparison is used
    /// when all keys are ASCII; otherwise Swift's order (on canonical
    /// equivalents) could differ from Go's.
    private static func forEachSortedMember(_ o: [String: Value], _ body: (String, Value) -> Void) {
        withUnsafeTemporaryAllocation(of: [String: Value].Index.self, capacity: o.count) { indices in
            guard let base = indices.baseAddress else { return }
            var n = 0
            var index = o.startIndex
            while index != o.endIndex {
                (base + n).initialize(to: index)
                n += 1
                index = o.index(after: index)
            }
            var sorted = UnsafeMutableBufferPointer(start: base, count: n)
            if o.keys.allSatisfy(isASCII) {
                sorted.sort { o[$0].key < o[$1].key }
            } else {
                sorted.sort { utf8BytesLess(o[$0].key, o[$1].key) }
            }
            for index in sorted {
                let (key, value) = o[index]
                body(key, value)
            }
            base.deinitialize(count: n)
        }
    }

    @inline(__always)
    static func isASCII(_ s: String) -> Bool {
        if let r = s.utf8.withContiguousStorageIfAvailable({ buf -> Bool in
            var acc: UInt8 = 0
            for b in buf { acc |= b }
            return acc < 0x80
        }) {
            return r
        }
        return s.utf8.allSatisfy { $0 < 0x80 }
    }

    @inline(__always)
    private static func writeNumber(_ text: String, into out: inout [UInt8]) {
        if text.isEmpty {
            out.append(UInt8(ascii: "0"))
        } else {
            appendRaw(text, &out)
        }
    }

    /// Same output as `write`, with an explicit stack instead of recursion.
    static func writeIterative(_ value: Value, into out: inout [UInt8]) {
        struct Frame {
            var elements: [Value]
            var keys: [String]   // empty for arrays
            var index = 0
            let isObject: Bool
        }
        var stack: [Frame] = []
        var pending: Value? = value
        while true {
            if let v = pending {
                pending = nil
                switch v {
                case .array(let a) where !a.isEmpty:
                    out.append(UInt8(ascii: "["))
                    stack.append(Frame(elements: a, keys: [], isObject: false))
                case .object(let o) where !o.isEmpty:
                    out.append(UInt8(ascii: "{"))
                    var frame = Frame(elements: [], keys: [], isObject: true)
                    frame.elements.reserveCapacity(o.count)
                    frame.keys.reserveCapacity(o.count)
                    forEachSortedMember(o) { key, value in
                        frame.keys.append(key)
                        frame.elements.append(value)
                    }
                    stack.append(frame)
                default:
                    // Scalars and empty containers: no nesting.
                    write(v, depth: 0, into: &out)
                }
            }
            guard let top = stack.indices.last else { return }
            let index = stack[top].index
            if index == stack[top].elements.count {
                out.append(stack[top].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                stack.removeLast()
                continue
            }
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if stack[top].isObject {
                writeString(stack[top].keys[index], into: &out)
                out.append(UInt8(ascii: ":"))
            }
            pending = stack[top].elements[index]
            stack[top].index = index + 1
        }
    }

    @inline(__always)
    private static func appendASCII(_ s: StaticString, _ out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    @inline(__always)
    private static func appendRaw(_ s: String, _ out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: s.utf8)
        }
    }

    /// Writes `s` as a quoted, Go-escaped JSON string.
    static func writeString(_ s: String, into out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ writeString(bytes: $0, into: &out) }) == nil {
            var copy = s
            copy.withUTF8 { writeString(bytes: $0, into: &out) }
        }
    }

    static func writeString(bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        let n = bytes.count
        var runStart = 0
        var j = 0
        while j < n {
            let b = bytes[j]
            let kind = escapeKind(b)
            if kind == 0 {
                j &+= 1
                continue
            }
            if kind == 2 {
                // U+2028 is E2 80 A8, U+2029 is E2 80 A9.
                guard j + 2 < n, bytes[j + 1] == 0x80, bytes[j + 2] & 0xFE == 0xA8 else {
                    j &+= 1
                    continue
                }
                if j > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<j])) }
                appendASCII("\\u202", &out)
                out.append(bytes[j + 2] == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
                j &+= 3
                runStart = j
                continue
            }
            if j > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<j])) }
            switch b {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                out.append(UInt8(ascii: "\\"))
                out.append(b)
            case 0x08:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "b"))
            case 0x0C:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "f"))
            case 0x0A:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "n"))
            case 0x0D:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "r"))
            case 0x09:
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "t"))
            default:
                // Other control characters and < > &.
                out.append(UInt8(ascii: "\\"))
                out.append(UInt8(ascii: "u"))
                out.append(UInt8(ascii: "0"))
                out.append(UInt8(ascii: "0"))
                out.append(hexDigit(b >> 4))
                out.append(hexDigit(b & 0xF))
            }
            j &+= 1
            runStart = j
        }
        if n > runStart { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<n])) }
        out.append(UInt8(ascii: "\""))
    }
}

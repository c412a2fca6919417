// Go's fmt printing of template values: what `{{.}}`, print, printf and
// friends produce. Decoded JSON prints as Go prints map[string]interface{}
// and []interface{}: `map[a:1 b:[x y]]`, nested nulls as `<nil>`, numbers as
// their literal text. Composite values are walked with an explicit stack so
// deeply nested data cannot exhaust the thread's stack.

/// fmt's flags for one verb.
struct TemplateFormatFlags {
    var plus = false, minus = false, sharp = false, space = false, zero = false
    var plusV = false, sharpV = false
    var width: Int?
    var precision: Int?
}

struct TemplatePrinter {
    var out: [UInt8] = []
    var flags = TemplateFormatFlags()

    /// How an action prints its value: `%v`, with `<no value>` for a missing one.
    static func appendAction(_ v: TemplateValue, to out: inout [UInt8]) {
        switch v {
        case .value(.string(let s)):
            appendUTF8(s, to: &out)
        case .value(.number(let n)):
            appendUTF8(n, to: &out)
        case .missing, .value(.null):
            out.append(contentsOf: "<no value>".utf8)
        default:
            var p = TemplatePrinter()
            swap(&p.out, &out)
            p.printArg(v, verb: "v")
            swap(&p.out, &out)
        }
    }

    @inline(__always)
    static func appendUTF8(_ s: String, to out: inout [UInt8]) {
        if s.utf8.withContiguousStorageIfAvailable({ out.append(contentsOf: $0) }) == nil {
            out.append(contentsOf: s.utf8)
        }
    }

    var string: String { String(decoding: out, as: UTF8.self) }

    // MARK: Padding

    mutating func writePadding(_ n: Int) {
        guard n > 0 else { return }
        out.append(contentsOf: repeatElement(flags.zero ? UInt8(ascii: "0") : UInt8(ascii: " "), count: n))
    }

    /// Appends `s`, padded to the width (counted in characters) on the left, or on the right with `-`.
    mutating func pad(_ s: String) {
        guard let width = flags.width else {
            TemplatePrinter.appendUTF8(s, to: &out)
            return
        }
        let n = width - s.unicodeScalars.count
        if !flags.minus { writePadding(n) }
        TemplatePrinter.appendUTF8(s, to: &out)
        if flags.minus { writePadding(n) }
    }

    // MARK: Values

    /// Go's `printArg`: a top-level operand of print/printf.
    mutating func printArg(_ v: TemplateValue, verb: Unicode.Scalar) {
        if v.isNil {
            switch verb {
            case "T", "v": pad("<nil>")
            default: badVerb(verb, v)
            }
            return
        }
        if verb == "T" {
            pad(v.goTypeName)
            return
        }
        printValue(v, verb: verb)
    }

    /// Go's `printValue`: composites element by element, with the same verb and flags.
    mutating func printValue(_ v: TemplateValue, verb: Unicode.Scalar) {
        switch v {
        case .value(.array), .value(.object):
            printComposite(v.asValue, verb: verb)
        default:
            printScalar(v, verb: verb)
        }
    }

    private mutating func printScalar(_ v: TemplateValue, verb: Unicode.Scalar) {
        switch v {
        case .missing, .value(.null):
            pad(flags.sharpV ? "interface {}(nil)" : "<nil>")
        case .value(.bool(let b)):
            if verb == "t" || verb == "v" { pad(b ? "true" : "false") } else { badVerb(verb, v) }
        case .value(.string(let s)):
            printString(s, verb: verb, original: v)
        case .value(.number(let text)):
            printNumber(v, literal: text, verb: verb)
        case .float(let d):
            printNumber(v, literal: TemplateFloat.formatShortest(d), verb: verb, isFloat: d)
        case .time(let t):
            switch verb {
            case "v", "s": pad(t.description)
            case "q": pad(TemplateQuote.quote(t.description))
            default: badVerb(verb, v)
            }
        case .value(.array), .value(.object):
            printComposite(v.asValue, verb: verb)
        }
    }

    private enum Frame {
        case array([Value], Int)
        case object([(key: String, value: Value)], Int)
    }

    private mutating func open(_ v: Value, _ stack: inout [Frame]) {
        switch v {
        case .array(let a):
            out.append(contentsOf: (flags.sharpV ? "[]interface {}{" : "[").utf8)
            stack.append(.array(a, 0))
        case .object(let o):
            out.append(contentsOf: (flags.sharpV ? "map[string]interface {}{" : "map[").utf8)
            stack.append(.object(TemplatePrinter.sorted(o), 0))
        default:
            printScalar(.value(v), verb: "v")
        }
    }

    /// Members by key in Go's order (bytewise), as fmt and range sort maps.
    static func sorted(_ o: [String: Value]) -> [(key: String, value: Value)] {
        o.sorted { utf8BytesLess($0.key, $1.key) }
    }

    private mutating func printComposite(_ root: Value, verb: Unicode.Scalar) {
        var stack: [Frame] = []
        open(root, &stack)
        let separator = flags.sharpV ? ", " : " "
        while let top = stack.popLast() {
            let element: Value
            switch top {
            case .array(let a, let i):
                guard i < a.count else {
                    out.append(flags.sharpV ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                    continue
                }
                if i > 0 { out.append(contentsOf: separator.utf8) }
                stack.append(.array(a, i + 1))
                element = a[i]
            case .object(let members, let i):
                guard i < members.count else {
                    out.append(flags.sharpV ? UInt8(ascii: "}") : UInt8(ascii: "]"))
                    continue
                }
                if i > 0 { out.append(contentsOf: separator.utf8) }
                stack.append(.object(members, i + 1))
                printString(members[i].key, verb: verb, original: .string(members[i].key))
                out.append(UInt8(ascii: ":"))
                element = members[i].value
            }
            switch element {
            case .array, .object: open(element, &stack)
            default: printScalar(.value(element), verb: verb)
            }
        }
    }

    /// Go's `badVerb`: `%!d(string=hello)`.
    mutating func badVerb(_ verb: Unicode.Scalar, _ v: TemplateValue) {
        out.append(contentsOf: "%!".utf8)
        TemplatePrinter.appendUTF8(String(Character(verb)), to: &out)
        out.append(UInt8(ascii: "("))
        if v.isNil {
            out.append(contentsOf: "<nil>".utf8)
        } else {
            out.append(contentsOf: v.goTypeName.utf8)
            out.append(UInt8(ascii: "="))
            printValue(v, verb: "v")
        }
        out.append(UInt8(ascii: ")"))
    }

    // MARK: Strings

    private mutating func printString(_ s: String, verb: Unicode.Scalar, original: TemplateValue) {
        switch verb {
        case "v":
            if flags.sharpV { pad(TemplateQuote.quote(s)) } else { pad(truncated(s)) }
        case "s":
            pad(truncated(s))
        case "x", "X":
            printHex(s, upper: verb == "X")
        case "q":
            let t = truncated(s)
            if flags.sharp && TemplateQuote.canBackquote(t) {
                pad("`" + t + "`")
            } else {
                pad(TemplateQuote.quote(t, asciiOnly: flags.plus))
            }
        default:
            badVerb(verb, original)
        }
    }

    /// The string cut to the precision, counted in characters.
    private func truncated(_ s: String) -> String {
        guard let p = flags.precision, s.unicodeScalars.count > p else { return s }
        var head = String.UnicodeScalarView()
        head.append(contentsOf: s.unicodeScalars.prefix(Swift.max(p, 0)))
        return String(head)
    }

    /// Go's `fmtSbx`: two hex digits per byte, `% x` separates them, `%#x` adds 0x.
    private mutating func printHex(_ s: String, upper: Bool) {
        let digits = Array((upper ? "0123456789ABCDEFX" : "0123456789abcdefx").utf8)
        var bytes = Array(s.utf8)
        if let p = flags.precision, p < bytes.count { bytes = Array(bytes.prefix(Swift.max(p, 0))) }
        var width = 2 * bytes.count
        guard width > 0 else {
            if let w = flags.width { writePadding(w) }
            return
        }
        if flags.space {
            if flags.sharp { width *= 2 }
            width += bytes.count - 1
        } else if flags.sharp {
            width += 2
        }
        let w = flags.width ?? 0
        if w > width && !flags.minus { writePadding(w - width) }
        if flags.sharp { out.append(contentsOf: [UInt8(ascii: "0"), digits[16]]) }
        for (i, b) in bytes.enumerated() {
            if flags.space && i > 0 {
                out.append(UInt8(ascii: " "))
                if flags.sharp { out.append(contentsOf: [UInt8(ascii: "0"), digits[16]]) }
            }
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        if w > width && flags.minus { writePadding(w - width) }
    }
}

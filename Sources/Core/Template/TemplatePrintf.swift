// Go's fmt.Sprint, Sprintln and Sprintf over template values, and the
// number verbs. JSON numbers are untyped here, so two liberties are taken:
// %e/%f/%g accept integers (Go would print `%!f(int=3)`) and %s prints any
// number as %v does. %d and the other integer verbs still reject fractions.

extension TemplatePrinter {
    /// `fmt.Sprint`: spaces between operands when neither side is a string.
    static func sprint(_ args: [TemplateValue]) -> String {
        var p = TemplatePrinter()
        var previousIsString = false
        for (i, arg) in args.enumerated() {
            let isString = arg.string != nil
            if i > 0 && !isString && !previousIsString { p.out.append(UInt8(ascii: " ")) }
            p.printArg(arg, verb: "v")
            previousIsString = isString
        }
        return p.string
    }

    /// `fmt.Sprintln`: always a space between operands, and a final newline.
    static func sprintln(_ args: [TemplateValue]) -> String {
        var p = TemplatePrinter()
        for (i, arg) in args.enumerated() {
            if i > 0 { p.out.append(UInt8(ascii: " ")) }
            p.printArg(arg, verb: "v")
        }
        p.out.append(UInt8(ascii: "\n"))
        return p.string
    }

    /// `fmt.Sprintf`, including Go's error marks (`%!d(string=x)`, `%!v(MISSING)`, `%!(EXTRA ...)`).
    static func sprintf(_ format: String, _ args: [TemplateValue]) -> String {
        var p = TemplatePrinter()
        let f = Array(format.unicodeScalars)
        let end = f.count
        var argNum = 0
        var reordered = false
        var i = 0
        while i < end {
            let literalStart = i
            while i < end && f[i] != "%" { i += 1 }
            if i > literalStart { appendUTF8(String(String.UnicodeScalarView(f[literalStart..<i])), to: &p.out) }
            if i >= end { break }
            i += 1
            p.flags = TemplateFormatFlags()
            flagLoop: while i < end {
                switch f[i] {
                case "#": p.flags.sharp = true
                case "0": p.flags.zero = !p.flags.minus // zero padding only to the left
                case "+": p.flags.plus = true
                case "-":
                    p.flags.minus = true
                    p.flags.zero = false
                case " ": p.flags.space = true
                default: break flagLoop
                }
                i += 1
            }
            var goodArgNum = true
            var afterIndex = false
            func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 0x30 && c.value <= 0x39 }
            // Go's parsenum: digits at i; an absurdly long number swallows the rest of the format.
            func parseNumber() -> Int? {
                var n = 0
                var any = false
                while i < end && isDigit(f[i]) {
                    if n > 1_000_000 {
                        i = end
                        return nil
                    }
                    n = n * 10 + Int(f[i].value - 0x30)
                    any = true
                    i += 1
                }
                return any ? n : nil
            }
            // An explicit argument index, %[2]d; returns whether one was found.
            func argNumber() -> Bool {
                guard i < end, f[i] == "[" else { return false }
                reordered = true
                var ok = false
                var index = 0
                var skip = 1
                if end - i >= 3, let close = f[(i + 1)...].firstIndex(of: "]") {
                    skip = close - i + 1
                    let digits = f[(i + 1)..<close]
                    if !digits.isEmpty, digits.count <= 7, digits.allSatisfy(isDigit) {
                        ok = true
                        index = digits.reduce(0) { $0 * 10 + Int($1.value - 0x30) } - 1
                    }
                }
                i += skip
                if ok && index >= 0 && index < args.count {
                    argNum = index
                    return true
                }
                goodArgNum = false
                return ok
            }
            func intArg() -> Int? {
                guard argNum < args.count else { return nil }
                defer { argNum += 1 }
                guard case .int(let n)? = args[argNum].number, n.magnitude <= 1_000_000 else { return nil }
                return n
            }
            afterIndex = argNumber()
            if i < end && f[i] == "*" {
                i += 1
                if let w = intArg() {
                    p.flags.width = abs(w)
                    if w < 0 {
                        p.flags.minus = true
                        p.flags.zero = false
                    }
                } else {
                    p.out.append(contentsOf: "%!(BADWIDTH)".utf8)
                }
                afterIndex = false
            } else {
                p.flags.width = parseNumber()
                if afterIndex && p.flags.width != nil { goodArgNum = false }
            }
            if i + 1 < end && f[i] == "." {
                i += 1
                if afterIndex { goodArgNum = false }
                afterIndex = argNumber()
                if i < end && f[i] == "*" {
                    i += 1
                    if let prec = intArg(), prec >= 0 {
                        p.flags.precision = prec
                    } else {
                        p.out.append(contentsOf: "%!(BADPREC)".utf8)
                    }
                    afterIndex = false
                } else {
                    p.flags.precision = parseNumber() ?? 0
                }
            }
            if !afterIndex { afterIndex = argNumber() }
            guard i < end else {
                p.out.append(contentsOf: "%!(NOVERB)".utf8)
                break
            }
            let verb = f[i]
            i += 1
            if verb == "%" {
                p.out.append(UInt8(ascii: "%"))
            } else if !goodArgNum {
                p.out.append(contentsOf: "%!\(Character(verb))(BADINDEX)".utf8)
            } else if argNum >= args.count {
                p.out.append(contentsOf: "%!\(Character(verb))(MISSING)".utf8)
            } else {
                if verb == "v" {
                    p.flags.sharpV = p.flags.sharp
                    p.flags.sharp = false
                    p.flags.plusV = p.flags.plus
                    p.flags.plus = false
                }
                p.printArg(args[argNum], verb: verb)
                argNum += 1
            }
        }
        if !reordered && argNum < args.count {
            p.flags = TemplateFormatFlags()
            p.out.append(contentsOf: "%!(EXTRA ".utf8)
            for (k, arg) in args[argNum...].enumerated() {
                if k > 0 { p.out.append(contentsOf: ", ".utf8) }
                if arg.isNil {
                    p.out.append(contentsOf: "<nil>".utf8)
                } else {
                    p.out.append(contentsOf: arg.goTypeName.utf8)
                    p.out.append(UInt8(ascii: "="))
                    p.printArg(arg, verb: "v")
                }
            }
            p.out.append(UInt8(ascii: ")"))
        }
        return p.string
    }

    // MARK: Numbers

    /// A number under `verb`; `literal` is what %v prints, `isFloat` set for Go float64 values.
    mutating func printNumber(_ v: TemplateValue, literal: String, verb: Unicode.Scalar, isFloat: Double? = nil) {
        let kind: TemplateValue.Number? = isFloat.map { .float($0) } ?? v.number
        switch verb {
        case "v", "s":
            printFloatString(literal)
        case "e", "E", "f", "F", "g", "G":
            guard let d = kind?.double else { return badVerb(verb, v) }
            let ascii = UInt8(truncatingIfNeeded: verb.value)
            printFloatString(TemplateFloat.format(d, verb: ascii, precision: flags.precision))
        case "d", "b", "o", "O", "x", "X", "c", "q", "U":
            guard case .int(let i)? = kind else { return badVerb(verb, v) }
            printInteger(i, verb: verb)
        default:
            badVerb(verb, v)
        }
    }

    /// Go's `fmtFloat` sign and padding rules applied to a formatted number.
    private mutating func printFloatString(_ num: String) {
        var n = Array(num.utf8)
        if n.first == UInt8(ascii: "-") || n.first == UInt8(ascii: "+") {
            // keep the sign
        } else {
            n.insert(UInt8(ascii: "+"), at: 0)
        }
        if flags.space && n[0] == UInt8(ascii: "+") && !flags.plus { n[0] = UInt8(ascii: " ") }
        if n.count > 1 && (n[1] == UInt8(ascii: "I") || n[1] == UInt8(ascii: "N")) {
            // Infinities and NaN are not zero padded.
            let oldZero = flags.zero
            flags.zero = false
            if n[1] == UInt8(ascii: "N") && !flags.space && !flags.plus { n.removeFirst() }
            pad(String(decoding: n, as: UTF8.self))
            flags.zero = oldZero
            return
        }
        if flags.plus || n[0] != UInt8(ascii: "+") {
            if flags.zero, let w = flags.width, w > n.count {
                out.append(n[0])
                writePadding(w - n.count)
                out.append(contentsOf: n[1...])
                return
            }
            pad(String(decoding: n, as: UTF8.self))
            return
        }
        pad(String(decoding: n[1...], as: UTF8.self))
    }

    private mutating func printInteger(_ i: Int, verb: Unicode.Scalar) {
        switch verb {
        case "c":
            let r = i >= 0 && i <= 0x10FFFF ? Unicode.Scalar(UInt32(i)) ?? "\u{FFFD}" : "\u{FFFD}"
            pad(String(Character(r)))
        case "q":
            pad(TemplateQuote.quoteRune(i, asciiOnly: flags.plus))
        case "U":
            var s = "U+" + TemplateQuote.hex(UInt32(truncatingIfNeeded: Swift.max(i, 0)), digits: Swift.max(flags.precision ?? 4, 4), uppercase: true)
            if flags.sharp, i >= 0, i <= 0x10FFFF, let r = Unicode.Scalar(UInt32(i)), TemplateQuote.isPrint(r) {
                s += " '\(Character(r))'"
            }
            let oldZero = flags.zero
            flags.zero = false
            pad(s)
            flags.zero = oldZero
        default:
            let base: UInt64 = verb == "b" ? 2 : (verb == "o" || verb == "O") ? 8 : (verb == "x" || verb == "X") ? 16 : 10
            formatInteger(i, base: base, verb: verb, upper: verb == "X")
        }
    }

    /// Go's `fmtInteger`: precision or zero flag pad with zeros, then sign and prefixes.
    private mutating func formatInteger(_ value: Int, base: UInt64, verb: Unicode.Scalar, upper: Bool) {
        let negative = value < 0
        var u = UInt64(value.magnitude)
        var precision = 0
        if let p = flags.precision {
            precision = p
            if p == 0 && u == 0 {
                let oldZero = flags.zero
                flags.zero = false
                writePadding(flags.width ?? 0)
                flags.zero = oldZero
                return
            }
        } else if flags.zero, !flags.minus, let w = flags.width {
            precision = w
            if negative || flags.plus || flags.space { precision -= 1 } // room for the sign
        }
        let digits = Array((upper ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var buf: [UInt8] = []
        repeat {
            buf.append(digits[Int(u % base)])
            u /= base
        } while u > 0
        while buf.count < precision { buf.append(UInt8(ascii: "0")) }
        if flags.sharp {
            switch base {
            case 2: buf.append(contentsOf: [UInt8(ascii: "b"), UInt8(ascii: "0")])
            case 8: if buf.last != UInt8(ascii: "0") { buf.append(UInt8(ascii: "0")) }
            case 16: buf.append(contentsOf: [upper ? UInt8(ascii: "X") : UInt8(ascii: "x"), UInt8(ascii: "0")])
            default: break
            }
        }
        if verb == "O" { buf.append(contentsOf: [UInt8(ascii: "o"), UInt8(ascii: "0")]) }
        if negative {
            buf.append(UInt8(ascii: "-"))
        } else if flags.plus {
            buf.append(UInt8(ascii: "+"))
        } else if flags.space {
            buf.append(UInt8(ascii: " "))
        }
        let oldZero = flags.zero
        flags.zero = false
        pad(String(decoding: buf.reversed(), as: UTF8.self))
        flags.zero = oldZero
    }
}

// Go's builtin functions (text/template/funcs.go) over template values, with
// Go's error messages. One liberty: numbers compare by value whatever their
// Go type would be (JSON decoding makes every number a float64 in Go, so
// `eq .status 200` would otherwise always fail).

enum TemplateBuiltins {
    static func length(_ v: TemplateValue) throws(TemplateFunctionError) -> TemplateValue {
        switch v {
        case .missing: throw TemplateFunctionError("reflect: call of reflect.Value.Type on zero Value")
        case .value(.null): throw TemplateFunctionError("len of nil pointer")
        case .value(.string(let s)): return .int(s.utf8.count)
        case .value(.array(let a)): return .int(a.count)
        case .value(.object(let o)): return .int(o.count)
        default: throw TemplateFunctionError("len of type \(v.goTypeName)")
        }
    }

    /// Go's `indexArg`: an integer within 0...cap.
    private static func indexArg(_ v: TemplateValue, cap: Int) throws(TemplateFunctionError) -> Int {
        if v.isNil { throw TemplateFunctionError("cannot index slice/array with nil") }
        guard case .int(let x)? = v.number else {
            throw TemplateFunctionError("cannot index slice/array with type \(v.goTypeName)")
        }
        if x < 0 || x > cap { throw TemplateFunctionError("index out of range: \(x)") }
        return x
    }

    static func index(_ item: TemplateValue, _ indexes: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        if item.isNil { throw TemplateFunctionError("index of untyped nil") }
        var item = item
        for index in indexes {
            switch item {
            case .missing, .value(.null):
                throw TemplateFunctionError("index of nil pointer")
            case .value(.array(let a)):
                let x = try indexArg(index, cap: a.count)
                guard x < a.count else { throw TemplateFunctionError("reflect: slice index out of range") }
                item = .value(a[x])
            case .value(.string(let s)):
                let bytes = Array(s.utf8)
                let x = try indexArg(index, cap: bytes.count)
                guard x < bytes.count else { throw TemplateFunctionError("reflect: string index out of range") }
                item = .int(Int(bytes[x]))
            case .value(.object(let o)):
                if index.isNil { throw TemplateFunctionError("value is nil; should be of type string") }
                guard let key = index.string else {
                    throw TemplateFunctionError("value has type \(index.goTypeName); should be string")
                }
                // A missing key gives the zero value of interface{}: nil.
                item = .value(o[key] ?? .null)
            default:
                throw TemplateFunctionError("can't index item of type \(item.goTypeName)")
            }
        }
        return item
    }

    static func slice(_ item: TemplateValue, _ indexes: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        if item.isNil { throw TemplateFunctionError("slice of untyped nil") }
        if indexes.count > 3 { throw TemplateFunctionError("too many slice indexes: \(indexes.count)") }
        let length: Int
        switch item {
        case .value(.string(let s)):
            if indexes.count == 3 { throw TemplateFunctionError("cannot 3-index slice a string") }
            length = s.utf8.count
        case .value(.array(let a)):
            length = a.count
        default:
            throw TemplateFunctionError("can't slice item of type \(item.goTypeName)")
        }
        var idx = [0, length, length]
        for (i, index) in indexes.enumerated() { idx[i] = try indexArg(index, cap: length) }
        if idx[0] > idx[1] { throw TemplateFunctionError("invalid slice index: \(idx[0]) > \(idx[1])") }
        if indexes.count == 3 && idx[1] > idx[2] {
            throw TemplateFunctionError("invalid slice index: \(idx[1]) > \(idx[2])")
        }
        switch item {
        case .value(.string(let s)):
            return .string(String(decoding: Array(s.utf8)[idx[0]..<idx[1]], as: UTF8.self))
        case .value(.array(let a)):
            return .value(.array(Array(a[idx[0]..<idx[1]])))
        default:
            return item
        }
    }

    /// Go's `evalArgs` for html/js/urlquery: one string as is, otherwise Sprint
    /// with `<no value>` for nil arguments.
    static func evalArgs(_ args: [TemplateValue]) -> String {
        if args.count == 1, let s = args[0].string { return s }
        return TemplatePrinter.sprint(args.map { $0.isNil ? .string("<no value>") : $0 })
    }

    // MARK: Comparison

    private enum Kind: Equatable { case invalid, bool, number, string, other }

    private static func kind(_ v: TemplateValue) -> Kind {
        switch v {
        case .missing, .value(.null): return .invalid
        case .value(.bool): return .bool
        case .value(.number), .float: return .number
        case .value(.string): return .string
        default: return .other
        }
    }

    private static func compareNumbers(_ a: TemplateValue, _ b: TemplateValue) -> Int {
        switch (a.number, b.number) {
        case (.int(let x)?, .int(let y)?): return x < y ? -1 : x == y ? 0 : 1
        case (let x?, let y?): return x.double < y.double ? -1 : x.double == y.double ? 0 : 1
        default: return 1
        }
    }

    static func eq(_ a: TemplateValue, _ others: [TemplateValue]) throws(TemplateFunctionError) -> Bool {
        if others.isEmpty { throw TemplateFunctionError("missing argument for comparison") }
        let ka = kind(a)
        for b in others {
            let kb = kind(b)
            var truth = false
            if ka == .invalid || kb == .invalid {
                truth = ka == kb // nil equals only nil, and is comparable with anything
            } else if ka != kb {
                throw TemplateFunctionError("incompatible types for comparison: \(a.goTypeName) and \(b.goTypeName)")
            } else {
                switch ka {
                case .bool: truth = a.isTruthy == b.isTruthy
                case .number: truth = compareNumbers(a, b) == 0
                case .string: truth = a.string == b.string
                default:
                    switch (a, b) {
                    case (.time(let x), .time(let y)):
                        truth = x == y
                    case (.value(.array), .value(.array)), (.value(.object), .value(.object)):
                        throw TemplateFunctionError("non-comparable type \(TemplatePrinter.sprint([b])): \(b.goTypeName)")
                    default:
                        throw TemplateFunctionError("non-comparable types \(TemplatePrinter.sprint([a])): \(a.goTypeName), \(b.goTypeName): \(TemplatePrinter.sprint([b]))")
                    }
                }
            }
            if truth { return true }
        }
        return false
    }

    static func lt(_ a: TemplateValue, _ b: TemplateValue) throws(TemplateFunctionError) -> Bool {
        let ka = kind(a), kb = kind(b)
        for k in [ka, kb] where k == .invalid || k == .other {
            throw TemplateFunctionError("invalid type for comparison")
        }
        if ka != kb {
            throw TemplateFunctionError("incompatible types for comparison: \(a.goTypeName) and \(b.goTypeName)")
        }
        switch ka {
        case .number: return compareNumbers(a, b) < 0
        case .string: return utf8BytesLess(a.string ?? "", b.string ?? "")
        default: throw TemplateFunctionError("invalid type for comparison")
        }
    }

    static func le(_ a: TemplateValue, _ b: TemplateValue) throws(TemplateFunctionError) -> Bool {
        if try lt(a, b) { return true }
        return try eq(a, [b])
    }

    // MARK: Helpers shared with Sprig

    /// Sprig's `strval`: strings as they are, everything else as `%v`.
    static func strval(_ v: TemplateValue) -> String {
        v.string ?? TemplatePrinter.sprint([v])
    }

    /// `reflect.DeepEqual` on decoded JSON, without recursion.
    static func deepEqual(_ a: Value, _ b: Value) -> Bool {
        var pending: [(Value, Value)] = [(a, b)]
        while let (x, y) = pending.popLast() {
            switch (x, y) {
            case (.array(let p), .array(let q)):
                guard p.count == q.count else { return false }
                pending.append(contentsOf: zip(p, q))
            case (.object(let p), .object(let q)):
                guard p.count == q.count else { return false }
                for (k, v) in p {
                    guard let w = q[k] else { return false }
                    pending.append((v, w))
                }
            case (.null, .null): continue
            case (.bool(let p), .bool(let q)): if p != q { return false }
            case (.number(let p), .number(let q)): if p != q { return false }
            case (.string(let p), .string(let q)): if p != q { return false }
            default: return false
            }
        }
        return true
    }
}

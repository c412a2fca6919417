// Sprig's list and dict functions. Go maps have no order, so where Sprig's
// output order is random (keys, values) the keys are sorted here.
// `set` and `unset` return the changed dict; Go also changes the map in
// place, which the executor reproduces for `set $var ...` (see
// TemplateExecutor+Eval.swift).

enum TemplateSprigCollections {
    static func apply(_ f: TemplateFunction, _ a: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        switch f {
        case .list:
            return .value(.array(a.map(\.asValue)))
        case .first, .last, .uniq:
            guard case .value(.array(let list)) = a[0] else { throw notAList(f, a[0]) }
            if f == .uniq {
                var unique: [Value] = []
                for item in list where !unique.contains(where: { TemplateBuiltins.deepEqual($0, item) }) {
                    unique.append(item)
                }
                return .value(.array(unique))
            }
            guard let item = f == .first ? list.first : list.last else { return .null }
            return .value(item)
        case .has:
            if a[1].isNil { return .bool(false) }
            guard case .value(.array(let list)) = a[1] else { throw notAList(f, a[1]) }
            let needle = a[0].asValue
            return .bool(list.contains { TemplateBuiltins.deepEqual($0, needle) })
        case .join:
            return .string(strings(a[1]).joined(separator: a[0].string ?? ""))
        case .split:
            var parts: [String: Value] = [:]
            for (i, part) in split(a[1].string ?? "", separator: a[0].string ?? "").enumerated() {
                parts["_\(i)"] = .string(part)
            }
            return .value(.object(parts))
        case .splitList:
            return .value(.array(split(a[1].string ?? "", separator: a[0].string ?? "").map { .string($0) }))
        case .dict:
            var d: [String: Value] = [:]
            var i = 0
            while i < a.count {
                d[TemplateBuiltins.strval(a[i])] = i + 1 < a.count ? a[i + 1].asValue : .string("")
                i += 2
            }
            return .value(.object(d))
        case .get:
            return .value(map(a[0])?[a[1].string ?? ""] ?? .string(""))
        case .set:
            guard var d = map(a[0]) else { throw TemplateFunctionError("assignment to entry in nil map") }
            d[a[1].string ?? ""] = a[2].asValue
            return .value(.object(d))
        case .unset:
            guard var d = map(a[0]) else { return a[0] }
            d[a[1].string ?? ""] = nil
            return .value(.object(d))
        case .hasKey:
            return .bool(map(a[0])?[a[1].string ?? ""] != nil)
        case .keys:
            return .value(.array(a.flatMap { (map($0) ?? [:]).keys.sorted(by: utf8BytesLess).map { Value.string($0) } }))
        case .values:
            return .value(.array(TemplatePrinter.sorted(map(a[0]) ?? [:]).map(\.value)))
        case .pick, .omit:
            let source = map(a[0]) ?? [:]
            let names = Set(a.dropFirst().compactMap(\.string))
            var d: [String: Value] = [:]
            for (k, v) in source where names.contains(k) == (f == .pick) { d[k] = v }
            return .value(.object(d))
        default:
            return .missing
        }
    }

    private static func map(_ v: TemplateValue) -> [String: Value]? {
        if case .value(.object(let o)) = v { return o }
        return nil
    }

    /// Sprig's error for a list function given something else (a nil one made Go panic).
    private static func notAList(_ f: TemplateFunction, _ v: TemplateValue) -> TemplateFunctionError {
        if v.isNil { return TemplateFunctionError("runtime error: invalid memory address or nil pointer dereference") }
        return TemplateFunctionError("Cannot find \(f.rawValue) on type \(goKind(v))")
    }

    /// Go's `reflect.Kind` name.
    private static func goKind(_ v: TemplateValue) -> String {
        switch v {
        case .value(.object): return "map"
        case .value(.array): return "slice"
        case .time: return "struct"
        default: return v.goTypeName
        }
    }

    /// Sprig's `strslice`: list items as strings (nil items dropped), a scalar as one item.
    private static func strings(_ v: TemplateValue) -> [String] {
        switch v {
        case .missing, .value(.null): return []
        case .value(.array(let list)):
            return list.compactMap { $0 == .null ? nil : TemplateBuiltins.strval(.value($0)) }
        default: return [TemplateBuiltins.strval(v)]
        }
    }

    /// Go's `strings.Split`: an empty separator splits after each character.
    static func split(_ s: String, separator: String) -> [String] {
        if separator.isEmpty { return s.unicodeScalars.map { String(Character($0)) } }
        let bytes = Array(s.utf8), sep = Array(separator.utf8)
        var parts: [String] = []
        var i = 0
        while let j = TemplateSprigStrings.find(sep, in: bytes, from: i) {
            parts.append(String(decoding: bytes[i..<j], as: UTF8.self))
            i = j + sep.count
        }
        parts.append(String(decoding: bytes[i...], as: UTF8.self))
        return parts
    }
}

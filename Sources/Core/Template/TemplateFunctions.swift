// The functions a template can call: Go's builtins, the gateway's `raw`, and
// the Sprig subset KrakenD templates use. Each has a Go-like signature so
// arguments are checked with text/template's messages ("wrong number of args
// for upper: want 1 got 2", "expected string; found 3").

/// A function failure; the executor reports it as `error calling NAME: message`.
struct TemplateFunctionError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// The Go parameter type of a function argument.
enum TemplateParameter: Sendable {
    /// `reflect.Value` (Go's builtins): the value as is, missing kept apart from null.
    case reflectValue
    /// `interface{}`: anything; a missing value arrives as nil.
    case any
    case string
    case int
    case bool
    /// `map[string]interface{}`: an object, or nil.
    case map

    var goName: String {
        switch self {
        case .reflectValue: return "reflect.Value"
        case .any: return "interface {}"
        case .string: return "string"
        case .int: return "int"
        case .bool: return "bool"
        case .map: return "map[string]interface {}"
        }
    }
}

enum TemplateFunction: String, CaseIterable, Sendable {
    // Go's builtins.
    case and, call, html, index, slice, js, len, not, or, print, printf, println, urlquery
    case eq, ge, gt, le, lt, ne
    // The gateway's marker for already-escaped text (see `TemplateEscaping`).
    case raw
    // Sprig: strings.
    case upper, lower, title, trim, trimAll, trimPrefix, trimSuffix, replace, contains, hasPrefix, hasSuffix
    case `repeat`, substr, trunc, quote, squote, cat, indent, nindent, b64enc, b64dec
    // Sprig: defaults, JSON, conversions and math.
    case defaultValue = "default", empty, coalesce, ternary
    case toJson, toJSON, toPrettyJson, toRawJson, mustToJson, fromJson, mustFromJson
    case int, int64, float64, toString, atoi
    case add, add1, sub, mul, div, mod, max, min
    // Sprig: lists and dicts.
    case list, first, last, uniq, has, join, split, splitList
    case dict, get, set, unset, hasKey, keys, values, pick, omit
    // Sprig: dates.
    case now, date

    /// Fixed parameters, then the type of the variadic ones (nil: not variadic).
    var signature: (fixed: [TemplateParameter], variadic: TemplateParameter?) {
        switch self {
        case .and, .or, .call, .index, .slice, .eq: return ([.reflectValue], .reflectValue)
        case .len, .not: return ([.reflectValue], nil)
        case .ne, .lt, .le, .gt, .ge: return ([.reflectValue, .reflectValue], nil)
        case .html, .js, .urlquery, .print, .println: return ([], .any)
        case .printf: return ([.string], .any)
        case .raw, .empty, .toJson, .toJSON, .toPrettyJson, .toRawJson, .mustToJson: return ([.any], nil)
        case .upper, .lower, .title, .trim, .b64enc, .b64dec, .fromJson, .mustFromJson, .atoi: return ([.string], nil)
        case .trimAll, .trimPrefix, .trimSuffix, .contains, .hasPrefix, .hasSuffix, .split, .splitList:
            return ([.string, .string], nil)
        case .replace: return ([.string, .string, .string], nil)
        case .repeat, .trunc, .indent, .nindent: return ([.int, .string], nil)
        case .substr: return ([.int, .int, .string], nil)
        case .quote, .squote, .cat, .coalesce, .list, .dict, .add: return ([], .any)
        case .defaultValue, .mul, .max, .min: return ([.any], .any)
        case .ternary: return ([.any, .any, .bool], nil)
        case .int, .int64, .float64, .toString, .add1, .first, .last, .uniq: return ([.any], nil)
        case .sub, .div, .mod, .has: return ([.any, .any], nil)
        case .join: return ([.string, .any], nil)
        case .get, .unset, .hasKey: return ([.map, .string], nil)
        case .set: return ([.map, .string, .any], nil)
        case .keys: return ([], .map)
        case .values: return ([.map], nil)
        case .pick, .omit: return ([.map], .string)
        case .now: return ([], nil)
        case .date: return ([.string, .any], nil)
        }
    }

    /// Runs the function on checked arguments. `and`, `or` and `call` are
    /// evaluated by the executor (short-circuit, callee names).
    func apply(_ a: [TemplateValue]) throws(TemplateFunctionError) -> TemplateValue {
        switch self {
        case .and, .or, .call: return a.last ?? .missing
        case .not: return .bool(!a[0].isTruthy)
        case .len: return try TemplateBuiltins.length(a[0])
        case .index: return try TemplateBuiltins.index(a[0], Array(a.dropFirst()))
        case .slice: return try TemplateBuiltins.slice(a[0], Array(a.dropFirst()))
        case .print: return .string(TemplatePrinter.sprint(a))
        case .println: return .string(TemplatePrinter.sprintln(a))
        case .printf: return .string(TemplatePrinter.sprintf(a[0].string ?? "", Array(a.dropFirst())))
        case .html: return .string(TemplateEscaper.html(TemplateBuiltins.evalArgs(a)))
        case .js: return .string(TemplateEscaper.js(TemplateBuiltins.evalArgs(a)))
        case .urlquery: return .string(TemplateEscaper.urlQuery(TemplateBuiltins.evalArgs(a)))
        case .eq: return .bool(try TemplateBuiltins.eq(a[0], Array(a.dropFirst())))
        case .ne: return .bool(!(try TemplateBuiltins.eq(a[0], [a[1]])))
        case .lt: return .bool(try TemplateBuiltins.lt(a[0], a[1]))
        case .le: return .bool(try TemplateBuiltins.le(a[0], a[1]))
        case .gt: return .bool(!(try TemplateBuiltins.le(a[0], a[1])))
        case .ge: return .bool(!(try TemplateBuiltins.lt(a[0], a[1])))
        case .raw: return a[0]
        case .upper, .lower, .title, .trim, .trimAll, .trimPrefix, .trimSuffix, .replace, .contains,
             .hasPrefix, .hasSuffix, .repeat, .substr, .trunc, .quote, .squote, .cat, .indent, .nindent,
             .b64enc, .b64dec:
            return try TemplateSprigStrings.apply(self, a)
        case .list, .first, .last, .uniq, .has, .join, .split, .splitList, .dict, .get, .set, .unset,
             .hasKey, .keys, .values, .pick, .omit:
            return try TemplateSprigCollections.apply(self, a)
        case .defaultValue, .empty, .coalesce, .ternary, .toJson, .toJSON, .toPrettyJson, .toRawJson,
             .mustToJson, .fromJson, .mustFromJson, .int, .int64, .float64, .toString, .atoi, .add, .add1,
             .sub, .mul, .div, .mod, .max, .min, .now, .date:
            return try TemplateSprigValues.apply(self, a)
        }
    }
}

import Foundation

/// One compiled JSON schema: only the keywords the linter checks, with every
/// subschema replaced by its index in the compiled node table. Indices rather
/// than nested values because `$ref`s make the graph cyclic (a workflow holds
/// backends, whose extra_config holds workflows).
///
/// Annotation keywords (`title`, `description`, `default`, `examples`,
/// `$comment`, `deprecated`) have no field: they never fail.
struct SchemaNode: Sendable {
    /// The `false` schema: nothing is valid here.
    var rejectsEverything = false

    var ref: Int?
    var types: [JSONType]?
    var enumValues: [Value]?
    var constValue: Value?

    // Objects.
    var properties: [String: Int] = [:]
    var patternProperties: [PatternProperty] = []
    var additionalProperties: Int?
    var required: [String] = []
    var minProperties: Int?
    var maxProperties: Int?

    // Arrays. `items` is either one schema for every element or, in the
    // tuple form, one per position followed by `additionalItems`.
    var items: Int?
    var tupleItems: [Int]?
    var additionalItems: Int?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false

    // Numbers.
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?

    // Strings.
    var minLength: Int?
    var maxLength: Int?
    var pattern: RegexPattern?

    /// The schema says nothing but `required` (KrakenD's `oneOf` branches
    /// mostly look like this), so a message can name keys instead of branches.
    var onlyRequires = false

    // Combinators.
    var allOf: [Int] = []
    var anyOf: [Int] = []
    var oneOf: [Int] = []
    var not: Int?
    var ifSchema: Int?
    var thenSchema: Int?
    var elseSchema: Int?
}

struct PatternProperty: Sendable {
    let pattern: RegexPattern
    let schema: Int
}

/// The seven JSON Schema type names.
enum JSONType: String, Sendable {
    case null, boolean, integer, number, string, array, object

    func matches(_ value: Value) -> Bool {
        switch (self, value) {
        case (.null, .null), (.boolean, .bool), (.number, .number),
             (.string, .string), (.array, .array), (.object, .object):
            return true
        case (.integer, .number(let text)):
            // JSON Schema counts `2.0` as an integer: the test is the value, not the spelling.
            if Int(text) != nil { return true }
            guard let d = Double(text), d.isFinite else { return false }
            return d == d.rounded()
        default:
            return false
        }
    }
}

/// A schema `pattern`, compiled once when the schema is loaded.
///
/// JSON Schema patterns are unanchored searches, so a match anywhere counts.
struct RegexPattern: Sendable {
    let source: String
    let regex: NSRegularExpression

    init(_ source: String) throws {
        self.source = source
        self.regex = try NSRegularExpression(pattern: source)
    }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

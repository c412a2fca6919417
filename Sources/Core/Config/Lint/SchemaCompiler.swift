import Foundation

/// Turns schema documents into the flat `SchemaNode` table the validator walks.
///
/// Each schema location (document URI + JSON pointer) is compiled once; a
/// `$ref` to a location already compiled, or being compiled, reuses its index,
/// which is how recursive schemas terminate.
final class SchemaCompiler {
    private let documents: SchemaDocuments
    private(set) var nodes: [SchemaNode] = []
    private var indexByLocation: [String: Int] = [:]
    private var patterns: [String: RegexPattern] = [:]

    init(documents: SchemaDocuments) {
        self.documents = documents
    }

    /// Compiles the whole document `uri` and everything it refers to.
    func compileDocument(_ uri: String) throws -> Int {
        try compile(try documents.document(uri), document: uri, pointer: "")
    }

    private func compile(_ schema: Value, document: String, pointer: String) throws -> Int {
        let location = document + "#" + pointer
        if let index = indexByLocation[location] { return index }
        let index = nodes.count
        nodes.append(SchemaNode())
        indexByLocation[location] = index
        nodes[index] = try node(for: schema, document: document, pointer: pointer)
        return index
    }

    private func node(for schema: Value, document: String, pointer: String) throws -> SchemaNode {
        var node = SchemaNode()
        switch schema {
        case .bool(let accepts):
            node.rejectsEverything = !accepts
            return node
        case .object:
            break
        default:
            throw invalid("a schema must be an object or a boolean", document, pointer)
        }

        func sub(_ keyword: String, _ more: String...) throws -> Int? {
            var value = schema[keyword]
            var path = pointer + "/" + SchemaDocuments.escapePointerToken(keyword)
            for key in more {
                value = value?[key]
                path += "/" + SchemaDocuments.escapePointerToken(key)
            }
            guard let value else { return nil }
            return try compile(value, document: document, pointer: path)
        }
        func subList(_ keyword: String) throws -> [Int] {
            guard let list = schema[keyword]?.arrayValue else { return [] }
            return try list.indices.map { i in
                try compile(list[i], document: document, pointer: "\(pointer)/\(keyword)/\(i)")
            }
        }
        func number(_ keyword: String) -> Double? { schema[keyword]?.doubleValue }
        func int(_ keyword: String) -> Int? { schema[keyword]?.intValue }

        // Draft 2019-09 applies `$ref` alongside its sibling keywords (KrakenD's
        // schema relies on it: `{"$ref": "timeunits.json#/$defs/timeunit", "type": "string"}`).
        if let ref = schema["$ref"]?.stringValue {
            let (target, fragment) = SchemaDocuments.split(ref, base: document)
            guard let value = SchemaDocuments.follow(pointer: fragment, in: try documents.document(target)) else {
                throw invalid("unresolvable $ref \(ref)", document, pointer)
            }
            node.ref = try compile(value, document: target, pointer: fragment)
        }

        switch schema["type"] {
        case .string(let name)?:
            node.types = [try type(name, document, pointer)]
        case .array(let names)?:
            node.types = try names.map { try type($0.stringValue ?? "?", document, pointer) }
        default:
            break
        }
        node.enumValues = schema["enum"]?.arrayValue
        node.constValue = schema["const"]

        if let properties = schema["properties"]?.objectValue {
            for key in properties.keys {
                node.properties[key] = try sub("properties", key)
            }
        }
        if let patternProperties = schema["patternProperties"]?.objectValue {
            // Sorted so that reports do not depend on dictionary order.
            for key in patternProperties.keys.sorted() {
                node.patternProperties.append(PatternProperty(
                    pattern: try pattern(key, document, pointer), schema: try sub("patternProperties", key)!))
            }
        }
        node.additionalProperties = try sub("additionalProperties")
        node.required = schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let annotations: Set<String> = ["title", "description", "default", "examples", "$comment", "deprecated"]
        node.onlyRequires = !node.required.isEmpty
            && Set(schema.objectValue!.keys).subtracting(annotations) == ["required"]
        node.minProperties = int("minProperties")
        node.maxProperties = int("maxProperties")

        if case .array = schema["items"] {
            node.tupleItems = try subList("items")
            node.additionalItems = try sub("additionalItems")
        } else {
            node.items = try sub("items")
        }
        node.minItems = int("minItems")
        node.maxItems = int("maxItems")
        node.uniqueItems = schema["uniqueItems"]?.boolValue ?? false

        node.minimum = number("minimum")
        node.maximum = number("maximum")
        // Draft 4 spelled these as booleans modifying minimum/maximum.
        switch schema["exclusiveMinimum"] {
        case .bool(true)?: (node.exclusiveMinimum, node.minimum) = (node.minimum, nil)
        default: node.exclusiveMinimum = number("exclusiveMinimum")
        }
        switch schema["exclusiveMaximum"] {
        case .bool(true)?: (node.exclusiveMaximum, node.maximum) = (node.maximum, nil)
        default: node.exclusiveMaximum = number("exclusiveMaximum")
        }

        node.minLength = int("minLength")
        node.maxLength = int("maxLength")
        if let source = schema["pattern"]?.stringValue {
            node.pattern = try pattern(source, document, pointer)
        }

        node.allOf = try subList("allOf")
        node.anyOf = try subList("anyOf")
        node.oneOf = try subList("oneOf")
        node.not = try sub("not")
        node.ifSchema = try sub("if")
        if node.ifSchema != nil {
            node.thenSchema = try sub("then")
            node.elseSchema = try sub("else")
        }
        return node
    }

    private func type(_ name: String, _ document: String, _ pointer: String) throws -> JSONType {
        guard let type = JSONType(rawValue: name) else { throw invalid("unknown type \"\(name)\"", document, pointer) }
        return type
    }

    /// Each distinct pattern is compiled once: `^[@$_#]` alone appears in hundreds of places.
    private func pattern(_ source: String, _ document: String, _ pointer: String) throws -> RegexPattern {
        if let known = patterns[source] { return known }
        do {
            let compiled = try RegexPattern(source)
            patterns[source] = compiled
            return compiled
        } catch {
            throw invalid("invalid pattern \(source)", document, pointer)
        }
    }

    private func invalid(_ message: String, _ document: String, _ pointer: String) -> SchemaLoadError {
        SchemaLoadError(message: "\(message) at \(document)#\(pointer)")
    }
}

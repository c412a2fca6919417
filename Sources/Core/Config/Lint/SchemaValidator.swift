/// One schema violation before it is rendered: the structured path, and what
/// kind of failure it is so that `anyOf`/`oneOf` can pick the relevant branch.
struct SchemaIssue {
    enum Kind {
        /// The value has the wrong JSON type for the schema.
        case type([JSONType])
        /// The value is not an allowed one (`enum`, `const`).
        case value
        /// An object lacks these required keys.
        case missing([String])
        case other
    }

    var path: [LintPathStep]
    var message: String
    var kind: Kind
}

/// Walks a configuration value against the compiled schema nodes, collecting
/// every violation (not just the first) so one `check --lint` run shows them all.
struct SchemaValidator {
    let nodes: [SchemaNode]

    func validate(_ value: Value, _ index: Int, at path: [LintPathStep], into issues: inout [SchemaIssue]) {
        let node = nodes[index]
        if node.rejectsEverything {
            issues.append(SchemaIssue(path: path, message: "not allowed here", kind: .other))
            return
        }
        if let ref = node.ref {
            validate(value, ref, at: path, into: &issues)
        }
        if let types = node.types, !types.contains(where: { $0.matches(value) }) {
            // Nothing else in this schema can say anything useful about a value of the wrong type.
            issues.append(SchemaIssue(
                path: path, message: "expected \(Self.typeList(types)), got \(value.typeName)", kind: .type(types)))
            return
        }
        if let expected = node.constValue, !JSONValueText.equal(expected, value) {
            issues.append(SchemaIssue(
                path: path, message: "expected \(JSONValueText.render(expected)), got \(JSONValueText.render(value))",
                kind: .value))
        }
        if let allowed = node.enumValues, !allowed.contains(where: { JSONValueText.equal($0, value) }) {
            let list = allowed.map(JSONValueText.renderBare).joined(separator: ", ")
            issues.append(SchemaIssue(
                path: path, message: "\(JSONValueText.render(value)) is not one of: \(list)", kind: .value))
        }

        switch value {
        case .object(let members): validateObject(members, node, path, &issues)
        case .array(let items): validateArray(items, node, path, &issues)
        case .number(let text): validateNumber(text, node, path, &issues)
        case .string(let text): validateString(text, node, path, &issues)
        case .null, .bool: break
        }

        for branch in node.allOf {
            validate(value, branch, at: path, into: &issues)
        }
        if !node.anyOf.isEmpty {
            checkAlternatives(value, node.anyOf, exactlyOne: false, path, &issues)
        }
        if !node.oneOf.isEmpty {
            checkAlternatives(value, node.oneOf, exactlyOne: true, path, &issues)
        }
        if let not = node.not, passes(value, not, path) {
            issues.append(SchemaIssue(path: path, message: "matches a schema it must not match", kind: .other))
        }
        if let condition = node.ifSchema {
            if passes(value, condition, path) {
                if let then = node.thenSchema { validate(value, then, at: path, into: &issues) }
            } else if let otherwise = node.elseSchema {
                validate(value, otherwise, at: path, into: &issues)
            }
        }
    }

    private func passes(_ value: Value, _ index: Int, _ path: [LintPathStep]) -> Bool {
        var scratch: [SchemaIssue] = []
        validate(value, index, at: path, into: &scratch)
        return scratch.isEmpty
    }

    // MARK: - Objects

    private func validateObject(
        _ members: [String: Value], _ node: SchemaNode, _ path: [LintPathStep], _ issues: inout [SchemaIssue]
    ) {
        let missing = node.required.filter { members[$0] == nil }
        if !missing.isEmpty {
            issues.append(SchemaIssue(path: path, message: Self.missingMessage([missing]), kind: .missing(missing)))
        }
        if let min = node.minProperties, members.count < min {
            issues.append(SchemaIssue(
                path: path, message: "expected at least \(Self.count(min, "key")), got \(members.count)", kind: .other))
        }
        if let max = node.maxProperties, members.count > max {
            issues.append(SchemaIssue(
                path: path, message: "expected at most \(Self.count(max, "key")), got \(members.count)", kind: .other))
        }

        for (key, member) in members {
            let memberPath = path + [.key(key)]
            var declared = false
            if let schema = node.properties[key] {
                declared = true
                validate(member, schema, at: memberPath, into: &issues)
            }
            for pattern in node.patternProperties where pattern.pattern.matches(key) {
                declared = true
                validate(member, pattern.schema, at: memberPath, into: &issues)
            }
            guard !declared, let additional = node.additionalProperties else { continue }
            // KrakenD accepts `@comment`-style keys everywhere, whatever the schema of the object says.
            if key.hasPrefix("@") { continue }
            if nodes[additional].rejectsEverything {
                issues.append(SchemaIssue(
                    path: memberPath, message: "unknown key \(JSONValueText.quote(key))", kind: .other))
            } else {
                validate(member, additional, at: memberPath, into: &issues)
            }
        }
    }

    // MARK: - Arrays

    private func validateArray(
        _ items: [Value], _ node: SchemaNode, _ path: [LintPathStep], _ issues: inout [SchemaIssue]
    ) {
        if let min = node.minItems, items.count < min {
            issues.append(SchemaIssue(
                path: path, message: "expected at least \(Self.count(min, "item")), got \(items.count)", kind: .other))
        }
        if let max = node.maxItems, items.count > max {
            issues.append(SchemaIssue(
                path: path, message: "expected at most \(Self.count(max, "item")), got \(items.count)", kind: .other))
        }
        for (i, item) in items.enumerated() {
            let schema: Int?
            if let tuple = node.tupleItems {
                schema = i < tuple.count ? tuple[i] : node.additionalItems
            } else {
                schema = node.items
            }
            if let schema { validate(item, schema, at: path + [.index(i)], into: &issues) }
        }
        if node.uniqueItems {
            // Quadratic, but configuration arrays are short.
            outer: for i in items.indices {
                for j in items.indices where j > i && JSONValueText.equal(items[i], items[j]) {
                    issues.append(SchemaIssue(
                        path: path + [.index(j)],
                        message: "duplicate item \(JSONValueText.render(items[j])) (items must be unique)", kind: .other))
                    break outer
                }
            }
        }
    }

    // MARK: - Scalars

    private func validateNumber(_ text: String, _ node: SchemaNode, _ path: [LintPathStep], _ issues: inout [SchemaIssue]) {
        guard let number = Double(text) else { return }
        func check(_ ok: Bool, _ relation: String, _ bound: Double?) {
            guard let bound, !ok else { return }
            issues.append(SchemaIssue(path: path, message: "must be \(relation) \(Self.format(bound)), got \(text)", kind: .other))
        }
        if let b = node.minimum { check(number >= b, ">=", b) }
        if let b = node.maximum { check(number <= b, "<=", b) }
        if let b = node.exclusiveMinimum { check(number > b, ">", b) }
        if let b = node.exclusiveMaximum { check(number < b, "<", b) }
    }

    private func validateString(_ text: String, _ node: SchemaNode, _ path: [LintPathStep], _ issues: inout [SchemaIssue]) {
        // JSON Schema lengths count code points.
        let length = text.unicodeScalars.count
        if let min = node.minLength, length < min {
            issues.append(SchemaIssue(
                path: path, message: "must be at least \(Self.count(min, "character")) long", kind: .other))
        }
        if let max = node.maxLength, length > max {
            issues.append(SchemaIssue(
                path: path, message: "must be at most \(Self.count(max, "character")) long", kind: .other))
        }
        if let pattern = node.pattern, !pattern.matches(text) {
            issues.append(SchemaIssue(
                path: path, message: "\(JSONValueText.quote(text)) does not match the pattern \(pattern.source)",
                kind: .other))
        }
    }

    // MARK: - Messages

    static func typeList(_ types: [JSONType]) -> String {
        types.map(\.rawValue).joined(separator: " or ")
    }

    static func count(_ n: Int, _ noun: String) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(noun)s"
    }

    /// `missing required key "a"`, `missing required keys "a" and "b"`, and
    /// for alternatives `missing required key "jwk_local_path" or "jwk_url"`.
    static func missingMessage(_ alternatives: [[String]]) -> String {
        let plural = alternatives.contains { $0.count > 1 }
        let groups = alternatives.map { keyList($0, grouped: alternatives.count > 1) }
        return "missing required \(plural ? "keys" : "key") " + groups.joined(separator: " or ")
    }

    /// `"a"`, `"a" and "b"`, `"a", "b" and "c"`; in parentheses when `grouped`
    /// and more than one, so that alternatives joined by "or" stay readable.
    static func keyList(_ keys: [String], grouped: Bool) -> String {
        let quoted = keys.map(JSONValueText.quote)
        guard quoted.count > 1 else { return quoted.joined() }
        let list = quoted.dropLast().joined(separator: ", ") + " and " + quoted.last!
        return grouped ? "(\(list))" : list
    }

    private static func format(_ bound: Double) -> String {
        bound == bound.rounded() && abs(bound) < 1e15 ? String(Int(bound)) : String(bound)
    }
}

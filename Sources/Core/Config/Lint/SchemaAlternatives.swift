/// `anyOf` / `oneOf`: when no branch fits, report the branch the user most
/// likely meant instead of every branch's complaints.
extension SchemaValidator {
    func checkAlternatives(
        _ value: Value, _ branches: [Int], exactlyOne: Bool, _ path: [LintPathStep], _ issues: inout [SchemaIssue]
    ) {
        let results: [[SchemaIssue]] = branches.map { branch in
            var found: [SchemaIssue] = []
            validate(value, branch, at: path, into: &found)
            return found
        }
        let passing = results.indices.filter { results[$0].isEmpty }
        if exactlyOne ? passing.count == 1 : !passing.isEmpty { return }
        if passing.count > 1 {
            issues.append(SchemaIssue(path: path, message: ambiguityMessage(passing.map { branches[$0] }), kind: .other))
            return
        }
        issues += summarize(results, of: value, at: path)
    }

    /// For a `oneOf` that more than one branch satisfies. When the branches
    /// only differ by required keys, the keys that clash are named.
    private func ambiguityMessage(_ matching: [Int]) -> String {
        let generic = "matches more than one of the exclusive alternatives"
        guard matching.allSatisfy({ nodes[$0].onlyRequires }) else { return generic }
        let common = matching.dropFirst().reduce(Set(nodes[matching[0]].required)) {
            $0.intersection(nodes[$1].required)
        }
        let groups = matching.map { nodes[$0].required.filter { !common.contains($0) } }
        guard !groups.contains(where: \.isEmpty) else { return generic }
        let options = groups.map { Self.keyList($0, grouped: true) }
        if options.count == 2 { return "set either \(options[0]) or \(options[1]), not both" }
        return "set only one of " + options.dropLast().joined(separator: ", ") + " or " + options.last!
    }

    /// Picks what to say when every branch failed.
    private func summarize(_ results: [[SchemaIssue]], of value: Value, at path: [LintPathStep]) -> [SchemaIssue] {
        func rejectsOutright(_ issue: SchemaIssue) -> Bool {
            guard issue.path == path else { return false }
            switch issue.kind {
            case .type, .value: return true
            case .missing, .other: return false
            }
        }
        // Branches written for another type (or another literal value) are not what the user meant.
        let relevant = results.filter { !$0.contains(where: rejectsOutright) }

        guard !relevant.isEmpty else {
            var expected: [JSONType] = []
            var everyBranchWantsAnotherType = true
            for branch in results {
                var wantsAnotherType = false
                for issue in branch where issue.path == path {
                    guard case .type(let types) = issue.kind else { continue }
                    wantsAnotherType = true
                    for type in types where !expected.contains(type) { expected.append(type) }
                }
                everyBranchWantsAnotherType = everyBranchWantsAnotherType && wantsAnotherType
            }
            if everyBranchWantsAnotherType {
                return [SchemaIssue(
                    path: path, message: "expected \(Self.typeList(expected)), got \(value.typeName)",
                    kind: .type(expected))]
            }
            return results[0]
        }

        // Branches that differ only by which keys are required (most of KrakenD's
        // oneOf/anyOf) read best as one "missing ... or ..." message.
        let onlyMissing = relevant.filter { branch in
            branch.allSatisfy { if case .missing = $0.kind { $0.path == path } else { false } }
        }
        let anyDeeper = relevant.contains { $0.contains { $0.path.count > path.count } }
        if !onlyMissing.isEmpty && !anyDeeper {
            var groups: [[String]] = []
            for branch in onlyMissing {
                let keys = branch.flatMap { issue -> [String] in
                    if case .missing(let keys) = issue.kind { return keys } else { return [] }
                }
                if !groups.contains(keys) { groups.append(keys) }
            }
            // Adding the keys of a smaller group is enough, so larger groups containing it are noise.
            let minimal = groups.filter { group in
                !groups.contains { other in other != group && Set(other).isSubset(of: group) }
            }
            let all = minimal.flatMap { $0 }
            return [SchemaIssue(path: path, message: Self.missingMessage(minimal), kind: .missing(all))]
        }

        // Otherwise the branch that got furthest into the value, then the one with fewest complaints.
        let best = relevant.enumerated().min { a, b in
            let depthA = a.element.map(\.path.count).max() ?? 0
            let depthB = b.element.map(\.path.count).max() ?? 0
            if depthA != depthB { return depthA > depthB }
            if a.element.count != b.element.count { return a.element.count < b.element.count }
            return a.offset < b.offset
        }!
        return best.element
    }
}

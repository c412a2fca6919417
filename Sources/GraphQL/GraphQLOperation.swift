import Foundation
import GatewayCore

/// A backend's `backend/graphql` settings, read and checked at start-up:
/// the operation's text (inline `query` or the file at `query_path`), its
/// `type`, default `variables` and `operationName`.
struct GraphQLOperation: Sendable {
    enum Kind: String, Sendable {
        /// User input comes from the endpoint's `{params}`.
        case query
        /// User input comes from the request body.
        case mutation
    }

    var kind: Kind
    var query: String
    var operationName: String?
    var variables: [String: Value]
    /// What the GraphQL parser found wrong in the document (syntax, a missing
    /// `operationName`): reported, not fatal, since Dgraph-style dialects
    /// (the manual's own `{ q(func: uid(1)) { uid } }`) are not GraphQL.
    var documentProblems: [ConfigProblem]

    /// Reads the namespace of `backend`; every problem is reported with its path.
    init(_ backend: BackendConfig) throws(ConfigError) {
        let path = backend.configPath + ".extra_config." + GraphQLBackend.namespace
        guard let section = backend.extraConfig[GraphQLBackend.namespace]?.objectValue else {
            throw ConfigError(path: path, "must be an object")
        }
        var problems: [ConfigProblem] = []
        // Lura lower-cases the type; anything else leaves the backend a plain HTTP one there.
        let typeName = section["type"]?.stringValue?.lowercased()
        let kind = typeName.flatMap(Kind.init(rawValue:))
        if kind == nil {
            problems.append(ConfigProblem(path: path + ".type", message: "must be \"query\" or \"mutation\""))
        }
        var text: String?
        var source = path + ".query"
        if let file = section["query_path"]?.stringValue, !file.isEmpty {
            source = file
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                problems.append(ConfigProblem(path: path + ".query_path", message: "cannot read \(file): \(error.localizedDescription)"))
            }
        } else if let inline = section["query"]?.stringValue {
            text = inline
        } else {
            problems.append(ConfigProblem(path: path, message: "needs a \"query\" or a \"query_path\""))
        }
        let operationName = section["operationName"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        let documentProblems = text.map { GraphQLDocumentCheck.problems(in: $0, source: source, operationName: operationName, path: path) } ?? []
        var variables: [String: Value] = [:]
        if let given = section["variables"] {
            if let object = given.objectValue { variables = object } else {
                problems.append(ConfigProblem(path: path + ".variables", message: "must be an object"))
            }
        }
        guard problems.isEmpty, let kind, let text else { throw ConfigError(problems) }
        self.kind = kind
        self.query = text
        self.operationName = operationName
        self.variables = variables
        self.documentProblems = documentProblems
    }

    /// The variables whose whole value is a `{placeholder}`: the endpoint
    /// parameter each takes (top-level ones only, as Lura does).
    var placeholders: [(variable: String, param: String)] {
        variables.compactMap { name, value in
            guard let text = value.stringValue, text.count >= 3, text.first == "{", text.last == "}" else { return nil }
            return (name, String(text.dropFirst().dropLast()))
        }.sorted { $0.variable < $1.variable }
    }
}

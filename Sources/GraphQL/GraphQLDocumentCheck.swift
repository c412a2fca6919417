import Foundation
import GatewayCore
import GraphQL

/// What `krakend check` and start-up say about a configured GraphQL document:
/// syntax errors with file, line and column, and an `operationName` the
/// document does not define.
enum GraphQLDocumentCheck {
    static func problems(in text: String, source: String, operationName: String?, path: String) -> [ConfigProblem] {
        let document: Document
        do {
            document = try parse(source: Source(body: text, name: source))
        } catch let error as GraphQLError {
            guard let location = error.locations.first else { return [ConfigProblem(path: path, message: "\(source): \(error.message)")] }
            let description = syntaxMessage(error.message, marker: "(\(location.line):\(location.column)) ")
            return [ConfigProblem(path: path, message: "\(source):\(location.line):\(location.column): \(description)")]
        } catch {
            return [ConfigProblem(path: path, message: "\(source): \(error)")]
        }
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        if operations.isEmpty {
            return [ConfigProblem(path: path, message: "\(source): the document has no operation to run")]
        }
        let names = operations.compactMap { $0.name?.value }
        if let operationName {
            if !names.contains(operationName) {
                let known = names.isEmpty ? "none is named" : "it has " + names.map { "\"\($0)\"" }.joined(separator: ", ")
                return [ConfigProblem(path: path + ".operationName", message: "\(source) has no operation \"\(operationName)\" (\(known))")]
            }
        } else if operations.count > 1 {
            // A GraphQL server refuses such a request: say it now, not per call.
            return [ConfigProblem(path: path + ".operationName", message: "\(source) has \(operations.count) operations: operationName must name one")]
        }
        return []
    }

    /// The parser's message without its own position prefix and source excerpt:
    /// `Syntax Error NAME (3:7) Expected Name, found "}"` → `syntax error: Expected Name, found "}"`.
    static func syntaxMessage(_ message: String, marker: String) -> String {
        let firstLine = message.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? message
        guard firstLine.hasPrefix("Syntax Error"), let position = firstLine.range(of: marker, options: .backwards) else { return firstLine }
        return "syntax error: " + firstLine[position.upperBound...]
    }
}

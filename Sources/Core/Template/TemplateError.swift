/// A parse or execution failure of a `GoTemplate`, worded like Go's text/template.
///
/// `description` reads like Go's error strings:
///
///     template: body:3:7: unexpected "}" in operand
///     template: body:1:20: executing "inner" at <index .list 5>: error calling index: index out of range: 5
///
/// One deliberate difference: Go prints a 0-based byte offset after the line
/// (`body:1:2` for an action right after `{{`); here `line` and `column` are
/// 1-based and the column counts characters (Unicode scalars), so the same
/// position reads `body:1:3`.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Whether the template text was rejected or its execution failed.
    public enum Phase: Sendable, Equatable {
        case parse
        case execution
    }

    public let phase: Phase
    /// The name given to `GoTemplate(name:text:)`: the source text the position refers to.
    public let templateName: String
    /// 1-based line of the offending token or action; 0 when the error has no position.
    public let line: Int
    /// 1-based column, in characters, of the offending token or action; 0 when there is no position.
    public let column: Int
    /// Go's message without the `template: name:line:col:` prefix.
    public let message: String
    /// Execution only: the template being executed (a `define`d name or the main one).
    public let executing: String?
    /// Execution only: the failing node as Go prints it (`.a.b`, `index . "x"`).
    public let action: String?

    public init(phase: Phase, templateName: String, line: Int, column: Int, message: String,
                executing: String? = nil, action: String? = nil) {
        self.phase = phase
        self.templateName = templateName
        self.line = line
        self.column = column
        self.message = message
        self.executing = executing
        self.action = action
    }

    public var description: String {
        guard line > 0 else { return "template: \(templateName): \(message)" }
        let location = "template: \(templateName):\(line):\(column):"
        guard phase == .execution else { return "\(location) \(message)" }
        let name = TemplateQuote.quote(executing ?? templateName)
        return "\(location) executing \(name) at <\(action ?? "")>: \(message)"
    }
}

/// The template text kept after parsing, to turn node offsets into positions
/// only when an error is reported.
struct TemplateSource: Sendable {
    let name: String
    let bytes: [UInt8]

    /// 1-based line of a byte offset.
    func line(of offset: Int) -> Int {
        let end = Swift.min(Swift.max(offset, 0), bytes.count)
        var line = 1
        for i in 0..<end where bytes[i] == 0x0A { line += 1 }
        return line
    }

    /// 1-based line and column (in Unicode scalars) of a byte offset.
    func location(of offset: Int) -> (line: Int, column: Int) {
        let end = Swift.min(Swift.max(offset, 0), bytes.count)
        var lineStart = 0
        var line = 1
        for i in 0..<end where bytes[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        var column = 1
        for i in lineStart..<end where bytes[i] & 0xC0 != 0x80 { column += 1 }
        return (line, column)
    }

    func parseError(_ message: String, at offset: Int) -> TemplateError {
        let (line, column) = location(of: offset)
        return TemplateError(phase: .parse, templateName: name, line: line, column: column, message: message)
    }

    func executionError(_ message: String, at offset: Int, executing: String, action: String) -> TemplateError {
        let (line, column) = location(of: offset)
        return TemplateError(phase: .execution, templateName: name, line: line, column: column,
                             message: message, executing: executing, action: action)
    }
}

// The parse tree, shaped like Go's parse package: lists of nodes, pipelines of
// commands, commands of operands. Offsets are byte offsets into the template
// text (turned into line/column only for errors). `goString` renders a node
// the way Go's `Node.String()` does; execution errors quote it (`at <.a.b>`).

/// A variable resolved at parse time: its name for messages, an id for fast lookups.
struct TemplateVariable: Sendable {
    let name: String
    let id: Int
}

indirect enum TemplateOperand: Sendable {
    /// `.a.b`: field names without dots.
    case field(offset: Int, names: [String])
    /// `(pipeline).a.b` or `function.a`.
    case chain(offset: Int, base: TemplateOperand, names: [String])
    /// `$x.a.b`: the variable then field names.
    case variable(offset: Int, variable: TemplateVariable, names: [String])
    case dot(offset: Int)
    case nilLiteral(offset: Int)
    case bool(offset: Int, value: Bool)
    case number(offset: Int, literal: TemplateNumberLiteral)
    case string(offset: Int, quoted: String, value: String)
    case function(offset: Int, function: TemplateFunction)
    case pipeline(TemplatePipeline)

    var offset: Int {
        switch self {
        case .field(let o, _), .chain(let o, _, _), .variable(let o, _, _), .dot(let o), .nilLiteral(let o),
             .bool(let o, _), .number(let o, _), .string(let o, _, _), .function(let o, _):
            return o
        case .pipeline(let p):
            return p.offset
        }
    }

    var goString: String {
        switch self {
        case .field(_, let names):
            return names.map { "." + $0 }.joined()
        case .chain(_, let base, let names):
            let head: String
            if case .pipeline(let p) = base { head = "(\(p.goString))" } else { head = base.goString }
            return head + names.map { "." + $0 }.joined()
        case .variable(_, let v, let names):
            return ([v.name] + names).joined(separator: ".")
        case .dot: return "."
        case .nilLiteral: return "nil"
        case .bool(_, let b): return b ? "true" : "false"
        case .number(_, let n): return n.text
        case .string(_, let quoted, _): return quoted
        case .function(_, let f): return f.rawValue
        case .pipeline(let p): return p.goString
        }
    }
}

struct TemplateCommand: Sendable {
    let offset: Int
    let args: [TemplateOperand]

    var goString: String {
        args.map { arg in
            if case .pipeline(let p) = arg { return "(\(p.goString))" }
            return arg.goString
        }.joined(separator: " ")
    }
}

struct TemplatePipeline: Sendable {
    let offset: Int
    var isAssign = false
    var decls: [TemplateVariable] = []
    var commands: [TemplateCommand] = []

    /// The last command is the `raw` function: the action's output is never escaped.
    var isRaw: Bool {
        guard let last = commands.last, let first = last.args.first,
              case .function(_, .raw) = first else { return false }
        return true
    }

    var goString: String {
        var s = ""
        if !decls.isEmpty {
            s = decls.map(\.name).joined(separator: ", ") + (isAssign ? " = " : " := ")
        }
        return s + commands.map(\.goString).joined(separator: " | ")
    }
}

/// `if`, `range` and `with`: a pipeline, a body and an optional `else` body.
struct TemplateBranch: Sendable {
    let offset: Int
    let pipeline: TemplatePipeline
    let list: [TemplateNode]
    let elseList: [TemplateNode]?
}

enum TemplateNode: Sendable {
    case text([UInt8])
    case action(TemplatePipeline)
    indirect case ifBlock(TemplateBranch)
    indirect case rangeBlock(TemplateBranch)
    indirect case withBlock(TemplateBranch)
    case templateCall(offset: Int, name: String, pipeline: TemplatePipeline?)
    case breakLoop(offset: Int)
    case continueLoop(offset: Int)

    /// Go's `Node.String()`; `quoteText` renders text nodes with %q as Go's parse tests do.
    func goString(quoteText: Bool = false) -> String {
        switch self {
        case .text(let bytes):
            let s = String(decoding: bytes, as: UTF8.self)
            return quoteText ? TemplateQuote.quote(s) : s
        case .action(let p):
            return "{{\(p.goString)}}"
        case .ifBlock(let b):
            return TemplateNode.branchString("if", b, quoteText)
        case .rangeBlock(let b):
            return TemplateNode.branchString("range", b, quoteText)
        case .withBlock(let b):
            return TemplateNode.branchString("with", b, quoteText)
        case .templateCall(_, let name, let pipe):
            guard let pipe else { return "{{template \(TemplateQuote.quote(name))}}" }
            return "{{template \(TemplateQuote.quote(name)) \(pipe.goString)}}"
        case .breakLoop:
            return "{{break}}"
        case .continueLoop:
            return "{{continue}}"
        }
    }

    static func listString(_ list: [TemplateNode], quoteText: Bool = false) -> String {
        list.map { $0.goString(quoteText: quoteText) }.joined()
    }

    private static func branchString(_ keyword: String, _ b: TemplateBranch, _ quoteText: Bool) -> String {
        var s = "{{\(keyword) \(b.pipeline.goString)}}" + listString(b.list, quoteText: quoteText)
        if let e = b.elseList { s += "{{else}}" + listString(e, quoteText: quoteText) }
        return s + "{{end}}"
    }

    /// Go's `IsEmptyTree`: only white space (and comments, already dropped).
    static func isEmpty(_ list: [TemplateNode]) -> Bool {
        for node in list {
            guard case .text(let bytes) = node else { return false }
            for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars where !scalar.properties.isWhitespace {
                return false
            }
        }
        return true
    }
}

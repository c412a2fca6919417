// The recursive-descent parser of Go's text/template (parse/parse.go): the
// same grammar, the same checks (undefined functions and variables, `break`
// outside `range`, non-executable pipeline stages) and the same messages.
// This file holds the driver and the control structures; pipelines and
// operands are in TemplateParser+Pipeline.swift.

struct TemplateParser {
    /// Nesting of control structures and parentheses allowed in one template.
    /// Go allows 10 000 parentheses; recursion here uses the thread's stack
    /// (about 2.5 KB a level in release builds), so the limit is lower and
    /// applies to `if`/`range`/`with` as well. `else if` chains do not nest.
    static let maxNesting = 100

    enum Item {
        case node(TemplateNode)
        case end(offset: Int)
        case elseItem(offset: Int)

        var goString: String {
            switch self {
            case .node(let n): return n.goString()
            case .end: return "{{end}}"
            case .elseItem: return "{{else}}"
            }
        }
    }

    let source: TemplateSource
    private let tokens: [TemplateToken]
    var index = 0
    private var furthest = 0
    var vars: [String] = ["$"]
    var rangeDepth = 0
    var nesting = 0
    private var actionStart: Int?
    private var variableIDs: [String: Int] = ["$": 0]
    private(set) var trees: [String: [TemplateNode]] = [:]

    private init(source: TemplateSource) {
        self.source = source
        self.tokens = TemplateLexer.tokenize(source.bytes)
    }

    /// Every template of the text by name: the main one under `source.name`,
    /// plus those of `define` and `block`.
    static func parse(_ source: TemplateSource) throws(TemplateError) -> [String: [TemplateNode]] {
        var parser = TemplateParser(source: source)
        let root = try parser.parseTop()
        try parser.add(name: source.name, root: root)
        return parser.trees
    }

    // MARK: Tokens

    mutating func next() -> TemplateToken {
        let i = Swift.min(index, tokens.count - 1)
        furthest = Swift.max(furthest, i)
        index += 1
        return tokens[i]
    }

    mutating func backup() { index -= 1 }

    mutating func peek() -> TemplateToken {
        let i = Swift.min(index, tokens.count - 1)
        furthest = Swift.max(furthest, i)
        return tokens[i]
    }

    mutating func nextNonSpace() -> TemplateToken {
        var t = next()
        while t.kind == .space { t = next() }
        return t
    }

    mutating func peekNonSpace() -> TemplateToken {
        let t = nextNonSpace()
        backup()
        return t
    }

    func text(_ t: TemplateToken) -> String {
        String(decoding: source.bytes[t.start..<t.end], as: UTF8.self)
    }

    func bytes(_ t: TemplateToken) -> ArraySlice<UInt8> { source.bytes[t.start..<t.end] }

    mutating func variableID(_ name: String) -> Int {
        if let id = variableIDs[name] { return id }
        let id = variableIDs.count
        variableIDs[name] = id
        return id
    }

    // MARK: Errors

    /// An error at the most recently read token, as Go reports the line of `token[0]`.
    func fail(_ message: String) -> TemplateError {
        source.parseError(message, at: tokens[furthest].start)
    }

    /// Go's `item.String()`.
    func describe(_ t: TemplateToken) -> String {
        switch t.kind {
        case .eof: return "EOF"
        case .error: return t.message
        default:
            let s = text(t)
            if t.kind.isKeyword { return "<\(s)>" }
            let scalars = s.unicodeScalars
            if scalars.count > 10 {
                var head = String.UnicodeScalarView()
                head.append(contentsOf: scalars.prefix(10))
                return TemplateQuote.quote(String(head)) + "..."
            }
            return TemplateQuote.quote(s)
        }
    }

    func unexpected(_ t: TemplateToken, _ context: String) -> TemplateError {
        guard t.kind == .error else { return fail("unexpected \(describe(t)) in \(context)") }
        var extra = ""
        if let start = actionStart, source.line(of: start) != source.line(of: t.start) {
            extra = " in action started at \(source.name):\(source.line(of: start))"
            // Avoid "unclosed action in action started at".
            if t.message.hasSuffix(" action") { extra = String(extra.dropFirst(" in action".count)) }
        }
        return source.parseError(t.message + extra, at: t.start)
    }

    mutating func expect(_ kind: TemplateToken.Kind, _ context: String) throws(TemplateError) -> TemplateToken {
        let t = nextNonSpace()
        guard t.kind == kind else { throw unexpected(t, context) }
        return t
    }

    // MARK: Structure

    private mutating func parseTop() throws(TemplateError) -> [TemplateNode] {
        var root: [TemplateNode] = []
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let mark = index
                _ = next()
                if nextNonSpace().kind == .define {
                    try parseDefinition()
                    continue
                }
                index = mark
            }
            switch try textOrAction() {
            case .node(let n): root.append(n)
            case let other: throw fail("unexpected \(other.goString)")
            }
        }
        return root
    }

    /// Go's `add`: a template may replace an empty one, never a non-empty one.
    mutating func add(name: String, root: [TemplateNode]) throws(TemplateError) {
        if let existing = trees[name], !TemplateNode.isEmpty(existing) {
            if !TemplateNode.isEmpty(root) {
                throw fail("template: multiple definition of template \(TemplateQuote.quote(name))")
            }
            return
        }
        trees[name] = root
    }

    /// The body of a `define` or `block`: its own variable scope, outside any range.
    private mutating func parseSubtemplate(name: String, context: String) throws(TemplateError) {
        let saved = (vars, rangeDepth)
        vars = ["$"]
        rangeDepth = 0
        let (list, end) = try itemList()
        guard case .end = end else { throw fail("unexpected \(end.goString) in \(context)") }
        try add(name: name, root: list)
        (vars, rangeDepth) = saved
    }

    private mutating func parseDefinition() throws(TemplateError) {
        let context = "define clause"
        let t = nextNonSpace()
        guard t.kind == .string || t.kind == .rawString else { throw unexpected(t, context) }
        let name = try templateName(t, context)
        _ = try expect(.rightDelim, context)
        try parseSubtemplate(name: name, context: context)
    }

    mutating func templateName(_ t: TemplateToken, _ context: String) throws(TemplateError) -> String {
        guard t.kind == .string || t.kind == .rawString else { throw unexpected(t, context) }
        do {
            return try TemplateLiterals.unquote(bytes(t))
        } catch {
            throw fail(error.message)
        }
    }

    /// Nodes up to the `{{end}}` or `{{else}}` that closes them (returned separately).
    @inline(never)
    mutating func itemList() throws(TemplateError) -> ([TemplateNode], Item) {
        var list: [TemplateNode] = []
        while peekNonSpace().kind != .eof {
            let item = try textOrAction()
            guard case .node(let n) = item else { return (list, item) }
            list.append(n)
        }
        throw fail("unexpected EOF")
    }

    @inline(never)
    private mutating func textOrAction() throws(TemplateError) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .text:
            return .node(.text(Array(bytes(t))))
        case .leftDelim:
            actionStart = t.start
            defer { actionStart = nil }
            return try action()
        default:
            throw unexpected(t, "input")
        }
    }

    @inline(never)
    private mutating func action() throws(TemplateError) -> Item {
        let t = nextNonSpace()
        switch t.kind {
        case .block: return try blockControl()
        case .breakKeyword, .continueKeyword: return try loopControl(t)
        case .elseKeyword: return try elseControl()
        case .end: return .end(offset: try expect(.rightDelim, "end").start)
        case .ifKeyword: return .node(.ifBlock(try parseControl("if")))
        case .range: return .node(.rangeBlock(try parseControl("range")))
        case .template: return try templateControl()
        case .with: return .node(.withBlock(try parseControl("with")))
        default:
            backup()
            return .node(.action(try pipeline("command", end: .rightDelim)))
        }
    }

    private mutating func loopControl(_ keyword: TemplateToken) throws(TemplateError) -> Item {
        let isBreak = keyword.kind == .breakKeyword
        let name = isBreak ? "{{break}}" : "{{continue}}"
        let t = nextNonSpace()
        guard t.kind == .rightDelim else { throw unexpected(t, name) }
        guard rangeDepth > 0 else { throw fail("\(name) outside {{range}}") }
        return .node(isBreak ? .breakLoop(offset: keyword.start) : .continueLoop(offset: keyword.start))
    }

    /// `if`, `range`, `with` up to their `{{end}}`. An `{{else if}}` (`{{else with}}`)
    /// chain is read in a loop, then folded into nested branches as Go builds them.
    @inline(never)
    private mutating func parseControl(_ context: String) throws(TemplateError) -> TemplateBranch {
        nesting += 1
        guard nesting <= TemplateParser.maxNesting else { throw fail("max nesting depth exceeded") }
        let varMark = vars.count
        var links: [(pipe: TemplatePipeline, list: [TemplateNode])] = []
        var finalElse: [TemplateNode]?
        while true {
            let pipe = try pipeline(context, end: .rightDelim)
            if context == "range" { rangeDepth += 1 }
            let (list, next) = try itemList()
            if context == "range" { rangeDepth -= 1 }
            links.append((pipe, list))
            guard case .elseItem = next else { break }
            if (context == "if" && peek().kind == .ifKeyword) || (context == "with" && peek().kind == .with) {
                _ = self.next()
                continue
            }
            let (elseList, end) = try itemList()
            guard case .end = end else { throw fail("expected end; found \(end.goString)") }
            finalElse = elseList
            break
        }
        vars.removeSubrange(varMark...)
        nesting -= 1
        var branch: TemplateBranch?
        var elseList = finalElse
        for link in links.reversed() {
            if let inner = branch { elseList = [context == "if" ? .ifBlock(inner) : .withBlock(inner)] }
            branch = TemplateBranch(offset: link.pipe.offset, pipeline: link.pipe, list: link.list, elseList: elseList)
        }
        // `links` always holds the first branch.
        return branch ?? TemplateBranch(offset: 0, pipeline: TemplatePipeline(offset: 0), list: [], elseList: nil)
    }

    private mutating func elseControl() throws(TemplateError) -> Item {
        let p = peekNonSpace()
        if p.kind == .ifKeyword || p.kind == .with { return .elseItem(offset: p.start) }
        return .elseItem(offset: try expect(.rightDelim, "else").start)
    }

    @inline(never)
    private mutating func blockControl() throws(TemplateError) -> Item {
        let context = "block clause"
        let t = nextNonSpace()
        let name = try templateName(t, context)
        let pipe = try pipeline(context, end: .rightDelim)
        try parseSubtemplate(name: name, context: context)
        return .node(.templateCall(offset: t.start, name: name, pipeline: pipe))
    }

    @inline(never)
    private mutating func templateControl() throws(TemplateError) -> Item {
        let context = "template clause"
        let t = nextNonSpace()
        let name = try templateName(t, context)
        var pipe: TemplatePipeline?
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline(context, end: .rightDelim)
        }
        return .node(.templateCall(offset: t.start, name: name, pipeline: pipe))
    }
}

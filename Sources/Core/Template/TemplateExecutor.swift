// Execution of a parsed template (text/template/exec.go): walks the nodes,
// appending to a byte buffer. Variables live on a stack searched from the
// top, as in Go; control structures pop what they declared. `break` and
// `continue` travel back up as signals rather than panics.

/// The parsed templates of one text, shared by every execution.
final class TemplateSet: Sendable {
    let source: TemplateSource
    let trees: [String: [TemplateNode]]

    init(source: TemplateSource, trees: [String: [TemplateNode]]) {
        self.source = source
        self.trees = trees
    }
}

struct TemplateExecutor {
    /// Nesting of control structures and `{{template}}` calls at run time.
    /// Go allows 100 000 template calls; here they use the thread's stack
    /// (about 1 KB a level in release builds), so recursion stops sooner.
    static let maxDepth = 200

    enum Signal { case normal, breakLoop, continueLoop }

    let set: TemplateSet
    let escaping: TemplateEscaping
    var out: [UInt8] = []
    /// Declared variables, innermost last; `$` lives apart so that a plain
    /// execution allocates no stack at all.
    var vars: [(id: Int, value: TemplateValue)] = []
    var dollar = TemplateValue.missing
    var depth = 0
    /// The template being executed, for error messages.
    var executing: String

    init(set: TemplateSet, escaping: TemplateEscaping, executing: String) {
        self.set = set
        self.escaping = escaping
        self.executing = executing
    }

    // MARK: Errors

    func fail(_ message: String, at offset: Int, action: String) -> TemplateError {
        set.source.executionError(message, at: offset, executing: executing, action: action)
    }

    func fail(_ message: String, _ node: TemplateOperand) -> TemplateError {
        fail(message, at: node.offset, action: node.goString)
    }

    // MARK: Walking

    mutating func walk(_ list: [TemplateNode], dot: TemplateValue) throws(TemplateError) -> Signal {
        for node in list {
            switch node {
            case .text(let bytes):
                out.append(contentsOf: bytes)
            case .action(let pipe):
                let value = try evalPipeline(pipe, dot: dot)
                // An action that declares variables prints nothing.
                if pipe.decls.isEmpty { printAction(value, raw: pipe.isRaw) }
            case .ifBlock(let b):
                let signal = try walkIfOrWith(b, dot: dot, isWith: false)
                if signal != .normal { return signal }
            case .withBlock(let b):
                let signal = try walkIfOrWith(b, dot: dot, isWith: true)
                if signal != .normal { return signal }
            case .rangeBlock(let b):
                let signal = try walkRange(b, dot: dot)
                if signal != .normal { return signal }
            case .templateCall(let offset, let name, let pipe):
                try walkTemplate(offset: offset, name: name, pipe: pipe, dot: dot, node: node)
            case .breakLoop:
                return .breakLoop
            case .continueLoop:
                return .continueLoop
            }
        }
        return .normal
    }

    @inline(never)
    private mutating func printAction(_ value: TemplateValue, raw: Bool) {
        guard escaping == .xml && !raw else {
            TemplatePrinter.appendAction(value, to: &out)
            return
        }
        if case .value(.string(let s)) = value {
            TemplateEscaper.appendXML(s, to: &out)
            return
        }
        var text: [UInt8] = []
        TemplatePrinter.appendAction(value, to: &text)
        text.withUnsafeBufferPointer { TemplateEscaper.appendXML(bytes: $0, to: &out) }
    }

    private mutating func enter(offset: Int, action: @autoclosure () -> String) throws(TemplateError) {
        depth += 1
        if depth > TemplateExecutor.maxDepth {
            throw fail("exceeded maximum template depth (\(TemplateExecutor.maxDepth))", at: offset, action: action())
        }
    }

    /// `if`/`with`, following `else if`/`else with` chains in a loop rather than by recursion.
    @inline(never)
    private mutating func walkIfOrWith(_ first: TemplateBranch, dot: TemplateValue, isWith: Bool) throws(TemplateError) -> Signal {
        try enter(offset: first.offset, action: first.pipeline.goString)
        let mark = vars.count
        defer {
            vars.removeSubrange(mark...)
            depth -= 1
        }
        var b = first
        var with = isWith
        while true {
            let value = try evalPipeline(b.pipeline, dot: dot)
            if value.isTruthy { return try walk(b.list, dot: with ? value : dot) }
            guard let elseList = b.elseList else { return .normal }
            if elseList.count == 1 {
                switch elseList[0] {
                case .ifBlock(let next):
                    (b, with) = (next, false)
                    continue
                case .withBlock(let next):
                    (b, with) = (next, true)
                    continue
                default:
                    break
                }
            }
            return try walk(elseList, dot: dot)
        }
    }

    @inline(never)
    private mutating func walkRange(_ b: TemplateBranch, dot: TemplateValue) throws(TemplateError) -> Signal {
        try enter(offset: b.offset, action: b.pipeline.goString)
        let mark = vars.count
        defer {
            vars.removeSubrange(mark...)
            depth -= 1
        }
        let value = try evalPipeline(b.pipeline, dot: dot)
        // Go reports the last node evaluated: the last operand of the pipeline.
        let lastOperand = b.pipeline.commands.last?.args.last
        func cannotRange(_ message: String) -> TemplateError {
            guard let lastOperand else { return fail(message, at: b.offset, action: b.pipeline.goString) }
            return fail(message, lastOperand)
        }
        let bodyMark = vars.count
        switch value {
        case .value(.array(let a)) where !a.isEmpty:
            for (i, element) in a.enumerated() {
                if try iteration(b, bodyMark, index: .int(i), element: .value(element)) == .breakLoop { break }
            }
            return .normal
        case .value(.object(let o)) where !o.isEmpty:
            for (key, element) in TemplatePrinter.sorted(o) {
                if try iteration(b, bodyMark, index: .string(key), element: .value(element)) == .breakLoop { break }
            }
            return .normal
        case .value(.number), .float:
            // Go 1.22+ ranges over an integer n as 0..<n.
            guard case .int(let n)? = value.number else {
                throw cannotRange("range can't iterate over \(TemplatePrinter.sprint([value]))")
            }
            if b.pipeline.decls.count > 1 {
                throw cannotRange("can't use \(n) to iterate over more than one variable")
            }
            if n > 0 {
                for i in 0..<n {
                    if try iteration(b, bodyMark, index: .missing, element: .int(i)) == .breakLoop { break }
                }
                return .normal
            }
        case .missing, .value(.null), .value(.array), .value(.object):
            break // nothing to iterate: the else branch
        default:
            throw cannotRange("range can't iterate over \(TemplatePrinter.sprint([value]))")
        }
        if let elseList = b.elseList { return try walk(elseList, dot: dot) }
        return .normal
    }

    /// One pass of a range body: sets `$i, $v` (declared or assigned), runs it, pops its variables.
    @inline(never)
    private mutating func iteration(_ b: TemplateBranch, _ bodyMark: Int, index: TemplateValue,
                                    element: TemplateValue) throws(TemplateError) -> Signal {
        let pipe = b.pipeline
        if let first = pipe.decls.first {
            if pipe.isAssign {
                try setVariable(first, pipe.decls.count > 1 ? index : element, at: b.offset, action: pipe.goString)
            } else {
                vars[bodyMark - 1].value = element // the last declared: lexically the second
            }
        }
        if pipe.decls.count > 1 {
            if pipe.isAssign {
                try setVariable(pipe.decls[1], element, at: b.offset, action: pipe.goString)
            } else {
                vars[bodyMark - 2].value = index
            }
        }
        let signal = try walk(b.list, dot: element)
        vars.removeSubrange(bodyMark...)
        return signal
    }

    @inline(never)
    private mutating func walkTemplate(offset: Int, name: String, pipe: TemplatePipeline?, dot: TemplateValue,
                                       node: TemplateNode) throws(TemplateError) {
        guard let tree = set.trees[name] else {
            throw fail("template \(TemplateQuote.quote(name)) not defined", at: offset, action: node.goString())
        }
        try enter(offset: offset, action: node.goString())
        defer { depth -= 1 }
        // Variables declared by the pipeline stay with the caller.
        var newDot = TemplateValue.missing
        if let pipe { newDot = try evalPipeline(pipe, dot: dot) }
        let saved = (vars, dollar, executing)
        // No dynamic scoping: the called template sees only `$`.
        vars = []
        dollar = newDot
        executing = name
        defer { (vars, dollar, executing) = saved }
        _ = try walk(tree, dot: newDot)
    }

    // MARK: Variables

    mutating func setVariable(_ v: TemplateVariable, _ value: TemplateValue, at offset: Int, action: String) throws(TemplateError) {
        var i = vars.count - 1
        while i >= 0 {
            if vars[i].id == v.id {
                vars[i].value = value
                return
            }
            i -= 1
        }
        if v.id == 0 {
            dollar = value
            return
        }
        throw fail("undefined variable: \(v.name)", at: offset, action: action)
    }

    func variableValue(_ v: TemplateVariable, _ node: TemplateOperand) throws(TemplateError) -> TemplateValue {
        var i = vars.count - 1
        while i >= 0 {
            if vars[i].id == v.id { return vars[i].value }
            i -= 1
        }
        if v.id == 0 { return dollar }
        throw fail("undefined variable: \(v.name)", node)
    }
}

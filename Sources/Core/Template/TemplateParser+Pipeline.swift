// Pipelines, commands and operands: `$x := .a | f (g .b) "lit"`.

extension TemplateParser {
    /// `declarations? command ('|' command)*` up to `end` (`}}` or `)`).
    @inline(never)
    mutating func pipeline(_ context: String, end: TemplateToken.Kind) throws(TemplateError) -> TemplatePipeline {
        var pipe = TemplatePipeline(offset: peekNonSpace().start)
        decls: while peekNonSpace().kind == .variable {
            let variableIndex = index
            let v = next()
            // Three tokens of look-ahead: in "$x foo" the variable is an argument, not a declaration.
            let nextToken = peekNonSpace()
            if nextToken.kind == .assign || nextToken.kind == .declare {
                pipe.isAssign = nextToken.kind == .assign
                _ = nextNonSpace()
                pipe.decls.append(declare(v))
            } else if nextToken.kind == .char && text(nextToken) == "," {
                _ = nextNonSpace()
                pipe.decls.append(declare(v))
                if context == "range" && pipe.decls.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen:
                        continue decls // second variable of a range
                    default:
                        throw fail("range can only initialize variables")
                    }
                }
                throw fail("too many declarations in \(context)")
            } else {
                index = variableIndex
            }
            break
        }
        while true {
            let t = nextNonSpace()
            if t.kind == end {
                try checkPipeline(pipe, context)
                return pipe
            }
            switch t.kind {
            case .bool, .charConstant, .complex, .dot, .field, .identifier, .number, .nilKeyword,
                 .rawString, .string, .variable, .leftParen:
                backup()
                pipe.commands.append(try command())
            default:
                throw unexpected(t, context)
            }
        }
    }

    private mutating func declare(_ t: TemplateToken) -> TemplateVariable {
        let name = text(t)
        vars.append(name)
        return TemplateVariable(name: name, id: variableID(name))
    }

    private func checkPipeline(_ pipe: TemplatePipeline, _ context: String) throws(TemplateError) {
        guard !pipe.commands.isEmpty else { throw fail("missing value for \(context)") }
        // Only the first command of a pipeline may be a non-executable operand.
        for (i, c) in pipe.commands.enumerated().dropFirst() {
            switch c.args[0] {
            case .bool, .dot, .nilLiteral, .number, .string:
                throw fail("non executable command in pipeline stage \(i + 1)")
            default:
                continue
            }
        }
    }

    /// Space-separated operands up to `|` (consumed) or the closing delimiter (left).
    @inline(never)
    private mutating func command() throws(TemplateError) -> TemplateCommand {
        let offset = peekNonSpace().start
        var args: [TemplateOperand] = []
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { args.append(operand) }
            let t = next()
            switch t.kind {
            case .space:
                continue
            case .rightDelim, .rightParen:
                backup()
            case .pipe:
                break
            default:
                throw unexpected(t, "operand")
            }
            break
        }
        guard !args.isEmpty else { throw fail("empty command") }
        return TemplateCommand(offset: offset, args: args)
    }

    /// A term possibly followed by field accesses: `.a.b`, `$x.a`, `(f).a`.
    @inline(never)
    private mutating func operand() throws(TemplateError) -> TemplateOperand? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        // Go positions the merged node at the first chained field.
        let chainOffset = peek().start
        var names: [String] = []
        while peek().kind == .field { names.append(String(text(next()).dropFirst())) }
        switch node {
        case .field(_, let first):
            return .field(offset: chainOffset, names: first + names)
        case .variable(_, let v, let first):
            return .variable(offset: chainOffset, variable: v, names: first + names)
        case .bool, .string, .number, .nilLiteral, .dot:
            throw fail("unexpected . after term \(TemplateQuote.quote(node.goString))")
        default:
            return .chain(offset: chainOffset, base: node, names: names)
        }
    }

    /// A literal, function name, `.`, `.Field`, `$var` or `( pipeline )`; nil when none follows.
    @inline(never)
    private mutating func term() throws(TemplateError) -> TemplateOperand? {
        let t = nextNonSpace()
        switch t.kind {
        case .identifier:
            let name = text(t)
            guard let f = TemplateFunction(rawValue: name) else {
                throw fail("function \(TemplateQuote.quote(name)) not defined")
            }
            return .function(offset: t.start, function: f)
        case .dot:
            return .dot(offset: t.start)
        case .nilKeyword:
            return .nilLiteral(offset: t.start)
        case .variable:
            let name = text(t)
            guard vars.contains(name) else { throw fail("undefined variable \(TemplateQuote.quote(name))") }
            return .variable(offset: t.start, variable: TemplateVariable(name: name, id: variableID(name)), names: [])
        case .field:
            return .field(offset: t.start, names: [String(text(t).dropFirst())])
        case .bool:
            return .bool(offset: t.start, value: text(t) == "true")
        case .number, .charConstant:
            do {
                return .number(offset: t.start, literal: try TemplateLiterals.number(bytes(t), isChar: t.kind == .charConstant))
            } catch {
                throw fail(error.message)
            }
        case .complex:
            throw fail("complex numbers are not supported: \(text(t))")
        case .leftParen:
            nesting += 1
            guard nesting <= TemplateParser.maxNesting else { throw fail("max expression depth exceeded") }
            let p = try pipeline("parenthesized pipeline", end: .rightParen)
            nesting -= 1
            return .pipeline(p)
        case .string, .rawString:
            do {
                return .string(offset: t.start, quoted: text(t), value: try TemplateLiterals.unquote(bytes(t)))
            } catch {
                throw fail(error.message)
            }
        default:
            backup()
            return nil
        }
    }
}

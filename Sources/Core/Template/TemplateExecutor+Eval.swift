// Evaluation of pipelines, commands, field chains and function calls, with
// Go's argument checking (validateType/evalArg) and messages.

extension TemplateExecutor {
    /// Where a function was called: a command (`{{index .a 1}}`) or an operand (`(len .x)`, `f.x`).
    enum CallSite {
        case command(TemplateCommand)
        case operand(TemplateOperand)

        var offset: Int {
            switch self {
            case .command(let c): return c.offset
            case .operand(let o): return o.offset
            }
        }

        var goString: String {
            switch self {
            case .command(let c): return c.goString
            case .operand(let o): return o.goString
            }
        }
    }

    /// Runs the commands, each receiving the previous result as its last argument,
    /// then declares or assigns the pipeline's variables.
    @inline(never)
    mutating func evalPipeline(_ pipe: TemplatePipeline, dot: TemplateValue) throws(TemplateError) -> TemplateValue {
        var value: TemplateValue?
        for command in pipe.commands {
            var v = try evalCommand(command, dot: dot, final: value)
            // An interface{} holding nil becomes Go's invalid value.
            if case .value(.null) = v { v = .missing }
            value = v
        }
        let result = value ?? .missing
        for decl in pipe.decls {
            if pipe.isAssign {
                try setVariable(decl, result, at: pipe.offset, action: pipe.goString)
            } else {
                vars.append((decl.id, result))
            }
        }
        return result
    }

    private func notAFunction(_ args: [TemplateOperand], _ final: TemplateValue?, _ node: TemplateOperand) throws(TemplateError) {
        if args.count > 1 || final != nil {
            throw fail("can't give argument to non-function \(args[0].goString)", node)
        }
    }

    @inline(never)
    private mutating func evalCommand(_ command: TemplateCommand, dot: TemplateValue,
                                      final: TemplateValue?) throws(TemplateError) -> TemplateValue {
        let first = command.args[0]
        switch first {
        case .field(_, let names):
            return try evalFieldChain(receiver: dot, names: names, node: first, hasArgs: command.args.count > 1 || final != nil)
        case .chain(_, let base, let names):
            let receiver = try evalArg(base, dot: dot, parameter: nil)
            return try evalFieldChain(receiver: receiver, names: names, node: first, hasArgs: command.args.count > 1 || final != nil)
        case .variable(_, let v, let names):
            let value = try variableValue(v, first)
            if names.isEmpty {
                try notAFunction(command.args, final, first)
                return value
            }
            return try evalFieldChain(receiver: value, names: names, node: first, hasArgs: command.args.count > 1 || final != nil)
        case .function(_, let f):
            return try evalFunction(f, node: first, site: .command(command), args: command.args.dropFirst(), final: final, dot: dot)
        case .pipeline(let p):
            try notAFunction(command.args, final, first)
            return try evalPipeline(p, dot: dot)
        default:
            try notAFunction(command.args, final, first)
            return try literal(first, dot: dot)
        }
    }

    /// A literal (or `.`) used where any type is accepted: Go's `idealConstant` for numbers.
    private func literal(_ node: TemplateOperand, dot: TemplateValue) throws(TemplateError) -> TemplateValue {
        switch node {
        case .bool(_, let b): return .bool(b)
        case .dot: return dot
        case .string(_, _, let s): return .string(s)
        case .number(_, let n):
            switch n.ideal {
            case .success(let v): return v
            case .failure(let e): throw fail(e.message, node)
            }
        default: throw fail("nil is not a command", node)
        }
    }

    /// `.a.b.c` from `receiver`: missing stays missing, a nil map value or a non-map is an error.
    private func evalFieldChain(receiver: TemplateValue, names: [String], node: TemplateOperand,
                                hasArgs: Bool) throws(TemplateError) -> TemplateValue {
        var r = receiver
        for (i, name) in names.enumerated() {
            switch r {
            case .missing:
                return .missing
            case .value(.null):
                throw fail("nil pointer evaluating interface {}.\(name)", node)
            case .value(.object(let o)):
                if hasArgs && i == names.count - 1 { throw fail("\(name) is not a method but has arguments", node) }
                guard let v = o[name] else { return .missing }
                r = .value(v)
            default:
                // Values read from a map have Go type interface{}.
                let type = i == 0 ? r.goTypeName : "interface {}"
                throw fail("can't evaluate field \(name) in type \(type)", node)
            }
        }
        return r
    }

    /// An argument evaluated and checked against a Go parameter type (nil: no type, as for `(x).f`).
    @inline(never)
    private mutating func evalArg(_ node: TemplateOperand, dot: TemplateValue,
                                  parameter: TemplateParameter?) throws(TemplateError) -> TemplateValue {
        switch node {
        case .dot:
            return try validate(dot, parameter, node)
        case .nilLiteral:
            switch parameter {
            case nil, .reflectValue?: return .missing
            case .any?, .map?: return .null
            case let p?: throw fail("cannot assign nil to \(p.goName)", node)
            }
        case .field(_, let names):
            return try validate(try evalFieldChain(receiver: dot, names: names, node: node, hasArgs: false), parameter, node)
        case .variable(_, let v, let names):
            let value = try variableValue(v, node)
            let result = names.isEmpty ? value : try evalFieldChain(receiver: value, names: names, node: node, hasArgs: false)
            return try validate(result, parameter, node)
        case .pipeline(let p):
            return try validate(try evalPipeline(p, dot: dot), parameter, node)
        case .function(_, let f):
            return try validate(try evalFunction(f, node: node, site: .operand(node), args: [], final: nil, dot: dot), parameter, node)
        case .chain(_, let base, let names):
            let receiver = try evalArg(base, dot: dot, parameter: nil)
            return try validate(try evalFieldChain(receiver: receiver, names: names, node: node, hasArgs: false), parameter, node)
        case .bool, .number, .string:
            switch parameter {
            case nil, .any?, .reflectValue?:
                return try literal(node, dot: dot)
            case .string?:
                guard case .string(_, _, let s) = node else { throw fail("expected string; found \(node.goString)", node) }
                return .string(s)
            case .int?:
                guard case .number(_, let n) = node, n.isInt else { throw fail("expected integer; found \(node.goString)", node) }
                return .value(.number(String(n.intValue)))
            case .bool?:
                guard case .bool(_, let b) = node else { throw fail("expected bool; found \(node.goString)", node) }
                return .bool(b)
            case .map?:
                throw fail("can't handle \(node.goString) for arg of type map[string]interface {}", node)
            }
        }
    }

    /// Go's `validateType`: nil where a nil is acceptable, the value when its type fits.
    private func validate(_ value: TemplateValue, _ parameter: TemplateParameter?,
                          _ node: TemplateOperand) throws(TemplateError) -> TemplateValue {
        guard let parameter else { return value }
        if case .missing = value {
            switch parameter {
            case .reflectValue: return .missing
            case .any, .map: return .null
            default: throw fail("invalid value; expected \(parameter.goName)", node)
            }
        }
        let fits: Bool
        switch parameter {
        case .reflectValue, .any: return value
        case .string: fits = value.string != nil
        case .int: if case .int? = value.number { fits = true } else { fits = false }
        case .bool: if case .value(.bool) = value { fits = true } else { fits = false }
        case .map: if case .value(.object) = value { fits = true } else { fits = false }
        }
        guard fits else {
            // A nil stored in a map or array is an interface{} that holds nothing.
            let got = value.isNil ? "interface {}" : value.goTypeName
            throw fail("wrong type for value; expected \(parameter.goName); got \(got)", node)
        }
        return value
    }

    /// Go's `evalCall`: argument count and types, the short-circuit of and/or, then the call.
    @inline(never)
    private mutating func evalFunction(_ f: TemplateFunction, node: TemplateOperand, site: CallSite,
                                       args: ArraySlice<TemplateOperand>, final: TemplateValue?,
                                       dot: TemplateValue) throws(TemplateError) -> TemplateValue {
        let (fixed, variadic) = f.signature
        let numIn = args.count + (final == nil ? 0 : 1)
        if variadic != nil {
            if numIn < fixed.count {
                throw fail("wrong number of args for \(f.rawValue): want at least \(fixed.count) got \(args.count)", node)
            }
        } else if numIn != fixed.count {
            throw fail("wrong number of args for \(f.rawValue): want \(fixed.count) got \(numIn)", node)
        }
        if f == .and || f == .or {
            var v = TemplateValue.missing
            for arg in args {
                v = try evalArg(arg, dot: dot, parameter: .reflectValue)
                if v.isTruthy == (f == .or) { return v }
            }
            if let final { v = final }
            return v
        }
        var argv: [TemplateValue] = []
        argv.reserveCapacity(numIn)
        for (i, arg) in args.enumerated() {
            argv.append(try evalArg(arg, dot: dot, parameter: i < fixed.count ? fixed[i] : variadic))
        }
        if let final {
            let parameter = (variadic != nil && numIn - 1 >= fixed.count) ? variadic : fixed[numIn - 1]
            argv.append(try validate(final, parameter, node))
        }
        if f == .call {
            // There are no function values in JSON data: report what Go reports for a non-function.
            let callee = args.first?.goString ?? (argv[0].string ?? "<\(argv[0].goTypeName) Value>")
            let message = argv[0].isNil ? "call of nil" : "non-function \(callee) of type \(argv[0].goTypeName)"
            throw fail("error calling call: \(message)", at: site.offset, action: site.goString)
        }
        let result: TemplateValue
        do {
            result = try f.apply(argv)
        } catch {
            throw fail("error calling \(f.rawValue): \(error.message)", at: site.offset, action: site.goString)
        }
        // Go's set/unset change the map in place; for `set $d ...` update the variable.
        if f == .set || f == .unset, case .variable(_, let v, let names)? = args.first, names.isEmpty {
            try setVariable(v, result, at: site.offset, action: site.goString)
        }
        return result
    }
}

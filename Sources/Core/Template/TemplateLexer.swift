// The scanner of Go's text/template (parse/lex.go, Go 1.22+ behaviour):
// newlines are allowed inside actions, `{{- ` / ` -}}` trim the adjacent
// white space (" \t\r\n") of the surrounding text, comments are dropped.
// Tokens are produced up front into an array; the scan stops at the first
// error token, which the parser reports when it reaches it (as Go does).

struct TemplateLexer {
    private enum State { case text, leftDelim, insideAction, done }

    private static let keywords: [String: TemplateToken.Kind] = [
        "block": .block, "break": .breakKeyword, "continue": .continueKeyword, "define": .define,
        "else": .elseKeyword, "end": .end, "if": .ifKeyword, "range": .range, "nil": .nilKeyword,
        "template": .template, "with": .with,
    ]

    private let input: [UInt8]
    private var pos = 0
    private var start = 0
    private var width = 0
    private var parenDepth = 0
    private var tokens: [TemplateToken] = []

    private init(_ input: [UInt8]) { self.input = input }

    static func tokenize(_ input: [UInt8]) -> [TemplateToken] {
        var lexer = TemplateLexer(input)
        var state = State.text
        while state != .done {
            switch state {
            case .text: state = lexer.lexText()
            case .leftDelim: state = lexer.lexLeftDelim()
            case .insideAction: state = lexer.lexInsideAction()
            case .done: break
            }
        }
        return lexer.tokens
    }

    // MARK: Primitives

    private static let eof: Int32 = -1

    /// Decodes the next Unicode scalar (input comes from a Swift string, so it is valid UTF-8).
    private mutating func next() -> Int32 {
        guard pos < input.count else {
            width = 0
            return Self.eof
        }
        let (scalar, n) = TemplateLexer.decode(input, at: pos)
        width = n
        pos += n
        return scalar
    }

    private mutating func backup() { pos -= width }

    private mutating func peek() -> Int32 {
        let r = next()
        backup()
        return r
    }

    private mutating func emit(_ kind: TemplateToken.Kind) {
        tokens.append(TemplateToken(kind: kind, start: start, end: pos))
        start = pos
    }

    private mutating func ignore() { start = pos }

    private mutating func errorf(_ message: String) -> State {
        tokens.append(TemplateToken(kind: .error, start: start, end: pos, message: message))
        return .done
    }

    private func hasPrefix(_ bytes: [UInt8], at i: Int) -> Bool {
        guard i >= 0, i + bytes.count <= input.count else { return false }
        for k in 0..<bytes.count where input[i + k] != bytes[k] { return false }
        return true
    }

    private func find(_ bytes: [UInt8], from i: Int) -> Int? {
        var j = i
        while j + bytes.count <= input.count {
            if input[j] == bytes[0] && hasPrefix(bytes, at: j) { return j }
            j += 1
        }
        return nil
    }

    private static let leftDelim: [UInt8] = Array("{{".utf8)
    private static let rightDelim: [UInt8] = Array("}}".utf8)
    private static let leftComment: [UInt8] = Array("/*".utf8)
    private static let rightComment: [UInt8] = Array("*/".utf8)

    private func hasLeftTrimMarker(at i: Int) -> Bool {
        i + 1 < input.count && input[i] == UInt8(ascii: "-") && TemplateLexer.isSpace(Int32(input[i + 1]))
    }

    private func hasRightTrimMarker(at i: Int) -> Bool {
        i >= 0 && i + 1 < input.count && TemplateLexer.isSpace(Int32(input[i])) && input[i + 1] == UInt8(ascii: "-")
    }

    private func atRightDelim() -> (delim: Bool, trim: Bool) {
        if hasRightTrimMarker(at: pos) && hasPrefix(TemplateLexer.rightDelim, at: pos + 2) { return (true, true) }
        if hasPrefix(TemplateLexer.rightDelim, at: pos) { return (true, false) }
        return (false, false)
    }

    private func leftTrimLength(from i: Int) -> Int {
        var j = i
        while j < input.count && TemplateLexer.isSpace(Int32(input[j])) { j += 1 }
        return j - i
    }

    // MARK: States

    private mutating func lexText() -> State {
        width = 0
        if let x = find(TemplateLexer.leftDelim, from: pos) {
            var trim = 0
            if hasLeftTrimMarker(at: x + 2) {
                var j = x
                while j > start && TemplateLexer.isSpace(Int32(input[j - 1])) { j -= 1 }
                trim = x - j
            }
            pos = x - trim
            if pos > start { emit(.text) }
            pos = x
            ignore()
            return .leftDelim
        }
        pos = input.count
        if pos > start { emit(.text) }
        emit(.eof)
        return .done
    }

    private mutating func lexLeftDelim() -> State {
        pos += 2
        let afterMarker = hasLeftTrimMarker(at: pos) ? 2 : 0
        if hasPrefix(TemplateLexer.leftComment, at: pos + afterMarker) {
            pos += afterMarker
            ignore()
            return lexComment()
        }
        emit(.leftDelim)
        pos += afterMarker
        ignore()
        parenDepth = 0
        return .insideAction
    }

    private mutating func lexComment() -> State {
        pos += 2
        guard let x = find(TemplateLexer.rightComment, from: pos) else { return errorf("unclosed comment") }
        pos = x + 2
        let (delim, trim) = atRightDelim()
        guard delim else { return errorf("comment ends before closing delimiter") }
        if trim { pos += 2 }
        pos += 2
        if trim { pos += leftTrimLength(from: pos) }
        ignore()
        return .text
    }

    private mutating func lexRightDelim() -> State {
        let (_, trim) = atRightDelim()
        if trim {
            pos += 2
            ignore()
        }
        pos += 2
        emit(.rightDelim)
        if trim {
            pos += leftTrimLength(from: pos)
            ignore()
        }
        return .text
    }

    private mutating func lexInsideAction() -> State {
        if atRightDelim().delim {
            return parenDepth == 0 ? lexRightDelim() : errorf("unclosed left paren")
        }
        let r = next()
        switch r {
        case Self.eof:
            return errorf("unclosed action")
        case _ where TemplateLexer.isSpace(r):
            backup()
            return lexSpace()
        case 0x3D: // =
            emit(.assign)
        case 0x3A: // :
            if next() != 0x3D { return errorf("expected :=") }
            emit(.declare)
        case 0x7C: // |
            emit(.pipe)
        case 0x22: // "
            return lexQuoted(close: 0x22, kind: .string, message: "unterminated quoted string")
        case 0x60: // `
            return lexRawQuote()
        case 0x24: // $
            return atTerminator() ? emitting(.variable) : lexFieldOrVariable(.variable)
        case 0x27: // '
            return lexQuoted(close: 0x27, kind: .charConstant, message: "unterminated character constant")
        case 0x2E where pos < input.count && (input[pos] < 0x30 || input[pos] > 0x39): // .field
            return lexFieldOrVariable(.field)
        case 0x2E, 0x2B, 0x2D, 0x30...0x39: // . + - digit start a number
            backup()
            return lexNumber()
        case _ where TemplateLexer.isAlphaNumeric(r):
            backup()
            return lexIdentifier()
        case 0x28: // (
            emit(.leftParen)
            parenDepth += 1
        case 0x29: // )
            parenDepth -= 1
            if parenDepth < 0 { return errorf("unexpected right paren") }
            emit(.rightParen)
        case 0x20...0x7E:
            emit(.char)
        default:
            return errorf("unrecognized character in action: \(TemplateLexer.describeRune(r))")
        }
        return .insideAction
    }

    private mutating func emitting(_ kind: TemplateToken.Kind) -> State {
        emit(kind)
        return .insideAction
    }

    private mutating func lexSpace() -> State {
        var numSpaces = 0
        while TemplateLexer.isSpace(peek()) {
            _ = next()
            numSpaces += 1
        }
        // A trim-marked right delimiter starts with a space: leave that space to it.
        if hasRightTrimMarker(at: pos - 1) && hasPrefix(TemplateLexer.rightDelim, at: pos + 1) {
            pos -= 1
            if numSpaces == 1 { return lexRightDelim() }
        }
        emit(.space)
        return .insideAction
    }

    private mutating func lexIdentifier() -> State {
        var r = next()
        while TemplateLexer.isAlphaNumeric(r) { r = next() }
        backup()
        guard atTerminator() else { return errorf("bad character \(TemplateLexer.describeRune(r))") }
        let word = String(decoding: input[start..<pos], as: UTF8.self)
        if let keyword = TemplateLexer.keywords[word] {
            emit(keyword)
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else {
            emit(.identifier)
        }
        return .insideAction
    }

    /// After `.` or `$`: a name, or the bare dot / `$` when nothing follows.
    private mutating func lexFieldOrVariable(_ kind: TemplateToken.Kind) -> State {
        if atTerminator() { return emitting(kind == .variable ? .variable : .dot) }
        var r = next()
        while TemplateLexer.isAlphaNumeric(r) { r = next() }
        backup()
        guard atTerminator() else { return errorf("bad character \(TemplateLexer.describeRune(r))") }
        return emitting(kind)
    }

    /// Whether the next character can follow an identifier (splits `.X.Y`, rejects `$x+2`).
    private mutating func atTerminator() -> Bool {
        let r = peek()
        if TemplateLexer.isSpace(r) { return true }
        switch r {
        case Self.eof, 0x2E, 0x2C, 0x7C, 0x3A, 0x29, 0x28: return true
        default: return hasPrefix(TemplateLexer.rightDelim, at: pos)
        }
    }

    private mutating func lexQuoted(close: Int32, kind: TemplateToken.Kind, message: String) -> State {
        while true {
            var r = next()
            if r == 0x5C { // backslash: skip the escaped character
                r = next()
                if r != Self.eof && r != 0x0A { continue }
            }
            if r == Self.eof || r == 0x0A { return errorf(message) }
            if r == close { break }
        }
        return emitting(kind)
    }

    private mutating func lexRawQuote() -> State {
        while true {
            let r = next()
            if r == Self.eof { return errorf("unterminated raw quoted string") }
            if r == 0x60 { break }
        }
        return emitting(.rawString)
    }

    private mutating func lexNumber() -> State {
        guard scanNumber() else { return badNumber() }
        let sign = peek()
        if sign == 0x2B || sign == 0x2D {
            // Complex: 1+2i. No spaces, must end in 'i'.
            guard scanNumber(), input[pos - 1] == UInt8(ascii: "i") else { return badNumber() }
            return emitting(.complex)
        }
        return emitting(.number)
    }

    private mutating func badNumber() -> State {
        let text = String(decoding: input[start..<pos], as: UTF8.self)
        return errorf("bad number syntax: \(TemplateQuote.quote(text))")
    }

    private mutating func accept(_ valid: String) -> Bool {
        let r = next()
        if r >= 0, r < 0x80, valid.utf8.contains(UInt8(r)) { return true }
        backup()
        return false
    }

    private mutating func acceptRun(_ valid: String) {
        while accept(valid) {}
    }

    private mutating func scanNumber() -> Bool {
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            // A leading 0 does not mean octal in floats.
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.utf8.count == 11 && accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.utf8.count == 23 && accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        if TemplateLexer.isAlphaNumeric(peek()) {
            _ = next()
            return false
        }
        return true
    }
}
